"""How the LiteLLM guardrail maps messages to one prompt and puts warden's redaction back."""

from __future__ import annotations

from typing import Any

import pytest

guardrail = pytest.importorskip("warden_client.litellm_guardrail", reason="needs the litellm extra")


def test_redaction_goes_back_into_each_message_and_content_part() -> None:
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": [{"type": "text", "text": "card 4111"}, {"type": "image_url", "image_url": {"url": "x"}}, {"type": "text", "text": "mail a@b.c"}]},
        {"role": "assistant", "content": None, "tool_calls": []},
    ]
    segments = guardrail._segments(messages)
    assert [s.text for s in segments] == ["be brief", "card 4111", "mail a@b.c"]
    redacted = guardrail.SEPARATOR.join(["be brief", "card [REDACTED:pii.payment_card]", "mail [REDACTED:pii.email]"])
    guardrail._rewrite(messages, segments, redacted)
    assert messages[0]["content"] == "be brief"
    assert messages[1]["content"][0]["text"] == "card [REDACTED:pii.payment_card]"
    assert messages[1]["content"][1]["type"] == "image_url"
    assert messages[1]["content"][2]["text"] == "mail [REDACTED:pii.email]"


def test_a_redaction_across_message_boundaries_refuses_instead_of_forwarding_clear_text() -> None:
    from fastapi import HTTPException

    messages = [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]
    with pytest.raises(HTTPException) as info:
        guardrail._rewrite(messages, guardrail._segments(messages), "[REDACTED:pii.street_address]")
    assert info.value.status_code == 403
    assert messages[0]["content"] == "a"


def test_the_tool_target_is_the_first_destination_like_argument() -> None:
    keys = guardrail.DEFAULT_TARGET_KEYS
    assert guardrail._target_of('{"body": "x", "url": "https://h.example/p"}', keys) == "https://h.example/p"
    assert guardrail._target_of('{"host": "db.internal"}', keys) == "db.internal"
    assert guardrail._target_of('{"q": "weather"}', keys) is None
    assert guardrail._target_of("not json", keys) is None
