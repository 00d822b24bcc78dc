/**
 * Notices an assigned partition whose consumer has stopped reading it: the broker holds records
 * past what the consumer has fetched, yet no batch (and no commit) came for a long time.
 *
 * Why: the commit verifier (commit-verifier.ts) covers a commit lost on the way to the coordinator,
 * and the group-session watchdog a consumer that never rejoins. Neither would see a partition whose
 * fetcher librdkafka (or its KafkaJS layer) no longer feeds after a broker restart: the group looks
 * healthy and every other partition moves, while this one lags until the service is restarted.
 * Judged on the fetch position, not the commit: a sink that has read everything and waits for
 * ClickHouse to take its buffer (commit behind, nothing left to fetch) is not stalled. Rebuilding
 * the consumer makes it fetch from the committed offset again; offsets move only after the writes,
 * so nothing is lost.
 */
import { partitionKey } from './commit-verifier.ts';

export interface PartitionRef {
  topic: string;
  partition: number;
}

export interface PartitionOffsets extends PartitionRef {
  /** The next offset this consumer will fetch; -1 when it has consumed nothing since assignment. */
  position: bigint;
  /** The group's committed offset (next to read); -1 when none. */
  committed: bigint;
  /** The partition's high watermark (next offset to be written). */
  high: bigint;
}

export class PartitionProgress {
  /** When each partition last moved (a batch started or ended, an offset committed) or was first seen. */
  private readonly movedAt = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  /** Bumped by reset(): a batch of the replaced consumer that ends late must not count for the new one. */
  private generation = 0;

  constructor(private readonly stallMs: number) {}

  /** Returns the generation to hand back to batchEnded. */
  batchStarted(p: PartitionRef, now: number): number {
    const k = partitionKey(p);
    this.inFlight.set(k, (this.inFlight.get(k) ?? 0) + 1);
    this.movedAt.set(k, now);
    return this.generation;
  }

  batchEnded(p: PartitionRef, now: number, generation: number): void {
    if (generation !== this.generation) return;
    const k = partitionKey(p);
    const n = (this.inFlight.get(k) ?? 1) - 1;
    if (n > 0) this.inFlight.set(k, n);
    else this.inFlight.delete(k);
    this.movedAt.set(k, now);
  }

  committed(p: PartitionRef, now: number): void {
    this.movedAt.set(partitionKey(p), now);
  }

  /**
   * Assigned partitions that have not moved for the stall time and are neither paused nor being
   * processed (a slow batch is the service's business, not a stalled fetch): the ones whose offsets
   * are worth asking the broker for. Partitions no longer assigned are forgotten.
   */
  quiet(assigned: readonly PartitionRef[], paused: readonly PartitionRef[], now: number): PartitionRef[] {
    const owned = new Set(assigned.map(partitionKey));
    for (const k of [...this.movedAt.keys()]) if (!owned.has(k)) this.movedAt.delete(k);
    const held = new Set(paused.map(partitionKey));
    const out: PartitionRef[] = [];
    for (const p of assigned) {
      const k = partitionKey(p);
      const moved = this.movedAt.get(k);
      // First sight (just assigned): the clock starts now.
      if (moved === undefined) this.movedAt.set(k, now);
      else if (now - moved >= this.stallMs && !this.inFlight.has(k) && !held.has(k)) out.push(p);
    }
    return out;
  }

  /**
   * Of the quiet partitions, those with records past the point this consumer reads from: its fetch
   * position, or, when it has consumed nothing since assignment, the committed offset. One with
   * neither is never judged: a group that starts at the end has nothing to read until something
   * new arrives.
   */
  stalled(offsets: readonly PartitionOffsets[]): PartitionOffsets[] {
    return offsets.filter((o) => {
      const from = o.position >= 0n ? o.position : o.committed;
      return from >= 0n && o.high > from;
    });
  }

  /** After the consumer is rebuilt every partition starts afresh. */
  reset(): void {
    this.generation++;
    this.movedAt.clear();
    this.inFlight.clear();
  }
}
