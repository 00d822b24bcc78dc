import { Worker } from 'node:worker_threads';
import { CHUNK, type FuzzOutcome } from './sampler.ts';

/** One target's result as the runner and the fixed-seed tests read it. */
export interface TargetRun extends FuzzOutcome {
  name: string;
  /** No input finished for `stallMs`: the worker was stopped. */
  stalled: boolean;
  /** Uncaught exceptions and unhandled rejections in the target's thread (a service would crash on them). */
  unhandled: number;
  unhandledMessages: string[];
  /** Uncaught errors counted by the first line of their stack. */
  unhandledKinds: Record<string, number>;
}

export interface RunTargetOptions {
  runs: number;
  seed: number;
  stallMs: number;
  onProgress?: (done: number) => void;
}

/** Loading tsx, the services and the contracts in a fresh thread takes a while on a loaded machine. */
const STARTUP_MS = 180_000;

/**
 * Runs one target of targets.ts in its own worker thread: an input that never returns can be
 * stopped, and an uncaught exception (an error event nobody listens to) is counted against the
 * target instead of killing the runner or the test process.
 */
export function runTarget(name: string, { runs, seed, stallMs, onProgress }: RunTargetOptions): Promise<TargetRun> {
  const progress = new SharedArrayBuffer(4);
  const counter = new Int32Array(progress);
  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
    workerData: { name, runs, seed, progress },
    resourceLimits: { maxOldGenerationSizeMb: 4096 },
  });
  return new Promise((resolve) => {
    const empty = {
      runs: 0,
      failures: 0,
      examples: [],
      seconds: 0,
      slowestMs: 0,
      unhandled: 0,
      unhandledMessages: [],
      unhandledKinds: {},
    };
    const started = performance.now();
    let last = -1;
    let lastChange = performance.now();
    const watchdog = setInterval(() => {
      const done = Atomics.load(counter, 0);
      if (done !== last) {
        last = done;
        lastChange = performance.now();
        onProgress?.(done);
      } else if (performance.now() - lastChange > (done > 0 ? stallMs : STARTUP_MS)) {
        clearInterval(watchdog);
        void worker.terminate();
        resolve({
          ...empty,
          name,
          stalled: true,
          runs: done,
          seconds: (performance.now() - started) / 1000,
          examples: [{ seed: seed + Math.floor(done / CHUNK), index: done % CHUNK, message: 'stalled', input: '' }],
        });
      }
    }, 1000);
    worker.once('message', (m: Omit<TargetRun, 'name' | 'stalled'>) => {
      clearInterval(watchdog);
      void worker.terminate();
      resolve({ ...m, name, stalled: false });
    });
    worker.once('error', (err) => {
      clearInterval(watchdog);
      resolve({
        ...empty,
        name,
        stalled: false,
        runs: Atomics.load(counter, 0),
        failures: 1,
        examples: [{ seed, index: -1, message: `worker crashed: ${err.stack ?? err}`, input: '' }],
      });
    });
  });
}
