import { parentPort, workerData } from 'node:worker_threads';
import { sampleTarget } from './sampler.ts';
import { TARGETS } from './targets.ts';

/** One target in its own thread, so the runner can stop it when an input stalls (no progress). */
const { name, runs, seed, progress } = workerData as {
  name: string;
  runs: number;
  seed: number;
  progress: SharedArrayBuffer;
};
const counter = new Int32Array(progress);
let unhandled = 0;
const unhandledMessages: string[] = [];
/** Count per first line of the error, so a test can tell a known crash from a new one. */
const unhandledKinds: Record<string, number> = {};
const onUnhandled = (err: unknown) => {
  unhandled++;
  const text = String((err as Error)?.stack ?? err);
  const kind = text.split('\n', 1)[0]!.slice(0, 200);
  unhandledKinds[kind] = (unhandledKinds[kind] ?? 0) + 1;
  if (unhandledMessages.length < 3) unhandledMessages.push(text.slice(0, 400));
};
process.on('unhandledRejection', onUnhandled);
process.on('uncaughtException', onUnhandled);

const target = await TARGETS[name]!();
const outcome = await sampleTarget(target, runs, seed, (done) => Atomics.store(counter, 0, done));
await target.close();
parentPort!.postMessage({ ...outcome, unhandled, unhandledMessages, unhandledKinds });
