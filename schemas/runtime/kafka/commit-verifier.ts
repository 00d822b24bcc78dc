/**
 * Re-sends offset commits that never reached the group coordinator.
 *
 * Why: @confluentinc/kafka-javascript's `commitOffsets` resolves once librdkafka has *queued* the
 * commit (its native worker calls `commitAsync`, src/workers.cc KafkaConsumerCommitCb), not when the
 * coordinator acknowledged it. The acknowledgement goes to librdkafka's offset_commit_cb, which the
 * KafkaJS layer consumes itself and does not expose. When the coordinator moves or its broker restarts
 * while a commit is in flight, that commit fails (NOT_COORDINATOR, request timed out, transport
 * failure: logged as COMMITFAIL) and nothing retries it. A partition that receives no more records
 * then keeps its old committed offset for good: the "one restart in ten leaves a partition lagging
 * until the service restarts" of the broker-restart tests. Checking what the coordinator holds and
 * committing again whatever is behind closes that gap; records are processed at least once anyway.
 */
export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export interface CommitVerifierClient {
  /** Partitions this consumer owns now; commits of others belong to their new owner. */
  assigned(): { topic: string; partition: number }[];
  /** The offsets the group coordinator holds (an OffsetFetch round trip). */
  committed(partitions: { topic: string; partition: number }[]): Promise<TopicPartitionOffset[]>;
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
}

export interface VerifyResult {
  /** Partitions whose commit had been lost and was sent again. */
  resent: TopicPartitionOffset[];
  /** Partitions confirmed at or past the wanted offset (no longer watched). */
  confirmed: number;
}

/** One string per topic partition, for Map and Set keys (shared with the adapter and partition-progress.ts). */
export const partitionKey = (p: { topic: string; partition: number }) => `${p.topic}\u0000${p.partition}`;

export class CommitVerifier {
  /** The highest offset this consumer asked to commit, per partition, until the coordinator confirms it. */
  private readonly wanted = new Map<string, TopicPartitionOffset>();

  /** Called with every commit the service makes. */
  committing(offsets: readonly TopicPartitionOffset[]): void {
    for (const o of offsets) {
      const k = partitionKey(o);
      const prev = this.wanted.get(k);
      if (!prev || BigInt(o.offset) > BigInt(prev.offset)) this.wanted.set(k, { ...o });
    }
  }

  /** Partitions still waiting for confirmation (for logs and tests). */
  pending(): number {
    return this.wanted.size;
  }

  /**
   * Asks the coordinator for the committed offsets of the watched partitions this consumer still
   * owns, commits again those that are behind, and forgets those confirmed or no longer owned.
   */
  async verify(client: CommitVerifierClient): Promise<VerifyResult> {
    if (this.wanted.size === 0) return { resent: [], confirmed: 0 };
    const owned = new Set(client.assigned().map(partitionKey));
    for (const k of [...this.wanted.keys()]) if (!owned.has(k)) this.wanted.delete(k);
    const watched = [...this.wanted.values()];
    if (watched.length === 0) return { resent: [], confirmed: 0 };
    const held = new Map(
      (await client.committed(watched.map(({ topic, partition }) => ({ topic, partition })))).map((c) => [
        partitionKey(c),
        toOffset(c.offset),
      ]),
    );
    const resent: TopicPartitionOffset[] = [];
    let confirmed = 0;
    for (const w of watched) {
      const k = partitionKey(w);
      // A newer commit may have arrived while the fetch was in flight: compare with what was asked then.
      const now = this.wanted.get(k);
      if ((held.get(k) ?? -1n) >= BigInt(w.offset)) {
        if (now?.offset === w.offset) this.wanted.delete(k);
        confirmed++;
      } else if (now !== undefined) {
        // Resend the newest wanted offset, never the older snapshot: that could move the group back.
        resent.push({ ...now });
      }
    }
    if (resent.length > 0) await client.commit(resent);
    return { resent, confirmed };
  }
}

/** An offset as the library answers it (string, number, null for none) as a bigint; -1 when none. */
export function toOffset(offset: string | number | null | undefined): bigint {
  if (offset === null || offset === undefined) return -1n;
  const s = String(offset);
  return /^-?\d+$/.test(s) ? BigInt(s) : -1n;
}
