import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { AgentEvent } from '../../schemas/generated/index.ts';
import {
  type DetectionResult,
  EVENT_CONTRACT,
  fromWorker,
  type HandOff,
  packTask,
  type WireResult,
  type WorkerSettings,
} from './detection-task.ts';

const WORKER = fileURLToPath(new URL('./detect-worker-entry.mjs', import.meta.url));

export interface PoolOptions {
  threads: number;
  /** Events per task: big enough to amortise the thread hop, small enough to spread a batch over threads. */
  eventsPerTask: number;
  settings: WorkerSettings;
  /** Most tasks waiting at once; the caller's batch size and concurrency decide it (see detect.ts). */
  maxQueuedTasks: number;
  /** The worker module; tests substitute one that crashes. */
  workerFile?: string;
}

/**
 * The stateless detectors in worker threads. A partition's batch is cut into tasks that run in
 * parallel; results are re-assembled in offset order, so the caller sees one result per event in
 * the order it sent them, whichever thread finished first.
 */
export class DetectorPool {
  private readonly pool: Piscina;
  private readonly eventsPerTask: number;

  constructor(opts: PoolOptions) {
    if (!Number.isInteger(opts.threads) || opts.threads < 1) throw new Error('threads must be a positive integer');
    if (!Number.isInteger(opts.eventsPerTask) || opts.eventsPerTask < 1) {
      throw new Error('eventsPerTask must be a positive integer');
    }
    this.eventsPerTask = opts.eventsPerTask;
    this.pool = new Piscina({
      filename: opts.workerFile ?? WORKER,
      minThreads: opts.threads,
      maxThreads: opts.threads,
      maxQueue: opts.maxQueuedTasks,
      workerData: opts.settings,
      // The worker is TypeScript: load it through tsx whether or not the parent was started with it.
      execArgv: ['--import', 'tsx'],
    });
  }

  static defaultThreads(): number {
    return Math.max(1, availableParallelism());
  }

  /**
   * The batch cut into tasks, one promise per task in offset order: the caller can act on the
   * first events (produce their verdicts) while later tasks are still being scanned.
   */
  detectChunks(
    items: readonly HandOff[],
  ): { readonly events: AgentEvent[]; readonly result: Promise<DetectionResult> }[] {
    const chunks = [];
    for (let i = 0; i < items.length; i += this.eventsPerTask) {
      const part = items.slice(i, i + this.eventsPerTask);
      const slice = part.map((it) => it.event);
      const { task, transfer } = packTask(part);
      const result = (this.pool.run(task, { transferList: [transfer] }) as Promise<WireResult>).then((r) => ({
        detections: r.detections.map((d, j) => fromWorker(d, slice[j]!)),
        detectorMicros: r.detectorMicros,
        ...(r.onnxFallbacks ? { onnxFallbacks: r.onnxFallbacks } : {}),
      }));
      // Awaited in order by the caller; an earlier chunk's failure must not leave this one unhandled.
      result.catch(() => undefined);
      chunks.push({ events: slice, result });
    }
    return chunks;
  }

  /** The same for events held as objects (tests, tools): encoded here, so they travel as bytes too. */
  async detect(events: readonly AgentEvent[]): Promise<DetectionResult> {
    const items = events.map((event) => ({ event, body: EVENT_CONTRACT.toBuffer(event) }));
    const parts = await Promise.all(this.detectChunks(items).map((c) => c.result));
    const detectorMicros: Record<string, number> = {};
    const onnxFallbacks: Record<string, number> = {};
    for (const p of parts) {
      for (const [id, us] of Object.entries(p.detectorMicros)) detectorMicros[id] = (detectorMicros[id] ?? 0) + us;
      for (const [why, n] of Object.entries(p.onnxFallbacks ?? {})) onnxFallbacks[why] = (onnxFallbacks[why] ?? 0) + n;
    }
    return { detections: parts.flatMap((p) => p.detections), detectorMicros, onnxFallbacks };
  }

  get threads(): number {
    return this.pool.threads.length;
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
