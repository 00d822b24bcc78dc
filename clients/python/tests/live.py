"""Helpers for the tests that run against the services the TS harness started."""

from __future__ import annotations

import json
import os
import pathlib
import time
from typing import Any, Callable, TypeVar

import httpx

T = TypeVar("T")

RUN = os.environ.get("WARDEN_TEST_RUN", "local")
TENANT = os.environ.get("WARDEN_TENANT_ID", "acme")


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: run these tests through test/integration/python-client.test.ts")
    return value


def poll(probe: Callable[[], T], done: Callable[[T], bool], timeout_s: float, what: str, interval_s: float = 0.05) -> T:
    """Polls until ``done(probe())`` or the deadline; the failure names the last value seen."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = probe()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}; last value: {value!r}")
        time.sleep(interval_s)


def api(method: str, path: str, body: Any = None) -> httpx.Response:
    """The governance API (services/api) with the admin key, as an operator would call it."""
    return httpx.request(
        method,
        env("WARDEN_API_URL") + path,
        headers={"authorization": f"Bearer {env('WARDEN_ADMIN_KEY')}"},
        json=body,
        timeout=20.0,
    )


def set_policy(agent: str, **scope: Any) -> None:
    r = api("PUT", f"/v1/agents/{agent}/policy", {"reason": "python client test", **scope})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "applied"


def quarantine(agent: str, active: bool = True) -> None:
    r = api("POST", f"/v1/agents/{agent}/quarantine", {"reason": "python client test", "active": active})
    assert r.status_code == 200, r.text


def expect(record: dict[str, Any]) -> None:
    """Tells the harness what must have reached Kafka (it checks after pytest exits)."""
    out = pathlib.Path(env("WARDEN_TEST_OUT"))
    with (out / "expected.jsonl").open("a") as f:
        f.write(json.dumps(record) + "\n")
