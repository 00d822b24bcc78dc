"""OpenTelemetry set-up that sends GenAI spans to warden's ingest (extra ``otel``).

Ingest serves OTLP/HTTP traces at ``/v1/otlp/traces`` (protobuf or JSON), not the collector's
default ``/v1/traces``, so the exporter gets the full URL. It authenticates with the same API key
as ``/v1/events``. Spans with ``gen_ai.*`` attributes become AgentEvents of the key's tenant; the
agent id comes from ``gen_ai.agent.id``, else the resource's ``service.name`` (set here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from .config import WardenConfig

if TYPE_CHECKING:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace import TracerProvider

OTLP_TRACES_PATH = "/v1/otlp/traces"


def otlp_traces_endpoint(ingest_url: str) -> str:
    return ingest_url.rstrip("/") + OTLP_TRACES_PATH


def make_exporter(config: WardenConfig | None = None, **overrides: str) -> OTLPSpanExporter:
    """An OTLP/HTTP protobuf exporter pointed at warden's ingest, with the ingest key."""
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    except ImportError as err:  # pragma: no cover - depends on the install
        raise ImportError("configure_otel needs the otel extra: pip install 'warden-client[otel]'") from err
    c = config if config is not None else WardenConfig.load(**overrides)
    c.require("ingest_url", purpose="configure_otel()")
    key = c.effective_ingest_key
    if key is None:
        c.require("api_key", purpose="configure_otel() (or ingest_api_key)")
    assert c.ingest_url is not None
    return OTLPSpanExporter(
        endpoint=otlp_traces_endpoint(c.ingest_url),
        headers={"authorization": f"Bearer {key}"},
        timeout=c.timeout_ms / 1000.0,
    )


def configure_otel(
    service_name: str,
    *,
    config: WardenConfig | None = None,
    resource_attributes: Mapping[str, str] | None = None,
    set_global: bool = True,
    batch: bool = True,
    **overrides: str,
) -> TracerProvider:
    """A TracerProvider exporting to warden (batched, in a background thread), set as the global
    provider unless ``set_global=False``. ``service_name`` is the agent id spans are attributed to
    when they carry no ``gen_ai.agent.id``. Call ``provider.shutdown()`` at exit to flush."""
    try:
        from opentelemetry import trace
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
    except ImportError as err:  # pragma: no cover - depends on the install
        raise ImportError("configure_otel needs the otel extra: pip install 'warden-client[otel]'") from err
    exporter = make_exporter(config, **overrides)
    resource = Resource.create({"service.name": service_name, **dict(resource_attributes or {})})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter))
    if set_global:
        trace.set_tracer_provider(provider)
    return provider
