"""Shared fixtures. Unit tests use httpx.MockTransport (no network); tests marked ``live`` need
the services that test/integration/python-client.test.ts starts, and fail (not skip) when that
harness says they must run (WARDEN_TEST_REQUIRE_LIVE=1)."""

from __future__ import annotations

import os
from typing import Any, Callable

import httpx
import pytest

from warden_client import WardenClient, make_event
from warden_client.types import AgentEvent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    live = bool(os.environ.get("WARDEN_URL") and os.environ.get("WARDEN_INGEST_URL") and os.environ.get("WARDEN_API_URL"))
    if live:
        return
    if os.environ.get("WARDEN_TEST_REQUIRE_LIVE") == "1":
        raise pytest.UsageError("WARDEN_TEST_REQUIRE_LIVE=1 but WARDEN_URL, WARDEN_INGEST_URL or WARDEN_API_URL is not set")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(pytest.mark.skip(reason="needs WARDEN_URL, WARDEN_INGEST_URL, WARDEN_API_URL (run via npm test)"))


def event(**over: Any) -> AgentEvent:
    e = make_event(
        "model_request",
        tenant_id="acme",
        agent_id=over.pop("agent_id", "bot-1"),
        session_id=over.pop("session_id", "sess-1"),
        enforcement_point_id="unit",
        text=over.pop("text", "hello"),
        model=("openai", "gpt-4o"),
        **over,
    )
    return e


def decision_body(action: str = "allow", reasons: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {"event_id": "e", "action": action, "reasons": reasons or [], "findings": [], "decidedBy": "detectors", **extra}


class Recorder:
    """A MockTransport handler answering from a script of (status, json, headers) and recording requests."""

    def __init__(self, script: list[tuple[int, Any, dict[str, str]] | Exception] | Callable[[httpx.Request], httpx.Response]) -> None:
        self.script = script
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if callable(self.script):
            return self.script(request)
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, Exception):
            raise step
        status, body, headers = step
        return httpx.Response(status, json=body, headers=headers)


@pytest.fixture
def sleeps() -> list[float]:
    return []


def client_with(recorder: Recorder, sleeps: list[float], **settings: Any) -> WardenClient:
    base: dict[str, Any] = {"url": "http://warden.test", "api_key": "k", "rng": lambda: 1.0}
    base.update(settings)
    return WardenClient(transport=httpx.MockTransport(recorder), sleep=sleeps.append, **base)
