import type { SchemaRegistryClient } from '@confluentinc/schemaregistry/dist/schemaregistry-client.js';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { withDeadline } from '../../lib/deadline.ts';
import { isWardenError } from '../../lib/errors.ts';
import { KAFKA_CALL_DEADLINE_MS } from '../../lib/kafka/commit-batch.ts';
import type { Logger } from '../../lib/logger.ts';
import { AvroCodec } from '../../lib/serde/avro-codec.ts';
import type { Origin } from '../delivery.ts';
import { DeliveryError } from '../delivery-error.ts';
import type { DestinationMetrics } from '../metrics.ts';
import { OffsetTracker } from '../offset-tracker.ts';
import type { SiemRecord } from '../record.ts';
import type { Router } from '../router.ts';

export type KafkaSourceTopic = 'findings' | 'verdicts';

export interface KafkaSourceDeps {
  consumer: Consumer;
  registry: SchemaRegistryClient;
  topicPrefix: string;
  /** topic name -> which warden topic it is */
  topics: ReadonlyMap<string, KafkaSourceTopic>;
  router: Router;
  metrics: DestinationMetrics;
  log: Logger;
  commitIntervalMs: number;
}

/**
 * Findings and verdicts from Kafka. Each record is decoded (an undecodable one goes to the DLQ with
 * its SERDE_* reason and is never forwarded), routed, and its offset is committed only once every
 * matching destination delivered or dead-lettered it (OffsetTracker, one per partition). Commits
 * run on a timer, not per batch, because destinations finish asynchronously.
 */
export class KafkaSource {
  private readonly trackers = new Map<string, { topic: string; partition: number; tracker: OffsetTracker }>();
  private readonly codecs: Map<string, AvroCodec<KafkaSourceTopic>>;
  private readonly lag = new Map<string, Map<number, bigint>>();
  private timer: NodeJS.Timeout | null = null;
  private committing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: KafkaSourceDeps) {
    this.codecs = new Map(
      [...deps.topics.entries()].map(([name, key]) => [name, new AvroCodec(deps.registry, deps.topicPrefix, key)]),
    );
  }

  start(): void {
    this.timer = setInterval(() => {
      this.committing = this.committing.then(() => this.commit());
    }, this.deps.commitIntervalMs);
  }

  private trackerOf(topic: string, partition: number): OffsetTracker {
    const k = `${topic}\u0000${partition}`;
    let t = this.trackers.get(k);
    if (!t) {
      t = { topic, partition, tracker: new OffsetTracker() };
      this.trackers.set(k, t);
    }
    return t.tracker;
  }

  async eachBatch({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> {
    const key = this.deps.topics.get(batch.topic);
    const codec = this.codecs.get(batch.topic);
    if (!key || !codec) throw new Error(`siem received unexpected topic ${batch.topic}`);
    const tracker = this.trackerOf(batch.topic, batch.partition);
    for (const m of batch.messages) {
      if (!isRunning() || isStale()) return;
      const origin: Origin = {
        topic: batch.topic,
        partition: batch.partition,
        offset: m.offset,
        key: m.key ?? null,
        value: m.value ?? null,
      };
      const entry = tracker.add(BigInt(m.offset), 1);
      const done = () => tracker.settle(entry);
      let record: SiemRecord;
      try {
        const value = await codec.decode(m.value);
        record =
          key === 'findings'
            ? { kind: 'finding', finding: value as never }
            : { kind: 'verdict', verdict: value as never };
      } catch (err) {
        if (!isWardenError(err)) throw err;
        // Trusted text (our own WardenError message), so a native RegExp is fine here.
        const e = new DeliveryError(err.code, err.message.replace(/^[^:]*: /, ''), {
          retryable: false,
          cause: err,
          fix: 'the producer wrote a record that does not decode with its registered schema; fix the producer',
        });
        this.deps.log.warn(
          { err: e, code: e.code, topic: batch.topic, partition: batch.partition, offset: m.offset },
          'undecodable record dead-lettered',
        );
        await this.deps.router.deadLetterUndecodable(key, origin, e);
        done();
        resolveOffset(m.offset);
        continue;
      }
      await this.deps.router.route(key, record, origin, done, heartbeat);
      resolveOffset(m.offset);
    }
    let parts = this.lag.get(key);
    if (!parts) {
      parts = new Map();
      this.lag.set(key, parts);
    }
    parts.set(batch.partition, BigInt(batch.highWatermark) - BigInt(batch.lastOffset()) - 1n + BigInt(tracker.open));
    this.deps.metrics.sourceLag(key, Number([...parts.values()].reduce((a, b) => a + b, 0n)));
    await heartbeat();
  }

  /** Commits every partition whose done-everywhere offset moved. */
  async commit(): Promise<void> {
    const offsets: { topic: string; partition: number; offset: string }[] = [];
    const taken: { tracker: OffsetTracker; offset: bigint }[] = [];
    for (const t of this.trackers.values()) {
      const next = t.tracker.takeCommit();
      if (next !== null) {
        offsets.push({ topic: t.topic, partition: t.partition, offset: next.toString() });
        taken.push({ tracker: t.tracker, offset: next });
      }
    }
    if (offsets.length === 0) return;
    try {
      await withDeadline(
        this.deps.consumer.commitOffsets(offsets),
        KAFKA_CALL_DEADLINE_MS,
        'KAFKA_UNREACHABLE',
        `committing ${offsets.length} partitions`,
      );
    } catch (err) {
      // Not committed = re-read after a restart or rebalance (duplicates, never loss); try again later.
      this.deps.log.warn({ err, partitions: offsets.length }, 'offset commit failed; will retry');
      for (const t of taken) t.tracker.retryCommit();
    }
  }

  /** Stops the commit timer after a last commit of what is done. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.committing;
    await this.commit();
  }
}
