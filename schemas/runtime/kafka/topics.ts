import { setTimeout as delay } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { WardenError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** The topics of the design (DESIGN.md §2). Versioned names: a breaking change gets a new topic. */
export const TOPIC_KEYS = ['events', 'findings', 'verdicts', 'control', 'dlq'] as const;
export type TopicKey = (typeof TOPIC_KEYS)[number];

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface TopicSettings {
  prefix: string;
  partitions: number;
  replicationFactor: number;
  eventsRetentionMs: number;
  findingsRetentionMs: number;
  dlqRetentionMs: number;
}

export function topicName(prefix: string, key: TopicKey): string {
  return `${prefix}warden.${key}.v1`;
}

export function topicSpecs(s: TopicSettings): Record<TopicKey, TopicSpec> {
  const name = (k: TopicKey) => topicName(s.prefix, k);
  return {
    events: {
      name: name('events'),
      partitions: s.partitions,
      configs: { 'retention.ms': String(s.eventsRetentionMs) },
    },
    findings: {
      name: name('findings'),
      partitions: s.partitions,
      configs: { 'retention.ms': String(s.findingsRetentionMs) },
    },
    // Verdicts matter for seconds; a short retention keeps a late subscriber from replaying stale blocks.
    verdicts: { name: name('verdicts'), partitions: s.partitions, configs: { 'retention.ms': String(86_400_000) } },
    // Policies, scopes and revocations: the latest per key must survive forever, older versions need not.
    control: {
      name: name('control'),
      partitions: 1,
      configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0', 'segment.ms': '3600000' },
    },
    dlq: { name: name('dlq'), partitions: 1, configs: { 'retention.ms': String(s.dlqRetentionMs) } },
  };
}

/** Creates missing topics; leaves existing ones alone (partitions are never shrunk or re-keyed here). */
export async function ensureTopics(admin: Admin, s: TopicSettings, log: Logger): Promise<string[]> {
  const specs = Object.values(topicSpecs(s));
  let existing: string[];
  try {
    existing = await admin.listTopics();
  } catch (err) {
    throw new WardenError('KAFKA_UNREACHABLE', (err as Error).message, { cause: err });
  }
  const missing = specs.filter((t) => !existing.includes(t.name));
  if (missing.length > 0) {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: s.replicationFactor,
          configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (err) {
      // Just after a broker starts, the new topics' metadata can lag behind their creation
      // (UNKNOWN_TOPIC_OR_PARTITION while waiting for leaders): wait for it rather than fail.
      if ((err as { retriable?: boolean }).retriable !== true) throw err;
      await waitForLeaders(
        admin,
        missing.map((t) => t.name),
        err,
      );
    }
    log.info({ topics: missing.map((t) => t.name) }, 'created topics');
  }
  return missing.map((t) => t.name);
}

const LEADER_WAIT_MS = 30_000;

async function waitForLeaders(admin: Admin, topics: string[], cause: unknown): Promise<void> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if ((err as { retriable?: boolean }).retriable !== true) throw err;
    }
    if (Date.now() > deadline) {
      throw new WardenError('KAFKA_UNREACHABLE', `topics created but without leaders after ${LEADER_WAIT_MS} ms`, {
        cause,
      });
    }
    await delay(250);
  }
}

/** Fails fast, naming the fix, when a service starts before provisioning created its topics. */
export async function requireTopics(admin: Admin, topics: readonly string[]): Promise<void> {
  let existing: string[];
  try {
    existing = await admin.listTopics();
  } catch (err) {
    throw new WardenError('KAFKA_UNREACHABLE', (err as Error).message, { cause: err });
  }
  const missing = topics.filter((t) => !existing.includes(t));
  if (missing.length > 0) {
    throw new WardenError(
      'KAFKA_TOPIC_MISSING',
      `${missing.join(', ')}: run provisioning first (npm start does it; in production: tsx services/provision/main.ts)`,
    );
  }
}

/**
 * End offsets of every partition of a topic. Just after a topic is created or a broker restarts the
 * partition leader can answer NOT_LEADER_FOR_PARTITION for a moment although metadata already names
 * it, and kafkajs's admin does not retry ListOffsets then: retriable errors are retried here.
 */
export async function fetchEndOffsets(
  admin: Admin,
  topic: string,
): Promise<Awaited<ReturnType<Admin['fetchTopicOffsets']>>> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  for (;;) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (err) {
      if ((err as { retriable?: boolean }).retriable !== true || Date.now() > deadline) {
        throw new WardenError('KAFKA_UNREACHABLE', `end offsets of ${topic}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
    await delay(250);
  }
}
