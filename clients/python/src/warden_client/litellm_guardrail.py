"""A LiteLLM proxy guardrail backed by warden (extra ``litellm``).

Configured in the proxy's YAML like any custom guardrail (LiteLLM imports the class by its module
path; the package only has to be installed in the proxy's environment)::

    guardrails:
      - guardrail_name: warden
        litellm_params:
          guardrail: warden_client.litellm_guardrail.WardenGuardrail
          mode: [pre_call, post_call]
          default_on: true
          api_base: os.environ/WARDEN_URL          # decision endpoint
          api_key: os.environ/WARDEN_API_KEY
          warden_ingest_url: os.environ/WARDEN_INGEST_URL
          warden_tenant_id: acme
          warden_agent_id: support-gateway          # fallback agent id

Hooks (LiteLLM runs them because this class does not define ``apply_guardrail``, so the proxy uses
the native lifecycle hooks):

- ``pre_call`` (``async_pre_call_hook``): the prompt (every message's text, one ``model_request``
  event) and every tool call in the request (``tool_call`` events, the target taken from arguments
  such as ``url``) are checked before the model is called. ``redact`` rewrites the messages and
  tool arguments the model receives; any deny raises ``HTTPException(403)`` carrying warden's
  action and reasons; warden unreachable with ``fail_mode: closed`` raises 503.
- ``during_call`` (``async_moderation_hook``): the same checks in parallel with the model call, for
  deployments that prefer latency to redaction (a ``redact`` decision then blocks, since the text
  can no longer be rewritten). Skipped when pre_call already checked the request.
- ``post_call`` (``async_post_call_success_hook``): the completion (``model_response``) and the tool
  calls the model asks for are checked before the caller sees them: redact rewrites, deny raises.

Every checked event is mirrored to warden's ingest API (background queue, never blocking), so the
pipeline's detectors, verdicts and ClickHouse see every call.

Who the agent is: the virtual key's metadata ``warden_agent_id`` (set by the proxy admin), else the
request's ``metadata.warden_agent_id`` when ``warden_trust_request_agent_id: true`` (only for
callers you trust: a caller could name another agent), else ``warden_agent_id``.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import logging
from typing import Any, AsyncGenerator, Literal, Mapping, Sequence

from fastapi import HTTPException
from litellm.integrations.custom_guardrail import CustomGuardrail

from .client import AsyncWardenClient
from .config import WardenConfig
from .errors import WardenRequestError
from .types import AgentEvent, Decision, ToolMode

log = logging.getLogger("warden_client.litellm")

#: Joins message texts into one prompt; redaction never touches it (it is no PII or secret), so
#: the redacted prompt splits back into the same messages.
SEPARATOR = "\n\u241e\n"
DEFAULT_TARGET_KEYS = ("url", "uri", "endpoint", "host", "hostname", "destination", "target", "address", "to")
_CHECKED = "_warden_checked"


def _env_ref(value: object) -> str | None:
    """LiteLLM's ``os.environ/NAME`` convention, resolved here too for the warden_* params."""
    if value is None:
        return None
    text = str(value)
    if text.startswith("os.environ/"):
        import os

        return os.environ.get(text.removeprefix("os.environ/"))
    return text


def _as_bool(value: object) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class _Segment:
    """One piece of message text: messages[i].content, or its content part j."""

    __slots__ = ("message", "part", "text")

    def __init__(self, message: int, part: int | None, text: str) -> None:
        self.message = message
        self.part = part
        self.text = text


class WardenGuardrail(CustomGuardrail):
    def __init__(
        self,
        api_base: str | None = None,
        api_key: str | None = None,
        warden_ingest_url: str | None = None,
        warden_ingest_api_key: str | None = None,
        warden_tenant_id: str | None = None,
        warden_agent_id: str | None = None,
        warden_fail_mode: str | None = None,
        warden_timeout_ms: int | str | None = None,
        warden_trust_request_agent_id: bool | str = False,
        warden_model_system: str = "litellm",
        warden_target_argument_keys: Sequence[str] | None = None,
        warden_tool_modes: Mapping[str, str] | None = None,
        warden_mirror: bool | str = True,
        **kwargs: Any,
    ) -> None:
        overrides: dict[str, str | int | None] = {
            "url": _env_ref(api_base),
            "api_key": _env_ref(api_key),
            "ingest_url": _env_ref(warden_ingest_url),
            "ingest_api_key": _env_ref(warden_ingest_api_key),
            "tenant_id": _env_ref(warden_tenant_id),
            "agent_id": _env_ref(warden_agent_id),
            "fail_mode": _env_ref(warden_fail_mode),
            "timeout_ms": _env_ref(warden_timeout_ms),
            "enforcement_point_id": "litellm-proxy",
        }
        config = WardenConfig.load(**{k: v for k, v in overrides.items() if v is not None})
        config.require("url", "api_key", "tenant_id", "agent_id", purpose="the LiteLLM guardrail")
        self.warden = AsyncWardenClient(config)
        # The proxy exits without closing guardrails: send what the mirror still holds.
        atexit.register(self.warden.flush, 5.0)
        self.mirror_enabled = _as_bool(warden_mirror)
        if self.mirror_enabled:
            config.require("ingest_url", purpose="the LiteLLM guardrail's mirroring (or warden_mirror: false)")
        self.trust_request_agent_id = _as_bool(warden_trust_request_agent_id)
        self.model_system = warden_model_system
        self.target_keys = tuple(warden_target_argument_keys or DEFAULT_TARGET_KEYS)
        self.tool_modes: dict[str, ToolMode] = {}
        for name, mode in (warden_tool_modes or {}).items():
            if mode not in ("read", "write"):
                raise ValueError(f"warden_tool_modes[{name}]: must be read or write, got {mode!r}")
            self.tool_modes[name] = "read" if mode == "read" else "write"
        super().__init__(**kwargs)

    # ---- LiteLLM hooks -------------------------------------------------------------------------

    async def async_pre_call_hook(
        self, user_api_key_dict: Any, cache: Any, data: dict[str, Any], call_type: Any
    ) -> dict[str, Any] | None:
        messages = data.get("messages")
        if not isinstance(messages, list):
            return data
        await self._check_request(data, user_api_key_dict, rewrite=True)
        return data

    async def async_moderation_hook(self, data: dict[str, Any], user_api_key_dict: Any, call_type: Any) -> None:
        if not isinstance(data.get("messages"), list) or _metadata(data).get(_CHECKED):
            return
        await self._check_request(data, user_api_key_dict, rewrite=False)

    async def async_post_call_success_hook(self, data: dict[str, Any], user_api_key_dict: Any, response: Any) -> Any:
        choices = getattr(response, "choices", None)
        if not isinstance(choices, list):
            return response
        ident = self._identity(data, user_api_key_dict)
        usage = getattr(response, "usage", None)
        jobs: list[tuple[AgentEvent, Any, str]] = []
        for choice in choices:
            message = getattr(choice, "message", None)
            if message is None:
                continue
            text = getattr(message, "content", None)
            if isinstance(text, str) and text:
                event = self._event("model_response", ident, data, text=text)
                if usage is not None:
                    event["usage"] = {
                        "input_tokens": int(getattr(usage, "prompt_tokens", 0) or 0),
                        "output_tokens": int(getattr(usage, "completion_tokens", 0) or 0),
                        "cost_usd": 0.0,
                    }
                jobs.append((event, message, "content"))
            for call in getattr(message, "tool_calls", None) or []:
                function = getattr(call, "function", None)
                name = getattr(function, "name", None)
                arguments = getattr(function, "arguments", None)
                if isinstance(name, str):
                    jobs.append((self._tool_event(ident, data, name, arguments), function, "arguments"))
        decisions = await self._decide([e for e, _, _ in jobs])
        self._deny_if_needed(decisions, "response")
        for (_, target, attr), decision in zip(jobs, decisions):
            if decision.action != "redact":
                continue
            if attr == "content" and decision.redacted_text is not None:
                setattr(target, "content", decision.redacted_text)
            elif attr == "arguments" and decision.redacted_arguments is not None:
                setattr(target, "arguments", decision.redacted_arguments)
        return response

    async def async_post_call_streaming_iterator_hook(
        self, user_api_key_dict: Any, response: Any, request_data: dict[str, Any]
    ) -> AsyncGenerator[Any, None]:
        """Streamed completions: the chunks are held until the whole completion was checked (a
        deny must come before the caller saw any of it); redaction puts the redacted text into the
        first content chunk and empties the others."""
        chunks = [chunk async for chunk in response]
        texts: dict[int, list[Any]] = {}
        calls: dict[tuple[int, int], dict[str, str]] = {}
        for chunk in chunks:
            for choice in getattr(chunk, "choices", None) or []:
                index = int(getattr(choice, "index", 0) or 0)
                delta = getattr(choice, "delta", None)
                if delta is None:
                    continue
                if isinstance(getattr(delta, "content", None), str):
                    texts.setdefault(index, []).append(delta)
                for call in getattr(delta, "tool_calls", None) or []:
                    entry = calls.setdefault((index, int(getattr(call, "index", 0) or 0)), {"name": "", "arguments": ""})
                    function = getattr(call, "function", None)
                    entry["name"] += getattr(function, "name", None) or ""
                    entry["arguments"] += getattr(function, "arguments", None) or ""
        ident = self._identity(request_data, user_api_key_dict)
        jobs: list[tuple[AgentEvent, list[Any] | None]] = []
        for pieces in texts.values():
            text = "".join(d.content for d in pieces)
            if text:
                jobs.append((self._event("model_response", ident, request_data, text=text), pieces))
        for entry in calls.values():
            if entry["name"]:
                jobs.append((self._tool_event(ident, request_data, entry["name"], entry["arguments"] or None), None))
        decisions = await self._decide([e for e, _ in jobs])
        self._deny_if_needed(decisions, "response")
        for (_, deltas), decision in zip(jobs, decisions):
            if decision.action != "redact":
                continue
            if deltas is None:
                # Streamed tool arguments arrive in fragments that cannot be rewritten one by one.
                raise _http_error(403, "warden redacted streamed tool arguments; refusing rather than forwarding them", decision)
            if decision.redacted_text is not None:
                deltas[0].content = decision.redacted_text
                for d in deltas[1:]:
                    d.content = ""
        for chunk in chunks:
            yield chunk

    # ---- request side --------------------------------------------------------------------------

    async def _check_request(self, data: dict[str, Any], user_api_key_dict: Any, *, rewrite: bool) -> None:
        messages: list[Any] = data["messages"]
        ident = self._identity(data, user_api_key_dict)
        segments = _segments(messages)
        events: list[AgentEvent] = []
        prompt = SEPARATOR.join(s.text for s in segments)
        events.append(self._event("model_request", ident, data, text=prompt if segments else None))
        tool_refs: list[dict[str, Any]] = []
        for message in messages:
            if not isinstance(message, dict):
                continue
            for call in message.get("tool_calls") or []:
                function = call.get("function") if isinstance(call, dict) else None
                if isinstance(function, dict) and isinstance(function.get("name"), str):
                    events.append(self._tool_event(ident, data, function["name"], function.get("arguments")))
                    tool_refs.append(function)
        decisions = await self._decide(events)
        _metadata(data)[_CHECKED] = True
        if not rewrite:
            # during_call: the request is already on its way to the model; redaction would be too late.
            for d in decisions:
                if d.action == "redact":
                    raise _http_error(403, "warden: redaction needed but the guardrail runs during the call", d)
        self._deny_if_needed(decisions, "request")
        prompt_decision = decisions[0]
        if prompt_decision.action == "redact" and prompt_decision.redacted_text is not None:
            _rewrite(messages, segments, prompt_decision.redacted_text)
        for function, decision in zip(tool_refs, decisions[1:]):
            if decision.action == "redact" and decision.redacted_arguments is not None:
                function["arguments"] = decision.redacted_arguments

    async def _decide(self, events: list[AgentEvent]) -> list[Decision]:
        if not events:
            return []
        try:
            decisions = list(await asyncio.gather(*(self.warden.check(e) for e in events)))
        except WardenRequestError as err:
            # A refused request is a bug or a misconfiguration (wrong key, tenant): never fail open on it.
            log.error("warden refused the guardrail's request: %s", err)
            raise HTTPException(status_code=502, detail={"error": f"warden refused the check: {err}"}) from err
        finally:
            if self.mirror_enabled:
                self.warden.mirror(events)
        return decisions

    def _deny_if_needed(self, decisions: Sequence[Decision], where: str) -> None:
        for d in decisions:
            if d.decided_by == "fail_closed":
                raise _http_error(503, f"warden is unreachable and the guardrail fails closed ({where} not checked)", d)
        for d in decisions:
            if d.denied:
                raise _http_error(403, f"warden blocked the {where}: {d.action} ({d.reason})", d)

    # ---- events --------------------------------------------------------------------------------

    def _identity(self, data: Mapping[str, Any], key: Any) -> dict[str, str | None]:
        metadata = _metadata(data)
        key_metadata = getattr(key, "metadata", None) or {}
        agent = key_metadata.get("warden_agent_id") if isinstance(key_metadata, dict) else None
        if agent is None and self.trust_request_agent_id:
            agent = metadata.get("warden_agent_id")
        agent = str(agent) if agent else self.warden.config.agent_id
        session = (
            metadata.get("warden_session_id")
            or metadata.get("session_id")
            or data.get("litellm_session_id")
            or data.get("litellm_call_id")
            or "litellm"
        )
        user = data.get("user") or getattr(key, "user_id", None)
        credential = getattr(key, "key_alias", None) or getattr(key, "token", None)
        return {
            "agent_id": agent,
            "session_id": str(session),
            "user_id": str(user) if user else None,
            "credential_id": str(credential) if credential else None,
            "trace_id": str(data["litellm_trace_id"]) if data.get("litellm_trace_id") else None,
        }

    def _event(self, kind: Literal["model_request", "model_response"], ident: Mapping[str, str | None], data: Mapping[str, Any], *, text: str | None) -> AgentEvent:
        return self.warden.event(
            kind,
            str(ident["session_id"]),
            agent_id=ident["agent_id"],
            text=text,
            model=(self.model_system, str(data.get("model", "unknown"))),
            user_id=ident["user_id"],
            credential_id=ident["credential_id"],
            trace_id=ident["trace_id"],
            attributes={"litellm.call_id": str(data.get("litellm_call_id", ""))},
        )

    def _tool_event(self, ident: Mapping[str, str | None], data: Mapping[str, Any], name: str, arguments: object) -> AgentEvent:
        args = arguments if isinstance(arguments, str) else json.dumps(arguments) if arguments is not None else None
        return self.warden.event(
            "tool_call",
            str(ident["session_id"]),
            agent_id=ident["agent_id"],
            tool_name=name,
            tool_target=_target_of(args, self.target_keys),
            tool_mode=self.tool_modes.get(name),
            tool_arguments=args,
            user_id=ident["user_id"],
            credential_id=ident["credential_id"],
            trace_id=ident["trace_id"],
            attributes={"litellm.call_id": str(data.get("litellm_call_id", ""))},
        )


def _metadata(data: Mapping[str, Any]) -> dict[str, Any]:
    metadata = data.get("metadata")
    if isinstance(metadata, dict):
        return metadata
    if isinstance(data, dict):
        fresh: dict[str, Any] = {}
        data["metadata"] = fresh
        return fresh
    return {}


def _segments(messages: Sequence[Any]) -> list[_Segment]:
    out: list[_Segment] = []
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        content = message.get("content")
        if isinstance(content, str) and content:
            out.append(_Segment(i, None, content))
        elif isinstance(content, list):
            for j, part in enumerate(content):
                if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
                    out.append(_Segment(i, j, part["text"]))
    return out


def _rewrite(messages: list[Any], segments: Sequence[_Segment], redacted: str) -> None:
    parts = redacted.split(SEPARATOR)
    if len(parts) != len(segments):
        # A redacted span crossed a message boundary: the pieces cannot be put back one by one.
        raise _http_error(403, "warden redacted the prompt across message boundaries; refusing rather than forwarding clear text", None)
    for segment, text in zip(segments, parts):
        if text == segment.text:
            continue
        if segment.part is None:
            messages[segment.message]["content"] = text
        else:
            messages[segment.message]["content"][segment.part]["text"] = text


def _target_of(arguments: str | None, keys: Sequence[str]) -> str | None:
    """The destination a tool call reaches, from the first argument named like one (url, host, …)."""
    if not arguments:
        return None
    try:
        parsed = json.loads(arguments)
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    for key in keys:
        value = parsed.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _http_error(status: int, message: str, decision: Decision | None) -> HTTPException:
    detail: dict[str, object] = {"error": message}
    if decision is not None:
        detail.update(
            warden_action=decision.action,
            warden_reasons=list(decision.reasons),
            warden_event_id=decision.event_id,
            warden_decided_by=decision.decided_by,
        )
    return HTTPException(status_code=status, detail=detail)
