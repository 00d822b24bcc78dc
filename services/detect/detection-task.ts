import type { AgentEvent, Finding } from '../../schemas/generated/index.ts';

/** What the main thread sends a worker: a slice of one partition's batch, in offset order. */
export interface DetectionTask {
  readonly events: AgentEvent[];
}

/** Per event, in the same order as the task's events. */
export interface EventDetection {
  readonly findings: Finding[];
  /** Ids of detectors that threw on this event; the policy's fail_mode decides what that means. */
  readonly failed: string[];
  /** content.text with every PII and secret span replaced, or null when the event has no content. */
  readonly redactedText: string | null;
  readonly redactedArguments: string | null;
}

export interface DetectionResult {
  readonly detections: EventDetection[];
  /** Microseconds spent per detector id across the task, for the detector timing metric. */
  readonly detectorMicros: Record<string, number>;
}

/** Passed once to every worker as workerData (workers read no environment of their own). */
export interface WorkerSettings {
  readonly disabled?: readonly string[];
  readonly chatGuardAgents?: readonly string[];
}
