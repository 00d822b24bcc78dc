"""Building AgentEvents in the complete form both warden endpoints accept."""

from __future__ import annotations

import hashlib
import os
import time
from typing import Mapping, Sequence

from .types import AgentEvent, Content, EventKind, ModelRef, Principal, SourceMode, ToolMode, ToolRef

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ulid(now_ms: int | None = None) -> str:
    """A ULID (48-bit time + 80 random bits, Crockford base32): the id format warden uses for
    event_id. Eleven lines of the spec are cheaper than a dependency."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    value = (ms & ((1 << 48) - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    out = []
    for _ in range(26):
        out.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(out))


def content_of(text: str, max_bytes: int | None = None) -> Content:
    """content with length and sha256 of the full text; ``max_bytes`` truncates what is sent."""
    raw = text.encode("utf-8")
    sent = text
    truncated = False
    if max_bytes is not None and len(raw) > max_bytes:
        sent = raw[:max_bytes].decode("utf-8", errors="ignore")
        truncated = True
    return {"text": sent, "truncated": truncated, "length": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}


def make_event(
    kind: EventKind,
    *,
    tenant_id: str,
    agent_id: str,
    session_id: str,
    enforcement_point_id: str,
    mode: SourceMode = "inline",
    text: str | None = None,
    model: tuple[str, str] | None = None,
    tool_name: str | None = None,
    tool_target: str | None = None,
    tool_mode: ToolMode | None = None,
    tool_arguments: str | None = None,
    user_id: str | None = None,
    credential_id: str | None = None,
    trace_id: str | None = None,
    span_id: str | None = None,
    environment: str = "production",
    data_classes: Sequence[str] = (),
    attributes: Mapping[str, str] | None = None,
    event_id: str | None = None,
    ts_ms: int | None = None,
) -> AgentEvent:
    """One AgentEvent with every field the decision endpoint requires (event_id, ts in ms,
    content with length and sha256). ``model`` is ``(system, name)``, e.g. ``("openai", "gpt-4o")``."""
    ts = int(time.time() * 1000) if ts_ms is None else ts_ms
    model_ref: ModelRef | None = None if model is None else {"system": model[0], "name": model[1]}
    tool: ToolRef | None = None
    if tool_name is not None:
        tool = {"name": tool_name, "target": tool_target, "mode": tool_mode, "arguments": tool_arguments}
    principal: Principal | None = None
    if user_id is not None or credential_id is not None:
        principal = {"user_id": user_id, "credential_id": credential_id}
    return {
        "event_id": event_id or new_ulid(ts),
        "ts": ts,
        "tenant_id": tenant_id,
        "agent_id": agent_id,
        "environment": environment,
        "session_id": session_id,
        "trace_id": trace_id,
        "span_id": span_id,
        "kind": kind,
        "model": model_ref,
        "tool": tool,
        "content": None if text is None else content_of(text),
        "principal": principal,
        "source": {"enforcement_point_id": enforcement_point_id, "mode": mode},
        "data_classes": list(data_classes),
        "attributes": dict(attributes or {}),
    }
