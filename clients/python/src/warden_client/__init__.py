"""warden's Python client: inline decisions, mirroring, OpenTelemetry, and a LiteLLM guardrail.

The LiteLLM guardrail lives in ``warden_client.litellm_guardrail`` (extra ``litellm``) and the
OpenTelemetry helper in ``warden_client.otel`` (extra ``otel``), so importing this package needs
only httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .client import AsyncWardenClient, WardenClient, parse_decision
from .config import FailMode, WardenConfig
from .errors import WardenConfigError, WardenError, WardenRequestError, WardenUnavailableError
from .events import content_of, make_event, new_ulid
from .types import AgentEvent, Decision, DecisionFinding, MirrorStats

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider


def configure_otel(service_name: str, **kwargs: Any) -> TracerProvider:
    """See :func:`warden_client.otel.configure_otel` (needs the ``otel`` extra, imported only here)."""
    from .otel import configure_otel as _configure

    return _configure(service_name, **kwargs)


__all__ = [
    "AgentEvent",
    "AsyncWardenClient",
    "Decision",
    "DecisionFinding",
    "FailMode",
    "MirrorStats",
    "WardenClient",
    "WardenConfig",
    "WardenConfigError",
    "WardenError",
    "WardenRequestError",
    "WardenUnavailableError",
    "configure_otel",
    "content_of",
    "make_event",
    "new_ulid",
    "parse_decision",
]
__version__ = "0.1.0"
