"""AsyncWardenClient: the same decisions, retries and fail mode over httpx.AsyncClient."""

from __future__ import annotations

import asyncio

import httpx
from conftest import decision_body, event

from warden_client import AsyncWardenClient


def test_async_check_retries_then_decides() -> None:
    calls: list[int] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(503, json={"code": "DECISION_NOT_READY"}, headers={"Retry-After": "0"})
        return httpx.Response(200, json=decision_body("block", ["policy.tool_not_allowed"], decidedBy="policy"))

    async def run() -> None:
        async with AsyncWardenClient(url="http://w.test", api_key="k", transport=httpx.MockTransport(handler)) as client:
            d = await client.check(event())
            assert (d.action, d.decided_by, d.reasons) == ("block", "policy", ("policy.tool_not_allowed",))

    asyncio.run(run())
    assert len(calls) == 2


def test_async_check_fails_open_when_configured() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    async def run() -> None:
        client = AsyncWardenClient(
            url="http://w.test", api_key="k", fail_mode="open", max_retries=1, backoff_base_ms=1, transport=httpx.MockTransport(handler)
        )
        d = await client.check(event())
        assert (d.action, d.decided_by) == ("allow", "fail_open")
        await client.aclose()

    asyncio.run(run())
