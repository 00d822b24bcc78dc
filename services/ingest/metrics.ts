import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The ingest service's Prometheus metrics, on a registry of its own (no prom-client global), so several
 * instances in one process (tests) never share counters. Names follow `<service>_<name>_<unit>[_total]`.
 */
export class IngestMetrics {
  readonly registry = new Registry();
  readonly eventsAccepted = new Counter({
    name: 'ingest_events_accepted_total',
    help: 'Events acknowledged by Kafka and answered 202 (or OTLP success)',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });
  readonly requests = new Counter({
    name: 'ingest_requests_total',
    help: 'HTTP requests by route and status code',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'ingest_request_duration_seconds',
    help: 'HTTP request duration, from the first byte to the response',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'ingest_rejected_total',
    help: 'Requests or OTLP spans rejected, by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly shedRequests = new Counter({
    name: 'ingest_shed_requests_total',
    help: 'Requests refused with 503 INGEST_SATURATED before their body was read, by what was saturated',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly spansSkipped = new Counter({
    name: 'ingest_otlp_spans_skipped_total',
    help: 'OTLP spans without gen_ai.* attributes (not agent actions), skipped',
    registers: [this.registry],
  });
  readonly inFlightBytes = new Gauge({
    name: 'ingest_kafka_in_flight_bytes',
    help: 'Encoded bytes queued or in flight to Kafka',
    registers: [this.registry],
  });
}
