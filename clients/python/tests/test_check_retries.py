"""check(): retries with backoff and Retry-After, fail-open / fail-closed, 4xx never retried."""

from __future__ import annotations

import httpx
import pytest
from conftest import Recorder, client_with, decision_body, event

from warden_client import WardenRequestError
from warden_client.retry import Backoff


def test_retries_5xx_and_connect_errors_then_returns_the_decision(sleeps: list[float]) -> None:
    rec = Recorder([
        httpx.ConnectError("refused"),
        (503, {"code": "DECISION_NOT_READY", "message": "starting"}, {}),
        (200, decision_body("redact", ["pii.email"], redactedText="mail [REDACTED:pii.email]"), {}),
    ])
    client = client_with(rec, sleeps, max_retries=3, backoff_base_ms=100, backoff_max_ms=1000)
    d = client.check(event())
    assert (d.action, d.reasons, d.redacted_text) == ("redact", ("pii.email",), "mail [REDACTED:pii.email]")
    assert len(rec.requests) == 3
    # rng pinned to 1.0: full-jitter delays are exactly the exponential caps, 100 ms then 200 ms.
    assert sleeps == [0.1, 0.2]
    assert rec.requests[0].headers["authorization"] == "Bearer k"


def test_honours_retry_after_on_429(sleeps: list[float]) -> None:
    rec = Recorder([(429, {"code": "X"}, {"Retry-After": "1"}), (200, decision_body(), {})])
    client = client_with(rec, sleeps, max_retries=2, max_retry_after_ms=2000)
    assert client.check(event()).action == "allow"
    assert sleeps == [1.0]


def test_a_retry_after_longer_than_the_agent_may_wait_fails_at_once(sleeps: list[float]) -> None:
    rec = Recorder([(503, {}, {"Retry-After": "30"})])
    client = client_with(rec, sleeps, max_retries=5, max_retry_after_ms=2000, fail_mode="closed")
    d = client.check(event())
    assert (d.action, d.decided_by, d.reasons) == ("block", "fail_closed", ("warden.unavailable",))
    assert len(rec.requests) == 1 and sleeps == []


def test_fails_closed_after_the_retries_by_default(sleeps: list[float]) -> None:
    rec = Recorder([httpx.ConnectTimeout("slow")])
    client = client_with(rec, sleeps, max_retries=2)
    d = client.check(event())
    assert d.denied and d.decided_by == "fail_closed"
    assert len(rec.requests) == 3


def test_fails_open_when_configured(sleeps: list[float]) -> None:
    rec = Recorder([(502, {}, {})])
    client = client_with(rec, sleeps, max_retries=1, fail_mode="open")
    d = client.check(event())
    assert (d.action, d.decided_by, d.denied) == ("allow", "fail_open", False)
    assert len(rec.requests) == 2


def test_a_rejected_request_raises_whatever_the_fail_mode(sleeps: list[float]) -> None:
    body = {"statusCode": 400, "code": "DECISION_BODY_INVALID", "message": "kind: must be one of …", "field": "kind"}
    rec = Recorder([(400, body, {})])
    client = client_with(rec, sleeps, fail_mode="open", max_retries=3)
    with pytest.raises(WardenRequestError) as info:
        client.check(event())
    assert (info.value.status, info.value.server_code, info.value.field) == (400, "DECISION_BODY_INVALID", "kind")
    assert info.value.code == "CLIENT_REQUEST_REJECTED"
    assert len(rec.requests) == 1


def test_backoff_grows_exponentially_up_to_the_cap_with_full_jitter() -> None:
    top = Backoff(50, 400, rng=lambda: 1.0)
    assert [top.delay_s(n) for n in range(5)] == [0.05, 0.1, 0.2, 0.4, 0.4]
    assert Backoff(50, 400, rng=lambda: 0.0).delay_s(3) == 0.0
    assert 0.0 <= Backoff(50, 400).delay_s(10) <= 0.4

