"""Standing blocks are answered from the client's cache until they expire; nothing else is cached."""

from __future__ import annotations

from conftest import Recorder, client_with, decision_body, event

from warden_client.cache import StandingCache
from warden_client.types import Decision


def quarantined() -> Decision:
    return Decision(action="block", reasons=("standing.agent_quarantined",), decided_by="cache")


def test_a_quarantine_is_answered_without_a_request_for_every_session_of_the_agent(sleeps: list[float]) -> None:
    rec = Recorder([(200, decision_body("block", ["standing.agent_quarantined"], decidedBy="cache"), {})])
    client = client_with(rec, sleeps, standing_cache_ttl_ms=60_000)
    assert client.check(event(agent_id="bot-q")).decided_by == "cache"
    second = client.check(event(agent_id="bot-q", session_id="another"))
    assert (second.action, second.decided_by, second.reasons) == ("block", "client_cache", ("standing.agent_quarantined",))
    assert len(rec.requests) == 1
    client.check(event(agent_id="bot-other"))
    assert len(rec.requests) == 2


def test_a_session_block_covers_only_that_session(sleeps: list[float]) -> None:
    rec = Recorder([
        (200, decision_body("block", ["standing.session_blocked", "injection.override_instructions"], decidedBy="cache"), {}),
        (200, decision_body(), {}),
    ])
    client = client_with(rec, sleeps)
    client.check(event(session_id="s-bad"))
    assert client.check(event(session_id="s-bad")).decided_by == "client_cache"
    assert client.check(event(session_id="s-good")).action == "allow"
    assert len(rec.requests) == 2


def test_per_event_decisions_are_never_cached(sleeps: list[float]) -> None:
    rec = Recorder([(200, decision_body("block", ["secret.aws_access_key"]), {})])
    client = client_with(rec, sleeps)
    client.check(event())
    client.check(event())
    assert len(rec.requests) == 2 and len(client.cache) == 0


def test_entries_expire_after_the_ttl_or_the_decision_expiry() -> None:
    now = [1000.0]
    cache = StandingCache(ttl_ms=5000, max_entries=10, clock=lambda: now[0])
    e = event(agent_id="bot-q")
    cache.remember(e, quarantined())
    now[0] += 4.9
    assert cache.lookup(e) is not None
    now[0] += 0.2
    assert cache.lookup(e) is None
    cache.remember(e, quarantined(), expires_in_s=1.0)  # warden's own expiry is shorter: it wins
    now[0] += 1.1
    assert cache.lookup(e) is None


def test_the_cache_is_bounded_and_can_be_turned_off() -> None:
    cache = StandingCache(ttl_ms=5000, max_entries=2)
    for n in range(5):
        cache.remember(event(agent_id=f"bot-{n}"), quarantined())
    assert len(cache) == 2
    assert cache.lookup(event(agent_id="bot-0")) is None and cache.lookup(event(agent_id="bot-4")) is not None
    off = StandingCache(ttl_ms=0, max_entries=2)
    off.remember(event(), quarantined())
    assert off.lookup(event()) is None
