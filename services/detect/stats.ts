import type { Action } from '../../detectors/policy/index.ts';

/** Counters of one detect process; main.ts logs them periodically and tests read them. */
export class DetectStats {
  events = 0;
  findings = 0;
  deadLetters = 0;
  workerFailures = 0;
  baselineFailures = 0;
  baselineEventsReplayed = 0;
  readonly actions: Partial<Record<Action, number>> = {};
  readonly detectorMicros: Record<string, number> = {};
  /** Per-batch detection time, bounded to the last 1000 batches. */
  readonly detectMs: number[] = [];

  countAction(a: Action): void {
    this.actions[a] = (this.actions[a] ?? 0) + 1;
  }

  addDetectorMicros(id: string, us: number): void {
    this.detectorMicros[id] = (this.detectorMicros[id] ?? 0) + us;
    if (this.detectMs.length > 1000) this.detectMs.splice(0, this.detectMs.length - 1000);
  }

  snapshot() {
    return {
      events: this.events,
      findings: this.findings,
      deadLetters: this.deadLetters,
      workerFailures: this.workerFailures,
      baselineEventsReplayed: this.baselineEventsReplayed,
      baselineFailures: this.baselineFailures,
      actions: { ...this.actions },
    };
  }
}
