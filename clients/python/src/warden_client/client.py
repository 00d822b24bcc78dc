"""WardenClient (threads) and AsyncWardenClient (asyncio): check() over the decision endpoint,
mirror() to the ingest API.

check() sends one AgentEvent to ``POST /v1/check`` on a pooled connection (httpx keeps it alive),
retries connect errors, timeouts, 5xx and 429 with exponential backoff and full jitter, honours
Retry-After up to ``max_retry_after_ms``, and, when warden stays unreachable, answers with the
configured fail mode instead of raising: ``closed`` blocks (reason ``warden.unavailable``), ``open``
allows. A 4xx other than 429 is a mistake on this side (bad event, wrong key) and raises
WardenRequestError whatever the fail mode: failing open on a misconfiguration would hide it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time
from typing import Any, Callable, Iterable, Mapping

import httpx

from .cache import StandingCache
from .config import WardenConfig
from .errors import WardenRequestError, WardenUnavailableError
from .events import make_event
from .mirror import Mirror
from .retry import RETRYABLE_ERRORS, Backoff, is_retryable, retry_after_s
from .types import ACTIONS, Action, AgentEvent, Decision, DecisionFinding, EventKind, MirrorStats

log = logging.getLogger("warden_client")

UNAVAILABLE_REASON = "warden.unavailable"
FAIL_LOG_INTERVAL_S = 10.0


def parse_decision(body: object) -> Decision:
    """The decision endpoint's JSON (sdk/inline-check.ts Decision + event_id) as a Decision."""
    if not isinstance(body, dict):
        raise WardenUnavailableError(f"decision endpoint answered {type(body).__name__}, expected an object")
    action = body.get("action")
    if action not in ACTIONS:
        raise WardenUnavailableError(f"decision endpoint answered an unknown action {action!r}")
    reasons = body.get("reasons", [])
    findings = []
    for f in body.get("findings", []) or []:
        if isinstance(f, dict):
            findings.append(
                DecisionFinding(
                    type=str(f.get("type", "")),
                    severity=str(f.get("severity", "")),
                    score=float(f.get("score", 0.0)),
                    detector=str(f.get("detector", "")),
                    evidence=str(f.get("evidence", "")),
                    spans=tuple(s for s in f.get("spans", []) if isinstance(s, dict)),
                )
            )
    policy = body.get("policy")
    shadow = body.get("shadowAction")
    return Decision(
        action=action,
        reasons=tuple(str(r) for r in reasons) if isinstance(reasons, list) else (),
        decided_by=body.get("decidedBy", "detectors") if body.get("decidedBy") in ("cache", "detectors", "policy") else "detectors",
        event_id=body.get("event_id") if isinstance(body.get("event_id"), str) else None,
        redacted_text=body.get("redactedText") if isinstance(body.get("redactedText"), str) else None,
        redacted_arguments=body.get("redactedArguments") if isinstance(body.get("redactedArguments"), str) else None,
        findings=tuple(findings),
        shadow_action=shadow if shadow in ACTIONS else None,
        policy_id=str(policy["id"]) if isinstance(policy, dict) and "id" in policy else None,
        policy_version=int(policy["version"]) if isinstance(policy, dict) and "version" in policy else None,
        raw=body,
    )


def _expires_in_s(body: Mapping[str, object]) -> float | None:
    """Seconds until a standing decision lapses, when the endpoint says (``expires_at``, epoch ms)."""
    value = body.get("expires_at", body.get("expiresAt"))
    if isinstance(value, (int, float)):
        return max(0.0, value / 1000.0 - time.time())
    return None


def _request_error(response: httpx.Response) -> WardenRequestError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    return WardenRequestError(
        response.status_code,
        str(body.get("code", "UNKNOWN")),
        str(body.get("message", response.text[:200])),
        body.get("field") if isinstance(body.get("field"), str) else None,
    )


class _Core:
    """What both clients share: config, cache, fail mode, event defaults and the mirror."""

    def __init__(
        self,
        config: WardenConfig | None,
        overrides: dict[str, Any],
        mirror_transport: httpx.BaseTransport | None,
        rng: Callable[[], float] | None,
    ) -> None:
        if config is None:
            self.config = WardenConfig.load(**overrides)
        elif overrides:
            self.config = dataclasses.replace(config, **overrides)
            self.config.validate()
        else:
            self.config = config
        c = self.config
        self.backoff = Backoff(c.backoff_base_ms, c.backoff_max_ms, **({"rng": rng} if rng else {}))
        self.mirror_backoff = Backoff(c.backoff_base_ms, c.mirror_backoff_max_ms, **({"rng": rng} if rng else {}))
        self.timeout = httpx.Timeout(c.timeout_ms / 1000.0, connect=c.connect_timeout_ms / 1000.0)
        self.cache = StandingCache(c.standing_cache_ttl_ms, c.standing_cache_max_entries)
        self._mirror: Mirror | None = None
        self._mirror_transport = mirror_transport
        self.fail_decisions = 0
        self._last_fail_log = -FAIL_LOG_INTERVAL_S

    def decision_headers(self) -> dict[str, str]:
        self.config.require("url", "api_key", purpose="check()")
        return {"authorization": f"Bearer {self.config.api_key}", "content-type": "application/json"}

    def cached(self, event: AgentEvent) -> Decision | None:
        hit = self.cache.lookup(event)
        return None if hit is None else dataclasses.replace(hit, event_id=event.get("event_id"))

    def fail(self, event: AgentEvent, why: str) -> Decision:
        self.fail_decisions += 1
        mode = self.config.fail_mode
        action: Action = "allow" if mode == "open" else "block"
        now = time.monotonic()
        # Once per interval, with the running count: an outage must not flood the agent's log.
        if now - self._last_fail_log >= FAIL_LOG_INTERVAL_S:
            self._last_fail_log = now
            log.warning(
                "warden unreachable, failing %s (agent %s; %d decisions by fail mode so far): %s",
                mode,
                event.get("agent_id"),
                self.fail_decisions,
                why,
            )
        return Decision(
            action=action,
            reasons=(UNAVAILABLE_REASON,),
            decided_by="fail_open" if mode == "open" else "fail_closed",
            event_id=event.get("event_id"),
        )

    def accept(self, event: AgentEvent, response: httpx.Response) -> Decision:
        body = response.json()
        decision = parse_decision(body)
        self.cache.remember(event, decision, _expires_in_s(body))
        return decision

    def retry_wait(self, attempt: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before the next attempt, or None to give up now."""
        if attempt >= self.config.max_retries:
            return None
        if response is not None:
            after = retry_after_s(response)
            if after is not None:
                return after if after * 1000 <= self.config.max_retry_after_ms else None
        return self.backoff.delay_s(attempt)

    def mirror(self) -> Mirror:
        if self._mirror is None:
            c = self.config
            c.require("ingest_url", purpose="mirror()")
            key = c.effective_ingest_key
            if key is None:
                c.require("api_key", purpose="mirror() (or ingest_api_key)")
            assert c.ingest_url is not None and key is not None
            self._mirror = Mirror(
                ingest_url=c.ingest_url,
                api_key=key,
                queue_size=c.mirror_queue_size,
                batch_size=c.mirror_batch_size,
                flush_interval_ms=c.mirror_flush_interval_ms,
                max_attempts=c.mirror_max_attempts,
                backoff=self.mirror_backoff,
                timeout=self.timeout,
                transport=self._mirror_transport,
            )
        return self._mirror

    def event(self, kind: EventKind, session_id: str, **fields: Any) -> AgentEvent:
        c = self.config
        tenant = fields.pop("tenant_id", c.tenant_id)
        agent = fields.pop("agent_id", c.agent_id)
        if tenant is None or agent is None:
            c.require("tenant_id", "agent_id", purpose="event() without tenant_id/agent_id arguments")
        return make_event(
            kind,
            tenant_id=tenant,
            agent_id=agent,
            session_id=session_id,
            enforcement_point_id=fields.pop("enforcement_point_id", c.enforcement_point_id),
            **fields,
        )


class WardenClient:
    """Thread-safe client; share one per process. ``WardenClient(url=..., api_key=...)`` or from
    WARDEN_* variables. Use as a context manager, or call close() to flush the mirror queue."""

    def __init__(
        self,
        config: WardenConfig | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        mirror_transport: httpx.BaseTransport | None = None,
        rng: Callable[[], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        **overrides: Any,
    ) -> None:
        self._core = _Core(config, overrides, mirror_transport, rng)
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=self._core.config.url or "http://unset.invalid",
            timeout=self._core.timeout,
            transport=transport,
            limits=httpx.Limits(max_keepalive_connections=20, keepalive_expiry=30.0),
        )

    @property
    def config(self) -> WardenConfig:
        return self._core.config

    @property
    def cache(self) -> StandingCache:
        return self._core.cache

    @property
    def mirror_stats(self) -> MirrorStats:
        return self._core.mirror().stats

    def event(self, kind: EventKind, session_id: str, **fields: Any) -> AgentEvent:
        """make_event() with this client's tenant, agent and enforcement point as defaults."""
        return self._core.event(kind, session_id, **fields)

    def check(self, event: AgentEvent) -> Decision:
        """Warden's decision for ``event`` (see the module doc for retries and the fail mode)."""
        hit = self._core.cached(event)
        if hit is not None:
            return hit
        headers = self._core.decision_headers()
        body = json.dumps(event)
        attempt = 0
        while True:
            response: httpx.Response | None = None
            try:
                response = self._http.post("/v1/check", content=body, headers=headers)
            except RETRYABLE_ERRORS as err:
                why = f"{type(err).__name__}: {err}"
            else:
                if response.status_code == 200:
                    return self._core.accept(event, response)
                if not is_retryable(response):
                    raise _request_error(response)
                why = f"HTTP {response.status_code}"
            wait = self._core.retry_wait(attempt, response)
            if wait is None:
                return self._core.fail(event, f"{why} after {attempt + 1} attempts")
            attempt += 1
            self._sleep(wait)

    def mirror(self, events: AgentEvent | Iterable[AgentEvent]) -> int:
        """Queues events for the ingest API; never blocks. Returns how many were queued."""
        batch = [events] if isinstance(events, dict) else list(events)
        return self._core.mirror().submit(batch)  # type: ignore[arg-type]  # dict is AgentEvent here

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Waits until the mirror queue is empty (sent or given up); False on timeout."""
        return self._core._mirror.flush(timeout_s) if self._core._mirror else True

    def close(self, timeout_s: float = 10.0) -> None:
        if self._core._mirror is not None:
            self._core._mirror.close(timeout_s)
        self._http.close()

    def __enter__(self) -> WardenClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncWardenClient:
    """The asyncio variant: check() awaits httpx.AsyncClient; mirror() shares the thread-backed
    queue (put_nowait), so it never blocks the event loop either."""

    def __init__(
        self,
        config: WardenConfig | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        mirror_transport: httpx.BaseTransport | None = None,
        rng: Callable[[], float] | None = None,
        **overrides: Any,
    ) -> None:
        self._core = _Core(config, overrides, mirror_transport, rng)
        self._http = httpx.AsyncClient(
            base_url=self._core.config.url or "http://unset.invalid",
            timeout=self._core.timeout,
            transport=transport,
            limits=httpx.Limits(max_keepalive_connections=20, keepalive_expiry=30.0),
        )

    @property
    def config(self) -> WardenConfig:
        return self._core.config

    @property
    def cache(self) -> StandingCache:
        return self._core.cache

    @property
    def mirror_stats(self) -> MirrorStats:
        return self._core.mirror().stats

    def event(self, kind: EventKind, session_id: str, **fields: Any) -> AgentEvent:
        return self._core.event(kind, session_id, **fields)

    async def check(self, event: AgentEvent) -> Decision:
        hit = self._core.cached(event)
        if hit is not None:
            return hit
        headers = self._core.decision_headers()
        body = json.dumps(event)
        attempt = 0
        while True:
            response: httpx.Response | None = None
            try:
                response = await self._http.post("/v1/check", content=body, headers=headers)
            except RETRYABLE_ERRORS as err:
                why = f"{type(err).__name__}: {err}"
            else:
                if response.status_code == 200:
                    return self._core.accept(event, response)
                if not is_retryable(response):
                    raise _request_error(response)
                why = f"HTTP {response.status_code}"
            wait = self._core.retry_wait(attempt, response)
            if wait is None:
                return self._core.fail(event, f"{why} after {attempt + 1} attempts")
            attempt += 1
            await asyncio.sleep(wait)

    def mirror(self, events: AgentEvent | Iterable[AgentEvent]) -> int:
        batch = [events] if isinstance(events, dict) else list(events)
        return self._core.mirror().submit(batch)  # type: ignore[arg-type]  # dict is AgentEvent here

    def flush(self, timeout_s: float = 10.0) -> bool:
        return self._core._mirror.flush(timeout_s) if self._core._mirror else True

    async def aclose(self, timeout_s: float = 10.0) -> None:
        if self._core._mirror is not None:
            mirror = self._core._mirror
            await asyncio.get_running_loop().run_in_executor(None, mirror.close, timeout_s)
        await self._http.aclose()

    async def __aenter__(self) -> AsyncWardenClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
