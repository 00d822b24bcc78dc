import { Counter, Registry } from 'prom-client';

/**
 * The proxy's metrics on a registry of its own, served on GET /metrics of the HTTP listener.
 * Names follow `<service>_<name>_<unit>[_total]`; labels are bounded sets.
 */
export class ProxyMetrics {
  readonly registry = new Registry();
  readonly toolCalls = new Counter({
    name: 'mcp_proxy_tool_calls_total',
    help: 'tools/call requests, by outcome (forwarded, redacted, blocked, unapproved, unknown, upstream_error)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly findings = new Counter({
    name: 'mcp_proxy_findings_total',
    help: 'Tool-definition findings raised by the proxy, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly mirrored = new Counter({
    name: 'mcp_proxy_mirrored_events_total',
    help: 'Events accepted by the ingest API',
    registers: [this.registry],
  });
  readonly mirrorRetries = new Counter({
    name: 'mcp_proxy_mirror_retries_total',
    help: 'Mirror batches retried after 429/503 or a network error',
    registers: [this.registry],
  });
  readonly mirrorDropped = new Counter({
    name: 'mcp_proxy_mirror_dropped_total',
    help: 'Events not mirrored: queue overflow, refused by ingest, or left at shutdown',
    registers: [this.registry],
  });
  readonly decisionErrors = new Counter({
    name: 'mcp_proxy_decision_errors_total',
    help: 'Decision requests without a usable answer (enforce mode)',
    registers: [this.registry],
  });
}
