"""Configuration from arguments and WARDEN_* variables, every problem reported at once."""

from __future__ import annotations

import pytest

from warden_client import WardenConfig, WardenConfigError


def test_arguments_win_over_environment_variables() -> None:
    env = {"WARDEN_URL": "http://env:8787", "WARDEN_API_KEY": "env-key", "WARDEN_TIMEOUT_MS": "750", "WARDEN_FAIL_MODE": "open"}
    c = WardenConfig.load(env, url="http://arg:8787")
    assert (c.url, c.api_key, c.timeout_ms, c.fail_mode) == ("http://arg:8787", "env-key", 750, "open")
    assert c.effective_ingest_key == "env-key"


def test_reports_every_invalid_value_with_what_it_got() -> None:
    env = {"WARDEN_URL": "ftp://x", "WARDEN_TIMEOUT_MS": "soon", "WARDEN_FAIL_MODE": "maybe", "WARDEN_MIRROR_QUEUE_SIZE": "0"}
    with pytest.raises(WardenConfigError) as info:
        WardenConfig.load(env)
    assert any("WARDEN_TIMEOUT_MS" in p and "'soon'" in p for p in info.value.problems)
    with pytest.raises(WardenConfigError) as info:
        WardenConfig.load({k: v for k, v in env.items() if k != "WARDEN_TIMEOUT_MS"})
    text = "\n".join(info.value.problems)
    assert "url" in text and "fail_mode" in text and "mirror_queue_size" in text
    assert info.value.code == "CLIENT_CONFIG_INVALID"


def test_unknown_settings_are_refused_by_name() -> None:
    with pytest.raises(WardenConfigError, match="timeout_seconds: not a setting"):
        WardenConfig.load({}, timeout_seconds=3)


def test_require_names_the_variable_to_set() -> None:
    with pytest.raises(WardenConfigError, match="WARDEN_API_KEY"):
        WardenConfig.load({}).require("url", "api_key", purpose="check()")
