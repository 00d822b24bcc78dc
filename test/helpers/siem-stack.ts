import type { Finding, Verdict } from '../../schemas/generated/index.ts';
import { type Consumer, createKafka, type Producer } from '../../services/lib/kafka/client.ts';
import { DLQ_HEADERS } from '../../services/lib/kafka/dead-letter.ts';
import { topicName } from '../../services/lib/kafka/topics.ts';
import type { Logger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { SIEM_DLQ_DESTINATION } from '../../services/siem/dead-letters.ts';
import { isolatedEnv } from './isolated-env.ts';

export { testFinding } from './siem-findings.ts';

export interface DeadLetterSeen {
  reason: string;
  destination: string | undefined;
  sourceTopic: string;
  offset: string;
  value: Buffer | null;
}

/**
 * The shared stack for one SIEM test file: its own topic prefix and ClickHouse database (provisioned
 * with topics, schemas and migrations), a producer of findings, a DLQ reader and the group's
 * committed offsets.
 */
export async function siemStack(label: string, log: Logger) {
  const env = isolatedEnv(label);
  const config = loadProvisionConfig(env);
  await provision(config, log);
  const kafka = createKafka(config, log, 'test');
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const codec = new AvroCodec(createRegistryClient(config), config.KAFKA_TOPIC_PREFIX, 'findings');
  const findingsTopic = topicName(config.KAFKA_TOPIC_PREFIX, 'findings');
  const verdicts = new AvroCodec(createRegistryClient(config), config.KAFKA_TOPIC_PREFIX, 'verdicts');
  const dlqTopic = topicName(config.KAFKA_TOPIC_PREFIX, 'dlq');
  const deadLetters: DeadLetterSeen[] = [];
  let dlq: Consumer | null = null;

  return {
    env,
    config,
    findingsTopic,
    async produceFindings(findings: Finding[]): Promise<void> {
      await producer.send({
        topic: findingsTopic,
        acks: -1,
        messages: await Promise.all(
          findings.map(async (f) => ({ key: `${f.tenant_id}:${f.agent_id}`, value: await codec.encode(f) })),
        ),
      });
    },
    async produceVerdicts(list: Verdict[]): Promise<void> {
      await producer.send({
        topic: verdicts.topic,
        acks: -1,
        messages: await Promise.all(
          list.map(async (v) => ({ key: `${v.tenant_id}:${v.agent_id}`, value: await verdicts.encode(v) })),
        ),
      });
    },
    async produceRaw(value: Buffer): Promise<void> {
      await producer.send({ topic: findingsTopic, acks: -1, messages: [{ key: 'acme:support-bot', value }] });
    },
    /** Starts reading the DLQ into `deadLetters` (idempotent). */
    async readDeadLetters(): Promise<DeadLetterSeen[]> {
      if (!dlq) {
        dlq = kafka.consumer({ groupId: `${env.KAFKA_TOPIC_PREFIX}dlq-reader` });
        await dlq.connect();
        await dlq.subscribe({ topics: [dlqTopic], fromBeginning: true });
        await dlq.run({
          eachMessage: async ({ message }) => {
            const h = message.headers ?? {};
            deadLetters.push({
              reason: String(h[DLQ_HEADERS.reason]),
              destination: h[SIEM_DLQ_DESTINATION] === undefined ? undefined : String(h[SIEM_DLQ_DESTINATION]),
              sourceTopic: String(h[DLQ_HEADERS.topic]),
              offset: String(h[DLQ_HEADERS.offset]),
              value: message.value,
            });
          },
        });
      }
      return deadLetters;
    },
    /** Committed offset per partition of the findings topic for a group ('-1' = none). */
    async committed(groupId: string): Promise<Map<number, bigint>> {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [t] = await admin.fetchOffsets({ groupId, topics: [findingsTopic] });
        return new Map((t?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
      } finally {
        await admin.disconnect();
      }
    },
    /** End offset per partition of the findings topic. */
    async ends(): Promise<Map<number, bigint>> {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const offsets = await admin.fetchTopicOffsets(findingsTopic);
        return new Map(offsets.map((p) => [p.partition, BigInt(p.high)]));
      } finally {
        await admin.disconnect();
      }
    },
    async close(): Promise<void> {
      await dlq?.disconnect();
      await producer.disconnect();
    },
  };
}

/** Every committed offset reached the partition end: all read records are done everywhere. */
export function allCommitted(committed: Map<number, bigint>, ends: Map<number, bigint>): boolean {
  for (const [p, end] of ends) {
    if (end === 0n) continue;
    if ((committed.get(p) ?? -1n) < end) return false;
  }
  return true;
}
