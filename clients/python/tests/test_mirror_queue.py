"""mirror(): bounded queue, background batches, never blocking the agent, nothing dropped silently."""

from __future__ import annotations

import json
import logging
import threading
import time

import httpx
import pytest
from conftest import event

from warden_client import WardenClient
from warden_client.mirror import Mirror
from warden_client.retry import Backoff


def make_mirror(handler: object, sleeps: list[float] | None = None, **over: int) -> Mirror:
    opts = {"queue_size": 100, "batch_size": 10, "flush_interval_ms": 20, "max_attempts": 4}
    opts.update(over)
    return Mirror(
        ingest_url="http://ingest.test",
        api_key="k",
        backoff=Backoff(10, 100, rng=lambda: 1.0),
        timeout=httpx.Timeout(1.0),
        transport=httpx.MockTransport(handler),  # type: ignore[arg-type]
        sleep=(sleeps.append if sleeps is not None else (lambda s: None)),
        **opts,
    )


def test_sends_queued_events_in_batches() -> None:
    sizes: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sizes.append(len(json.loads(request.content)))
        assert request.url.path == "/v1/events" and request.headers["authorization"] == "Bearer k"
        return httpx.Response(202, json={"accepted": sizes[-1]})

    m = make_mirror(handler)
    assert m.submit([event() for _ in range(25)]) == 25
    assert m.flush(5)
    assert sum(sizes) == 25 and max(sizes) <= 10
    assert m.stats.sent == 25 and m.stats.dropped_queue_full == 0
    m.close()


def test_a_full_queue_drops_and_counts_without_blocking_the_caller(caplog: pytest.LogCaptureFixture) -> None:
    release = threading.Event()

    def stuck(request: httpx.Request) -> httpx.Response:
        release.wait(10)  # ingest hangs: the background thread is stuck on the first batch
        return httpx.Response(202, json={})

    m = make_mirror(stuck, queue_size=5, batch_size=1)
    caplog.set_level(logging.WARNING, "warden_client.mirror")
    accepted = m.submit([event() for _ in range(50)])  # returns although nothing can be sent
    assert accepted <= 6  # five queued + at most the one the thread already took
    assert m.stats.dropped_queue_full == 50 - accepted
    assert any("dropped" in r.getMessage() for r in caplog.records)
    release.set()
    assert m.flush(5)
    assert m.stats.sent == accepted
    m.close()


def test_retries_with_retry_after_and_backoff() -> None:
    answers = [
        httpx.Response(503, json={"code": "INGEST_KAFKA_UNAVAILABLE", "message": "down"}, headers={"Retry-After": "2"}),
        httpx.Response(429, json={"code": "INGEST_OVERLOADED", "message": "busy"}),
        httpx.Response(202, json={"accepted": 3}),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        if not answers:
            raise httpx.ConnectError("no more answers")
        return answers.pop(0)

    sleeps: list[float] = []
    m = make_mirror(handler, sleeps)
    m.submit([event() for _ in range(3)])
    assert m.flush(5)
    assert sleeps == [2.0, 0.02]  # Retry-After first, then backoff attempt 2 (10 ms * 2)
    assert m.stats.sent == 3 and m.stats.failed == 0
    m.close()


def test_gives_up_a_batch_after_max_attempts_and_counts_it() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    m = make_mirror(down, max_attempts=3)
    m.submit([event() for _ in range(4)])
    assert m.flush(5)
    assert (m.stats.sent, m.stats.failed) == (0, 4)
    m.close()


def test_invalid_events_are_dropped_with_ingest_reason_and_the_rest_resent(caplog: pytest.LogCaptureFixture) -> None:
    bodies: list[list[dict[str, object]]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        batch = json.loads(request.content)
        bodies.append(batch)
        bad = [i for i, e in enumerate(batch) if e["kind"] == "nonsense"]
        if bad:
            message = "; ".join(f"events[{i}].kind: must be one of model_request, …" for i in bad)
            return httpx.Response(400, json={"code": "INGEST_INVALID_EVENT", "message": message, "statusCode": 400})
        return httpx.Response(202, json={"accepted": len(batch)})

    caplog.set_level(logging.ERROR, "warden_client.mirror")
    m = make_mirror(handler, batch_size=10, flush_interval_ms=200)
    events = [event() for _ in range(4)]
    events[1]["kind"] = "nonsense"  # type: ignore[typeddict-item]
    m.submit(events)
    assert m.flush(5)
    assert (m.stats.sent, m.stats.rejected_invalid) == (3, 1)
    assert [len(b) for b in bodies] == [4, 3]
    assert any("INGEST_INVALID_EVENT" in r.getMessage() for r in caplog.records)
    m.close()


def test_the_client_mirror_needs_an_ingest_url() -> None:
    from warden_client import WardenConfig, WardenConfigError

    client = WardenClient(WardenConfig.load({}, url="http://warden.test", api_key="k"))  # no WARDEN_* from the harness
    with pytest.raises(WardenConfigError, match="ingest_url"):
        client.mirror(event())


def test_submit_returns_at_once_even_when_ingest_is_unreachable() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        time.sleep(0.05)
        raise httpx.ConnectError("refused")

    m = make_mirror(down, queue_size=1000, max_attempts=2)
    accepted = m.submit([event() for _ in range(500)])
    # The queue took them all: submit did not wait for any request (each costs 50 ms here).
    assert accepted == 500 and m.queued >= 400
    m.close(0.1)
