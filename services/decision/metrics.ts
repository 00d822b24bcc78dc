import { Counter, Histogram, Registry } from 'prom-client';

/**
 * The decision service's metrics, on a registry of its own (no process-wide default registry).
 * Names follow `<service>_<name>_<unit>[_total]`; labels are bounded sets (actions, error codes).
 */
export class DecisionMetrics {
  readonly registry = new Registry();
  readonly checks = new Counter({
    name: 'decision_checks_total',
    help: 'Inline decisions returned, by action and by what decided',
    labelNames: ['action', 'decided_by'] as const,
    registers: [this.registry],
  });
  readonly checkDuration = new Histogram({
    name: 'decision_check_duration_seconds',
    help: 'Time in enforcer.check() per request (detectors and decision, without HTTP)',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05],
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'decision_requests_rejected_total',
    help: 'Requests answered with an error, by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
}
