"""WardenClient against the running decision, ingest and governance services."""

from __future__ import annotations

import asyncio
import socket

import pytest
from live import RUN, TENANT, expect, poll, quarantine, set_policy

from warden_client import AsyncWardenClient, WardenClient, WardenRequestError
from warden_client.types import Decision

pytestmark = pytest.mark.live


def client(**over: object) -> WardenClient:
    settings: dict[str, object] = {"tenant_id": TENANT, "agent_id": f"py-{RUN}", **over}
    return WardenClient(**settings)  # type: ignore[arg-type]


def test_check_redacts_a_card_number() -> None:
    with client() as c:
        d = c.check(c.event("model_request", "s-card", text="Charge card 4111 1111 1111 1111 today", model=("openai", "gpt-4o")))
    assert d.action == "redact", d
    assert d.redacted_text is not None and "[REDACTED:pii.payment_card]" in d.redacted_text
    assert "4111 1111 1111 1111" not in d.redacted_text
    assert any(f.type == "pii.payment_card" for f in d.findings)


def test_check_enforces_the_agent_policy_set_through_the_api() -> None:
    agent = f"py-policy-{RUN}"
    set_policy(agent, allowed_destinations=["api.internal.example"])
    with client(agent_id=agent) as c:

        def probe() -> Decision:
            return c.check(
                c.event("tool_call", "s-pol", tool_name="http.post", tool_target="https://exfil.evil.example/x", tool_mode="write")
            )

        d = poll(probe, lambda d: d.action == "block", 30, "the policy to reach the decision endpoint")
        assert "policy.destination_not_allowed" in d.reasons and d.decided_by == "policy"
        ok = c.check(c.event("tool_call", "s-pol", tool_name="http.post", tool_target="https://api.internal.example/v1", tool_mode="write"))
        assert ok.action == "allow"


def test_a_quarantine_blocks_and_is_then_answered_from_the_client_cache() -> None:
    agent = f"py-quarantine-{RUN}"
    with client(agent_id=agent, standing_cache_ttl_ms=60_000) as c:
        assert c.check(c.event("model_request", "s-q1", text="hi")).action == "allow"
        quarantine(agent)
        d = poll(lambda: c.check(c.event("model_request", "s-q1", text="hi")), lambda d: d.denied, 10, "the quarantine")
        assert d.reasons[0] == "standing.agent_quarantined"
        again = c.check(c.event("model_request", "s-q2", text="hi"))
        assert (again.action, again.decided_by) == ("block", "client_cache")


def test_a_wrong_key_raises_instead_of_failing_open() -> None:
    with client(api_key="not-a-key", fail_mode="open") as c:
        with pytest.raises(WardenRequestError) as info:
            c.check(c.event("model_request", "s", text="hi"))
    assert (info.value.status, info.value.server_code) == (401, "DECISION_UNAUTHORIZED")


def test_an_unreachable_warden_fails_closed() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with client(url=f"http://127.0.0.1:{port}", max_retries=1, backoff_base_ms=1) as c:
        d = c.check(c.event("model_request", "s", text="hi"))
    assert (d.action, d.decided_by, d.reasons) == ("block", "fail_closed", ("warden.unavailable",))


def test_mirror_sends_every_event_to_ingest() -> None:
    agent = f"py-mirror-{RUN}"
    with client(agent_id=agent, mirror_batch_size=50) as c:
        events = [c.event("model_request", f"s-m-{n % 3}", text=f"event {n}", mode="mirror") for n in range(120)]
        assert c.mirror(events) == 120
        assert c.flush(20)
        stats = c.mirror_stats
        assert (stats.sent, stats.dropped_queue_full, stats.failed, stats.rejected_invalid) == (120, 0, 0, 0)
        assert stats.batches >= 3
    expect({"what": "mirror", "agent_id": agent, "event_ids": [e["event_id"] for e in events]})


def test_async_client_decides_the_same() -> None:
    async def run() -> Decision:
        async with AsyncWardenClient(tenant_id=TENANT, agent_id=f"py-{RUN}") as c:
            return await c.check(c.event("model_request", "s-async", text="write to jane.doe@example.com"))

    d = asyncio.run(run())
    assert d.action == "redact" and d.redacted_text == "write to [REDACTED:pii.email]"


def test_otlp_spans_reach_ingest() -> None:
    from opentelemetry.sdk.trace.export import SpanExportResult

    from warden_client.otel import configure_otel, make_exporter

    agent = f"py-otel-{RUN}"
    provider = configure_otel(agent, set_global=False, batch=False)
    with provider.get_tracer("test").start_as_current_span("chat gpt-4o") as span:
        span.set_attribute("gen_ai.operation.name", "chat")
        span.set_attribute("gen_ai.request.model", "gpt-4o")
        span.set_attribute("gen_ai.system", "openai")
        span.set_attribute("gen_ai.conversation.id", f"otel-session-{RUN}")
    provider.shutdown()
    expect({"what": "otel", "agent_id": agent, "session_id": f"otel-session-{RUN}"})

    # The exporter's own verdict: ingest accepted the export with the key, and refuses a wrong key.
    finished = []
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    memory = InMemorySpanExporter()
    local = TracerProvider()
    local.add_span_processor(SimpleSpanProcessor(memory))
    with local.get_tracer("t").start_as_current_span("execute_tool") as span:
        span.set_attribute("gen_ai.operation.name", "execute_tool")
        span.set_attribute("gen_ai.tool.name", "search")
        span.set_attribute("gen_ai.agent.id", agent)
    finished = list(memory.get_finished_spans())
    assert make_exporter().export(finished) == SpanExportResult.SUCCESS
    assert make_exporter(ingest_api_key="wrong").export(finished) == SpanExportResult.FAILURE
