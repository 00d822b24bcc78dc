"""Standing blocks remembered by the client, so a quarantined agent costs no round trip.

Warden answers a standing decision with a reason naming its scope: ``standing.agent_quarantined``
(the agent), ``standing.session_blocked`` (the session), ``standing.credential_revoked`` (the
credential). The client keeps such a decision until it expires: the response's ``expires_at`` when
warden sends one, else ``standing_cache_ttl_ms`` — a lifted quarantine is seen at the latest after
that TTL, which is why it is short by default. Per-event decisions (findings in this event's
content) are never cached: the next event has other content.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable

from .types import AgentEvent, Decision

SCOPE_BY_REASON = {
    "standing.agent_quarantined": "agent",
    "standing.session_blocked": "session",
    "standing.credential_revoked": "credential",
}


def _keys(event: AgentEvent) -> list[tuple[str, str, str]]:
    tenant, agent = event["tenant_id"], event["agent_id"]
    keys = [("agent", tenant, agent), ("session", tenant, event["session_id"])]
    principal = event.get("principal")
    credential = principal.get("credential_id") if principal else None
    if credential:
        keys.append(("credential", tenant, f"{agent}\x00{credential}"))
    return keys


class StandingCache:
    """A bounded LRU of standing decisions; thread-safe (the sync client may be shared by threads)."""

    def __init__(self, ttl_ms: int, max_entries: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s = ttl_ms / 1000.0
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str, str], tuple[float, Decision]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    @property
    def enabled(self) -> bool:
        return self._ttl_s > 0

    def lookup(self, event: AgentEvent) -> Decision | None:
        if not self.enabled:
            return None
        now = self._clock()
        with self._lock:
            for key in _keys(event):
                entry = self._entries.get(key)
                if entry is None:
                    continue
                until, decision = entry
                if until <= now:
                    del self._entries[key]
                    continue
                self._entries.move_to_end(key)
                self.hits += 1
                return decision
        return None

    def remember(self, event: AgentEvent, decision: Decision, expires_in_s: float | None = None) -> None:
        """Stores ``decision`` when it is a standing deny, under the scope its first reason names."""
        if not self.enabled or not decision.denied or not decision.reasons:
            return
        scope = SCOPE_BY_REASON.get(decision.reasons[0])
        if scope is None:
            return
        key = next((k for k in _keys(event) if k[0] == scope), None)
        if key is None:
            return
        ttl = self._ttl_s if expires_in_s is None else max(0.0, min(self._ttl_s, expires_in_s))
        if ttl <= 0:
            return
        cached = Decision(
            action=decision.action,
            reasons=decision.reasons,
            decided_by="client_cache",
            policy_id=decision.policy_id,
            policy_version=decision.policy_version,
        )
        with self._lock:
            self._entries[key] = (self._clock() + ttl, cached)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
