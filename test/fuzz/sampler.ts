import fc from 'fast-check';
import { type FuzzTarget, PropertyViolation } from './targets.ts';

export interface FuzzFailure {
  /** Replays the input: fc.sample(target.arbitrary, { numRuns: CHUNK, seed })[index]. */
  readonly seed: number;
  readonly index: number;
  readonly message: string;
  readonly input: string;
}

export interface FuzzOutcome {
  readonly runs: number;
  readonly failures: number;
  readonly examples: FuzzFailure[];
  readonly seconds: number;
  readonly slowestMs: number;
}

/** Inputs drawn per seed: the seed of chunk k is `seed + k`, so any failing input can be replayed alone. */
export const CHUNK = 500;
const MAX_EXAMPLES = 5;

/** Short, printable description of an input (huge strings abbreviated, bytes as base64). */
export function preview(input: unknown): string {
  const text = JSON.stringify(input, (_k, v: unknown) => {
    if (typeof v === 'string' && v.length > 120) return `${v.slice(0, 60)}…(${v.length} chars)`;
    if (v && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer') {
      const b = Buffer.from((v as { data: number[] }).data);
      return `base64:${b.subarray(0, 90).toString('base64')}${b.length > 90 ? `…(${b.length} bytes)` : ''}`;
    }
    return v;
  });
  return (text ?? String(input)).slice(0, 600);
}

/**
 * Runs `runs` generated inputs through a target, counting every property violation and every
 * unexpected throw instead of stopping at the first (the table shows how widespread a bug is).
 * `onProgress` is called after every input (the runner's stall watchdog reads it).
 */
export async function sampleTarget<I>(
  target: FuzzTarget<I>,
  runs: number,
  seed: number,
  onProgress: (done: number) => void = () => undefined,
): Promise<FuzzOutcome> {
  let done = 0;
  let failures = 0;
  let slowestMs = 0;
  const examples: FuzzFailure[] = [];
  const started = performance.now();
  for (let chunk = 0; done < runs; chunk++) {
    const n = Math.min(CHUNK, runs - done);
    const inputs = fc.sample(target.arbitrary, { numRuns: CHUNK, seed: seed + chunk }).slice(0, n);
    for (let index = 0; index < inputs.length; index++) {
      const t0 = performance.now();
      try {
        await target.check(inputs[index]!);
      } catch (err) {
        failures++;
        if (examples.length < MAX_EXAMPLES) {
          const message =
            err instanceof PropertyViolation ? err.message : `threw ${(err as Error)?.stack ?? String(err)}`;
          examples.push({ seed: seed + chunk, index, message: message.slice(0, 600), input: preview(inputs[index]) });
        }
      }
      slowestMs = Math.max(slowestMs, performance.now() - t0);
      done++;
      onProgress(done);
    }
  }
  return { runs: done, failures, examples, seconds: (performance.now() - started) / 1000, slowestMs };
}
