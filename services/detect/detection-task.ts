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
  /** Validated by the main thread's config (DETECT_PHONE_REGIONS); absent means the library default. */
  readonly phoneRegions?: readonly string[];
  /** DETECT_FAULT_WORKER_EXIT_ON_TEXT (fault injection for test/faults); absent or empty is off. */
  readonly faultExitOnText?: string;
}

/**
 * A detection as a worker sends it back. Most events have nothing to redact, and copying their
 * unchanged text back to the main thread cost ~4.6 CPU-µs per 2.6 KB event: such a text is left
 * out (`null` and a flag) and `fromWorker` restores it from the event the main thread still holds.
 */
export interface WireDetection extends EventDetection {
  readonly textUnchanged?: true;
  readonly argumentsUnchanged?: true;
}

export interface WireResult {
  readonly detections: WireDetection[];
  readonly detectorMicros: Record<string, number>;
}

export function toWorkerReply(d: EventDetection, e: AgentEvent): WireDetection {
  const sameText = d.redactedText !== null && d.redactedText === e.content?.text;
  const sameArguments = d.redactedArguments !== null && d.redactedArguments === e.tool?.arguments;
  if (!sameText && !sameArguments) return d;
  return {
    ...d,
    ...(sameText ? { redactedText: null, textUnchanged: true } : {}),
    ...(sameArguments ? { redactedArguments: null, argumentsUnchanged: true } : {}),
  };
}

export function fromWorker(d: WireDetection, e: AgentEvent): EventDetection {
  if (!d.textUnchanged && !d.argumentsUnchanged) return d;
  return {
    findings: d.findings,
    failed: d.failed,
    redactedText: d.textUnchanged ? (e.content?.text ?? null) : d.redactedText,
    redactedArguments: d.argumentsUnchanged ? (e.tool?.arguments ?? null) : d.redactedArguments,
  };
}
