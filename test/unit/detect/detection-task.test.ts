import { describe, expect, it } from 'vitest';
import { DEFAULT_FLEET, generateFleet } from '../../../deploy/demo/fleet.ts';
import { EVENT_CONTRACT, type HandOff, packTask, unpackTask } from '../../../services/detect/detection-task.ts';
import { DetectorPool } from '../../../services/detect/detector-pool.ts';

const events = (n: number) => {
  const gen = generateFleet({ ...DEFAULT_FLEET, piiRate: 0.5 }, 1_764_000_000_000);
  return Array.from({ length: n }, () => gen.next().value!.event);
};

describe('detection task hand-off', () => {
  it('gives the worker the same events from bytes as the main thread decoded, objects kept where bytes are not', () => {
    const batch = events(9);
    // Every third event as if written with another schema version: it travels as an object.
    const items = batch.map((event, i) => ({ event, body: i % 3 === 1 ? null : EVENT_CONTRACT.toBuffer(event) }));
    const { task, transfer } = packTask(items);
    expect(transfer).toBe(task.bodies.buffer);
    expect(Object.keys(task.decoded).map(Number)).toEqual([1, 4, 7]);
    const back = unpackTask(structuredClone(task, { transfer: [transfer] }));
    expect(transfer.byteLength).toBe(0); // moved, not copied
    expect(back.map((e) => JSON.stringify(e))).toEqual(
      batch.map((e, i) => JSON.stringify(i % 3 === 1 ? e : EVENT_CONTRACT.fromBuffer(EVENT_CONTRACT.toBuffer(e)))),
    );
  });

  it('never transfers a buffer from Node’s shared pool (that would detach its neighbours)', () => {
    const [e] = events(1);
    const pooled = Buffer.from(EVENT_CONTRACT.toBuffer(e!)); // small: allocated from the pool
    const neighbour = Buffer.from('still here');
    const { transfer } = packTask([{ event: e!, body: pooled }]);
    structuredClone(transfer, { transfer: [transfer] });
    expect(neighbour.toString()).toBe('still here');
    expect(pooled.length).toBeGreaterThan(0);
  });

  it('scans events that arrive as bytes, as objects and mixed, with the same findings', async () => {
    const pool = new DetectorPool({
      threads: 1,
      eventsPerTask: 4,
      settings: { disabled: ['injection.ml'] },
      maxQueuedTasks: 8,
    });
    try {
      const batch = events(12);
      const asBytes = batch.map((event) => ({ event, body: EVENT_CONTRACT.toBuffer(event) }));
      const asObjects = batch.map((event) => ({ event, body: null }));
      const mixed = batch.map((_event, i) => (i % 2 ? asBytes[i]! : asObjects[i]!));
      const run = async (items: readonly HandOff[]) =>
        (await Promise.all(pool.detectChunks(items).map((c) => c.result))).flatMap((r) => r.detections);
      const [a, b, c] = [await run(asBytes), await run(asObjects), await run(mixed)];
      expect(a.flatMap((d) => d.findings).length).toBeGreaterThan(0);
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      expect(JSON.stringify(c)).toBe(JSON.stringify(a));
    } finally {
      await pool.close();
    }
  });
});
