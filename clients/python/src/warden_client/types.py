"""Typed shapes of warden's contracts as they cross HTTP.

AgentEvent mirrors ``schemas/json/agent-event-input.schema.json`` (itself derived from
``schemas/avro/agent-event.avsc``); ``tests/test_schema_contract.py`` fails when a field, its
required-ness or an enum drifts from the JSON Schema. Fields with a default in the contract are
``NotRequired``. The decision endpoint wants the complete form (event_id, ts in epoch ms, content
with length and sha256), which :func:`warden_client.events.make_event` always builds.
"""

from dataclasses import dataclass, field
from typing import Literal, Mapping, Sequence

# typing_extensions' TypedDict reads NotRequired on every supported Python (3.10 lacks it in typing);
# no `from __future__ import annotations` here, so required keys are computed from real types.
from typing_extensions import NotRequired, TypedDict

EventKind = Literal[
    "model_request",
    "model_response",
    "tool_call",
    "tool_result",
    "data_access",
    "agent_start",
    "agent_end",
    "scope_change",
]
ToolMode = Literal["read", "write"]
SourceMode = Literal["inline", "mirror"]
Action = Literal["allow", "redact", "require_approval", "block", "quarantine_agent", "revoke_credential"]
DecidedBy = Literal["cache", "detectors", "policy", "fail_open", "fail_closed", "client_cache"]

EVENT_KINDS: tuple[EventKind, ...] = (
    "model_request",
    "model_response",
    "tool_call",
    "tool_result",
    "data_access",
    "agent_start",
    "agent_end",
    "scope_change",
)
ACTIONS: tuple[Action, ...] = ("allow", "redact", "require_approval", "block", "quarantine_agent", "revoke_credential")


class ModelRef(TypedDict):
    system: str
    name: str


class ToolRef(TypedDict):
    name: str
    target: NotRequired[str | None]
    mode: NotRequired[ToolMode | None]
    arguments: NotRequired[str | None]


class Content(TypedDict):
    text: str
    truncated: NotRequired[bool]
    length: NotRequired[int]
    sha256: NotRequired[str]


class Usage(TypedDict):
    input_tokens: NotRequired[int]
    output_tokens: NotRequired[int]
    cost_usd: NotRequired[float]


class Principal(TypedDict):
    user_id: NotRequired[str | None]
    credential_id: NotRequired[str | None]


class Source(TypedDict):
    enforcement_point_id: NotRequired[str]
    mode: SourceMode


class AgentEvent(TypedDict):
    """One action of an agent. ``ts`` is epoch milliseconds (ingest also takes ISO 8601 text)."""

    event_id: NotRequired[str]
    ts: int | str
    tenant_id: str
    agent_id: str
    agent_version: NotRequired[str | None]
    owner: NotRequired[str | None]
    environment: NotRequired[str]
    session_id: str
    trace_id: NotRequired[str | None]
    span_id: NotRequired[str | None]
    kind: EventKind
    model: NotRequired[ModelRef | None]
    tool: NotRequired[ToolRef | None]
    content: NotRequired[Content | None]
    usage: NotRequired[Usage | None]
    principal: NotRequired[Principal | None]
    source: NotRequired[Source]
    data_classes: NotRequired[list[str]]
    attributes: NotRequired[dict[str, str]]


@dataclass(frozen=True)
class DecisionFinding:
    """A finding as a decision carries it: masked evidence and offsets, never the clear value."""

    type: str
    severity: str
    score: float
    detector: str
    evidence: str
    spans: Sequence[Mapping[str, object]] = ()


@dataclass(frozen=True)
class Decision:
    """What warden decided for one event (``POST /v1/check``), or what the client decided for it.

    allow: forward as is; redact: forward ``redacted_text`` / ``redacted_arguments``; any other
    action: do not forward. ``decided_by`` is ``fail_open`` / ``fail_closed`` when warden could not
    be reached and the configured fail mode answered, ``client_cache`` when a standing block cached
    by this client answered without a request.
    """

    action: Action
    reasons: tuple[str, ...]
    decided_by: DecidedBy
    event_id: str | None = None
    redacted_text: str | None = None
    redacted_arguments: str | None = None
    findings: tuple[DecisionFinding, ...] = ()
    shadow_action: Action | None = None
    policy_id: str | None = None
    policy_version: int | None = None
    raw: Mapping[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def denied(self) -> bool:
        """True when the call must not be forwarded (anything but allow and redact)."""
        return self.action not in ("allow", "redact")

    @property
    def reason(self) -> str:
        """The reasons as one line, for an error message shown to the caller."""
        return ", ".join(self.reasons) if self.reasons else self.action


@dataclass
class MirrorStats:
    """Counters of the mirror queue; read them, or watch the warnings they are logged with."""

    enqueued: int = 0
    sent: int = 0
    dropped_queue_full: int = 0
    rejected_invalid: int = 0
    failed: int = 0
    batches: int = 0
