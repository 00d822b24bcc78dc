import { Counter, Histogram, Registry } from 'prom-client';
import type { Action } from '../../detectors/policy/index.ts';
import { counterFrom } from '../lib/metrics-server.ts';

/**
 * Counters of one detect process: read by tests and the periodic log line, and exported to
 * Prometheus (`detect_*`) from the same numbers at scrape time, so there is one bookkeeping.
 */
export class DetectStats {
  events = 0;
  findings = 0;
  deadLetters = 0;
  workerFailures = 0;
  baselineFailures = 0;
  baselineEventsReplayed = 0;
  partitionStateResets = 0;
  readonly actions: Partial<Record<Action, number>> = {};
  readonly detectorMicros: Record<string, number> = {};
  /** Events the ONNX injection classifier handed to the built-in one, by reason (onnx-injection-stage.ts). */
  readonly onnxFallbacks: Record<string, number> = {};
  readonly registry = new Registry();
  readonly batchSeconds = new Histogram({
    name: 'detect_batch_duration_seconds',
    help: 'Detection and decision time per consumed batch (decode to verdicts built)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    const stats = this;
    const total = (name: string, help: string, read: () => number) => counterFrom(this.registry, name, help, read);
    total('detect_events_total', 'Events judged', () => stats.events);
    total('detect_findings_total', 'Findings produced', () => stats.findings);
    total('detect_dead_letters_total', 'Events that could not be decoded, sent to the DLQ', () => stats.deadLetters);
    total(
      'detect_worker_failures_total',
      'Batches whose worker thread died (decided by fail_mode)',
      () => stats.workerFailures,
    );
    total('detect_baseline_failures_total', 'Agents whose history could not be replayed', () => stats.baselineFailures);
    total(
      'detect_partition_state_resets_total',
      'Partitions whose in-memory state was dropped because their offsets jumped (moved away and back, redelivery)',
      () => stats.partitionStateResets,
    );
    new Counter({
      name: 'detect_verdicts_total',
      help: 'Verdicts issued, by action',
      labelNames: ['action'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [action, n] of Object.entries(stats.actions)) this.inc({ action }, n);
      },
    });
    new Counter({
      name: 'detect_detector_seconds_total',
      help: 'CPU time spent in each stateless detector',
      labelNames: ['detector'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [detector, us] of Object.entries(stats.detectorMicros)) this.inc({ detector }, us / 1e6);
      },
    });
    new Counter({
      name: 'detect_injection_onnx_fallbacks_total',
      help: 'Events judged by the built-in injection classifier because the ONNX one was unavailable, overran its budget, was busy or failed',
      labelNames: ['reason'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [reason, n] of Object.entries(stats.onnxFallbacks)) this.inc({ reason }, n);
      },
    });
  }

  countAction(a: Action): void {
    this.actions[a] = (this.actions[a] ?? 0) + 1;
  }

  addOnnxFallbacks(reason: string, n: number): void {
    this.onnxFallbacks[reason] = (this.onnxFallbacks[reason] ?? 0) + n;
  }

  addDetectorMicros(id: string, us: number): void {
    this.detectorMicros[id] = (this.detectorMicros[id] ?? 0) + us;
  }

  snapshot() {
    return {
      events: this.events,
      findings: this.findings,
      deadLetters: this.deadLetters,
      workerFailures: this.workerFailures,
      baselineEventsReplayed: this.baselineEventsReplayed,
      baselineFailures: this.baselineFailures,
      partitionStateResets: this.partitionStateResets,
      actions: { ...this.actions },
    };
  }
}
