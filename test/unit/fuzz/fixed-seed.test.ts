import { describe, expect, it } from 'vitest';
import { runTarget, type TargetRun } from '../../fuzz/run-target.ts';
import { TARGETS } from '../../fuzz/targets.ts';

/**
 * The fuzz targets of `npm run fuzz` (test/fuzz/targets.ts) on a small fixed-seed sample, so every
 * `npm test` replays the same hostile inputs: each must get a clean 4xx or success, a SERDE_* error
 * or a decoded event, and the detectors must neither throw nor exceed their per-input bound. Each
 * target runs in its own worker thread (as in the full run) so a stall is stopped and an uncaught
 * error is counted against its target. The full run (>= 100k inputs per parser) is `npm run fuzz`.
 */
const RUNS = Number(process.env.FUZZ_SAMPLE_RUNS ?? 300);
const SEED = 20261207;

/**
 * Known defect, not in a file of this test's owner: services/ingest/body-parsing.ts pipes a
 * `Content-Encoding: gzip` body into a gunzip stream before fastify has checked the content type;
 * when fastify refuses the type (415), nobody listens to that stream, and a corrupt gzip body's
 * error is uncaught, which stops the ingest process. Fix: give the gunzip stream an error listener
 * (fastify's own listener still sees the error when it does read the body).
 */
const REFUSED_GZIP_CRASH = 'Error: incorrect header check';

const runs = new Map<string, Promise<TargetRun>>();
const run = (name: string) => {
  if (!runs.has(name)) runs.set(name, runTarget(name, { runs: RUNS, seed: SEED, stallMs: 30_000 }));
  return runs.get(name)!;
};

describe(`fuzz targets, ${RUNS} fixed-seed inputs each`, () => {
  for (const name of Object.keys(TARGETS)) {
    it(`${name}: every input gets a clean answer, no stall, no uncaught error`, async () => {
      const r = await run(name);
      expect(r.stalled, 'an input stopped making progress').toBe(false);
      expect(r.examples, `replay: npm run fuzz -- --only=${name} --seed=<seed> (input <index> of that seed)`).toEqual(
        [],
      );
      expect(r.failures).toBe(0);
      expect(r.runs).toBe(RUNS);
      const { [REFUSED_GZIP_CRASH]: _known, ...others } = r.unhandledKinds;
      expect(others, 'uncaught errors besides the known ingest gzip crash').toEqual({});
    }, 400_000);
  }

  /**
   * Found by `npm run fuzz` (seed 43, input 167 of serde.avro-framing): a record whose array/map block
   * count is a huge varint (fe ff ff ff ff ff ff ff 7f, ~2^62 items) kept avsc's decoder looping on
   * the event loop for minutes; one poison record on a topic would block detect or sink. The codec
   * now refuses block counts larger than the bytes left (schemas/runtime/serde/avro-bounds.ts), and
   * the record is dead-lettered as SERDE_DECODE_FAILED.
   */
  it('Avro decoding never stalls on a huge block count', async () => {
    const r = await runTarget('serde.avro-framing', { runs: 168, seed: 43, stallMs: 15_000 });
    expect(r.stalled).toBe(false);
  }, 400_000);

  // Found by the fuzzer: a refused request's corrupt gzip body used to crash ingest (body-parsing.ts).
  it('ingest leaves no corrupt gzip body uncaught when it refuses the content type', async () => {
    const ingest = Object.keys(TARGETS).filter((n) => n.startsWith('ingest.'));
    let crashes = 0;
    for (const name of ingest) crashes += (await run(name)).unhandledKinds[REFUSED_GZIP_CRASH] ?? 0;
    expect(crashes).toBe(0);
  }, 400_000);
});
