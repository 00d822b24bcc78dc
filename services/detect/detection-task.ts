import avro from 'avsc';
import type { AgentEvent, Finding } from '../../schemas/generated/index.ts';
import { TOPIC_SCHEMAS } from '../../schemas/runtime/serde/contracts.ts';
import type { OnnxFallbackReason, OnnxInjectionSettings } from './onnx-injection-stage.ts';

/**
 * What the main thread sends a worker: a slice of one partition's batch, in offset order, as the
 * Avro bytes it arrived in. Structured-cloning the decoded events cost ~8 CPU-µs per event to
 * serialise on the main thread and ~17–28 to rebuild in the worker; copying the bytes into one
 * transferred buffer costs ~1, and the worker decodes them again in ~9 (bench/RESULTS.md).
 */
export interface DetectionTask {
  /** Avro bodies (no registry header) of this build's event contract, back to back; transferred. */
  readonly bodies: Uint8Array;
  /** Where each event's body ends in `bodies`; an event in `decoded` has an empty body. */
  readonly ends: Uint32Array;
  /** Events written with another schema version, cloned as objects, by position in the task. */
  readonly decoded: Readonly<Record<number, AgentEvent>>;
}

/**
 * One event for the pool: the decoded event (the main thread keeps it) and its Avro body when the
 * body was written with this build's contract, so a worker can decode it with the same schema.
 */
export interface HandOff {
  readonly event: AgentEvent;
  readonly body: Uint8Array | null;
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
  /** Events the ONNX injection classifier handed to the built-in one, by reason (absent: none, or not configured). */
  readonly onnxFallbacks?: Partial<Record<OnnxFallbackReason, number>>;
}

/** Passed once to every worker as workerData (workers read no environment of their own). */
export interface WorkerSettings {
  readonly disabled?: readonly string[];
  readonly chatGuardAgents?: readonly string[];
  /** Validated by the main thread's config (DETECT_PHONE_REGIONS); absent means the library default. */
  readonly phoneRegions?: readonly string[];
  /** DETECT_FAULT_WORKER_EXIT_ON_TEXT (fault injection for test/faults); absent or empty is off. */
  readonly faultExitOnText?: string;
  /** DETECT_INJECTION_ONNX_*: a local ONNX classifier in place of the built-in one; absent means off. */
  readonly injectionOnnx?: OnnxInjectionSettings;
  /** The service's LOG_LEVEL, so the workers' log lines follow it too; absent means info. */
  readonly logLevel?: string;
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
  readonly onnxFallbacks?: Partial<Record<OnnxFallbackReason, number>>;
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

/** This build's event contract, as the events codec reads it: decoding with it gives the same objects. */
export const EVENT_CONTRACT = avro.Type.forSchema(JSON.parse(TOPIC_SCHEMAS.events) as avro.Schema);

/**
 * The task for a slice, and the buffer to transfer with it. The buffer is allocated on its own (not
 * from Node's shared pool): transferring a pooled buffer would detach every other buffer in the pool.
 */
export function packTask(items: readonly HandOff[]): { task: DetectionTask; transfer: ArrayBuffer } {
  let total = 0;
  for (const it of items) total += it.body?.length ?? 0;
  const bodies = new Uint8Array(new ArrayBuffer(total));
  const ends = new Uint32Array(items.length);
  const decoded: Record<number, AgentEvent> = {};
  let at = 0;
  items.forEach((it, i) => {
    if (it.body === null) decoded[i] = it.event;
    else {
      bodies.set(it.body, at);
      at += it.body.length;
    }
    ends[i] = at;
  });
  return { task: { bodies, ends, decoded }, transfer: bodies.buffer as ArrayBuffer };
}

/** The worker's side of packTask: the task's events, in order. */
export function unpackTask(task: DetectionTask): AgentEvent[] {
  const events: AgentEvent[] = new Array(task.ends.length);
  let start = 0;
  for (let i = 0; i < task.ends.length; i++) {
    const end = task.ends[i]!;
    events[i] =
      task.decoded[i] ??
      (EVENT_CONTRACT.fromBuffer(
        Buffer.from(task.bodies.buffer, task.bodies.byteOffset + start, end - start),
      ) as AgentEvent);
    start = end;
  }
  return events;
}
