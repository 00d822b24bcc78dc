import { describe, expect, it } from 'vitest';
import { PartitionProgress } from '../../../schemas/runtime/kafka/partition-progress.ts';

const STALL = 30_000;
const p0 = { topic: 'events', partition: 0 };
const p1 = { topic: 'events', partition: 1 };

describe('partition progress', () => {
  it('starts the clock when a partition is first seen assigned', () => {
    const progress = new PartitionProgress(STALL);
    expect(progress.quiet([p0], [], 0)).toEqual([]);
    expect(progress.quiet([p0], [], STALL - 1)).toEqual([]);
    expect(progress.quiet([p0], [], STALL)).toEqual([p0]);
  });

  it('a batch or a commit moves the partition', () => {
    const progress = new PartitionProgress(STALL);
    progress.quiet([p0, p1], [], 0);
    progress.batchEnded(p0, 20_000, progress.batchStarted(p0, 19_000));
    progress.committed(p1, 25_000);
    expect(progress.quiet([p0, p1], [], 45_000)).toEqual([]);
    expect(progress.quiet([p0, p1], [], 50_000)).toEqual([p0]);
    expect(progress.quiet([p0, p1], [], 55_000)).toEqual([p0, p1]);
  });

  it('never counts a partition being processed or paused as quiet', () => {
    const progress = new PartitionProgress(STALL);
    progress.quiet([p0, p1], [], 0);
    const generation = progress.batchStarted(p0, 0);
    // A batch that takes minutes (ClickHouse down, a SIEM destination full) is not a stalled fetch.
    expect(progress.quiet([p0, p1], [p1], 600_000)).toEqual([]);
    progress.batchEnded(p0, 600_000, generation);
    expect(progress.quiet([p0, p1], [p1], 630_000)).toEqual([p0]);
  });

  it('overlapping batches of one partition keep it in flight until the last ends', () => {
    const progress = new PartitionProgress(STALL);
    const a = progress.batchStarted(p0, 0);
    const b = progress.batchStarted(p0, 0);
    progress.batchEnded(p0, 1_000, a);
    expect(progress.quiet([p0], [], 100_000)).toEqual([]);
    progress.batchEnded(p0, 1_000, b);
    expect(progress.quiet([p0], [], 100_000)).toEqual([p0]);
  });

  it('forgets partitions no longer assigned, and starts afresh after a reset', () => {
    const progress = new PartitionProgress(STALL);
    progress.quiet([p0], [], 0);
    expect(progress.quiet([p1], [], STALL)).toEqual([]);
    expect(progress.quiet([p0, p1], [], STALL)).toEqual([]);
    const stale = progress.batchStarted(p0, STALL);
    progress.reset();
    // The replaced consumer's batch ending late neither counts as in flight nor as movement.
    progress.batchEnded(p0, 10 * STALL, stale);
    expect(progress.quiet([p0], [], 10 * STALL)).toEqual([]);
    expect(progress.quiet([p0], [], 11 * STALL)).toEqual([p0]);
  });

  it('is stalled only with records past its fetch position, or past its commit when it has read nothing yet', () => {
    const progress = new PartitionProgress(STALL);
    const at = (position: bigint, committed: bigint, high: bigint) => ({ ...p0, position, committed, high });
    const fetchStopped = at(30n, 10n, 50n);
    // A sink that read everything and waits for ClickHouse to take its buffer: commit behind, nothing to fetch.
    const waitingForWrite = at(50n, 10n, 50n);
    const caughtUp = at(50n, 50n, 50n);
    const neverRead = at(-1n, 10n, 50n);
    const nothingYet = at(-1n, -1n, 50n);
    const firstRecord = at(-1n, 0n, 1n);
    expect(progress.stalled([fetchStopped, waitingForWrite, caughtUp, neverRead, nothingYet, firstRecord])).toEqual([
      fetchStopped,
      neverRead,
      firstRecord,
    ]);
  });
});
