"""The client's configuration: read once from arguments and environment, validated, frozen.

Arguments win over environment variables; every invalid value is reported at once, with the value
it got (``WardenConfigError.problems``). Names carry their units (``timeout_ms``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Literal, Mapping, Union
from urllib.parse import urlsplit

from .errors import WardenConfigError

FailMode = Literal["open", "closed"]
Value = Union[str, int, None]


@dataclass(frozen=True)
class WardenConfig:
    #: Base URL of the decision endpoint (services/decision), e.g. http://127.0.0.1:8787.
    url: str | None = None
    #: Key for the decision endpoint (``Authorization: Bearer``); one of DECISION_API_KEYS.
    api_key: str | None = None
    #: Base URL of the ingest API (services/ingest), e.g. http://127.0.0.1:8080; needed by mirror() and OTel.
    ingest_url: str | None = None
    #: Key for ingest; defaults to ``api_key`` (one enforcement point usually has one key for both).
    ingest_api_key: str | None = None
    #: Defaults for events built with make_event(); the decision key decides for one tenant only.
    tenant_id: str | None = None
    agent_id: str | None = None
    enforcement_point_id: str = "warden-python"
    #: What check() answers when warden cannot be reached: ``closed`` blocks, ``open`` allows.
    fail_mode: FailMode = "closed"
    timeout_ms: int = 2000
    connect_timeout_ms: int = 500
    #: Retries after the first attempt (connect errors, timeouts, 5xx, 429), with exponential backoff and jitter.
    max_retries: int = 2
    backoff_base_ms: int = 50
    backoff_max_ms: int = 1000
    #: A Retry-After longer than this makes check() give up at once (the agent is waiting).
    max_retry_after_ms: int = 2000
    #: How long a standing block (quarantined agent, blocked session, revoked credential) is
    #: answered from this client's cache without asking; 0 turns the cache off.
    standing_cache_ttl_ms: int = 5000
    standing_cache_max_entries: int = 10_000
    mirror_queue_size: int = 10_000
    mirror_batch_size: int = 500
    mirror_flush_interval_ms: int = 200
    #: Attempts per batch before it is dropped (counted as failed and logged).
    mirror_max_attempts: int = 8
    mirror_backoff_max_ms: int = 10_000

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, /, **overrides: Value) -> WardenConfig:
        """Arguments first, then ``WARDEN_<NAME>`` variables (e.g. WARDEN_URL, WARDEN_API_KEY,
        WARDEN_FAIL_MODE, WARDEN_TIMEOUT_MS), then defaults; raises WardenConfigError listing every problem."""
        source = os.environ if env is None else env
        problems: list[str] = []
        known = {f.name: f for f in fields(cls)}
        for name in overrides:
            if name not in known:
                problems.append(f"{name}: not a setting (known: {', '.join(sorted(known))})")
        values: dict[str, object] = {}
        for name, f in known.items():
            var = f"WARDEN_{name.upper()}"
            raw: Value = overrides.get(name)
            origin = name
            if raw is None and var in source and source[var] != "":
                raw, origin = source[var], var
            if raw is None:
                continue
            if f.type in ("int", int):
                try:
                    values[name] = int(raw)
                except ValueError:
                    problems.append(f"{origin}: must be an integer, got {raw!r}")
            else:
                values[name] = str(raw)
        if problems:
            raise WardenConfigError(problems)
        config = cls(**values)  # type: ignore[arg-type]  # types checked by validate() below
        config.validate()
        return config

    def validate(self) -> None:
        problems: list[str] = []
        for name in ("url", "ingest_url"):
            v = getattr(self, name)
            if v is not None:
                parts = urlsplit(v)
                if parts.scheme not in ("http", "https") or not parts.netloc:
                    problems.append(f"{name}: must be an http(s) URL like http://127.0.0.1:8787, got {v!r}")
        if self.fail_mode not in ("open", "closed"):
            problems.append(f"fail_mode: must be open or closed, got {self.fail_mode!r}")
        minimums = {
            "timeout_ms": 1,
            "connect_timeout_ms": 1,
            "max_retries": 0,
            "backoff_base_ms": 0,
            "backoff_max_ms": 0,
            "max_retry_after_ms": 0,
            "standing_cache_ttl_ms": 0,
            "standing_cache_max_entries": 1,
            "mirror_queue_size": 1,
            "mirror_batch_size": 1,
            "mirror_flush_interval_ms": 1,
            "mirror_max_attempts": 1,
            "mirror_backoff_max_ms": 0,
        }
        for name, minimum in minimums.items():
            v = getattr(self, name)
            if not isinstance(v, int) or v < minimum:
                problems.append(f"{name}: must be an integer >= {minimum}, got {v!r}")
        if self.mirror_batch_size > 5000:
            problems.append(f"mirror_batch_size: at most 5000 (ingest's default per request), got {self.mirror_batch_size}")
        if problems:
            raise WardenConfigError(problems)

    def require(self, *names: str, purpose: str) -> None:
        """Fails with every missing setting a feature needs, naming its variable."""
        missing = [f"{n}: required for {purpose} (argument {n}= or WARDEN_{n.upper()})" for n in names if getattr(self, n) is None]
        if missing:
            raise WardenConfigError(missing)

    @property
    def effective_ingest_key(self) -> str | None:
        return self.ingest_api_key if self.ingest_api_key is not None else self.api_key
