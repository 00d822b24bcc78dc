/**
 * Generates the Strimzi manifests that must follow the code: one KafkaTopic per warden topic (names,
 * partitions, retention and compaction from services/lib/kafka/topics.ts with the provisioning
 * defaults of services/provision/config.ts) and one KafkaUser per service with least-privilege ACLs.
 *
 *   npx tsx scripts/deploy-gen.ts           # write deploy/strimzi/{topics,users}.yaml
 *   npx tsx scripts/deploy-gen.ts --check   # exit 1 when the committed files differ (CI: deploy:check)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TopicKey, topicSpecs } from '../services/lib/kafka/topics.ts';
import { loadProvisionConfig } from '../services/provision/config.ts';
import { toYamlDocuments, type YamlValue } from './deploy-yaml.ts';

const ROOT = join(import.meta.dirname, '..');
export const STRIMZI_DIR = join(ROOT, 'deploy/strimzi');
export const KAFKA_CLUSTER = 'warden';

/** Production topic layout; retention and compaction come from topics.ts unchanged. */
export const PRODUCTION_TOPICS = {
  partitions: 24, // sizing (docs/operations.md): up to 24 detect and 24 sink consumers; 100k events/s
  replicationFactor: 3,
  minInsyncReplicas: 2, // acks=all survives one broker down and refuses writes rather than lose them with two
} as const;

type Operation = 'Read' | 'Write' | 'Describe' | 'DescribeConfigs';

/**
 * What each service reads and writes (DESIGN.md §2; the code: detect.ts, sink.ts, ingest, api's
 * control publisher, the SDK's control and verdict tails in decision). Groups are prefixes: each
 * service runs with KAFKA_CLIENT_ID=warden-<service> and its group id (warden-detect, warden-sink,
 * warden-siem) starts with it, as do the throw-away groups of the kafkajs fallback's partition tails.
 */
export const SERVICE_ACCESS: Readonly<
  Record<
    string,
    {
      readonly read: readonly TopicKey[];
      readonly write: readonly TopicKey[];
      readonly group: boolean;
      /** Topics and groups only described: KEDA's Kafka scaler reads the consumer lag of detect and sink. */
      readonly describe?: { readonly topics: readonly TopicKey[]; readonly groups: readonly string[] };
    }
  >
> = {
  ingest: { read: [], write: ['events'], group: false },
  detect: { read: ['events', 'control'], write: ['findings', 'verdicts', 'dlq'], group: true },
  sink: { read: ['events', 'findings', 'verdicts'], write: ['dlq'], group: true },
  api: { read: [], write: ['control'], group: false },
  decision: { read: ['control', 'verdicts'], write: [], group: true },
  siem: { read: ['findings', 'verdicts'], write: ['dlq'], group: true },
  // Provisioning only checks the topics the topic operator created (ensureTopics lists and describes).
  provision: { read: [], write: [], group: false },
  keda: {
    read: [],
    write: [],
    group: false,
    describe: { topics: ['events', 'findings', 'verdicts'], groups: ['warden-detect', 'warden-sink'] },
  },
};

function topicsManifests(): YamlValue[] {
  const defaults = loadProvisionConfig({});
  const specs = topicSpecs({
    prefix: '',
    partitions: PRODUCTION_TOPICS.partitions,
    replicationFactor: PRODUCTION_TOPICS.replicationFactor,
    eventsRetentionMs: defaults.EVENTS_RETENTION_MS,
    findingsRetentionMs: defaults.FINDINGS_RETENTION_MS,
    dlqRetentionMs: defaults.DLQ_RETENTION_MS,
  });
  return Object.entries(specs).map(([key, spec]) => ({
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaTopic',
    metadata: {
      name: spec.name.replaceAll('.', '-'),
      labels: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'app.kubernetes.io/part-of': 'warden', 'warden.dev/topic': key },
    },
    spec: {
      topicName: spec.name,
      partitions: spec.partitions,
      replicas: PRODUCTION_TOPICS.replicationFactor,
      config: { ...spec.configs, 'min.insync.replicas': String(PRODUCTION_TOPICS.minInsyncReplicas) },
    },
  }));
}

function usersManifests(): YamlValue[] {
  const names = topicSpecs({
    prefix: '',
    partitions: 1,
    replicationFactor: 1,
    eventsRetentionMs: 1,
    findingsRetentionMs: 1,
    dlqRetentionMs: 1,
  });
  return Object.entries(SERVICE_ACCESS).map(([service, access]) => {
    const acl = (name: string, operations: readonly Operation[], type: 'topic' | 'group' = 'topic') => ({
      resource: { type, name, patternType: type === 'group' ? 'prefix' : 'literal' },
      operations: [...operations],
    });
    const touched = new Set<TopicKey>([...access.read, ...access.write, ...(access.describe?.topics ?? [])]);
    const acls: YamlValue[] = [];
    for (const key of Object.keys(names) as TopicKey[]) {
      const ops: Operation[] = [];
      if (access.read.includes(key)) ops.push('Read');
      if (access.write.includes(key)) ops.push('Write');
      if (touched.has(key) || service === 'provision') ops.push('Describe');
      if (service === 'provision') ops.push('DescribeConfigs');
      if (ops.length > 0) acls.push(acl(names[key].name, ops));
    }
    if (access.group) acls.push(acl(`warden-${service}`, ['Read', 'Describe'], 'group'));
    for (const group of access.describe?.groups ?? []) acls.push(acl(group, ['Describe'], 'group'));
    return {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaUser',
      metadata: {
        name: `warden-${service}`,
        labels: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'app.kubernetes.io/part-of': 'warden' },
      },
      spec: {
        // The operator writes the password to Secret warden-<service> (key `password`); the Helm chart
        // passes it as KAFKA_SASL_PASSWORD with KAFKA_SASL_MECHANISM=scram-sha-512 over TLS.
        authentication: { type: 'scram-sha-512' },
        authorization: { type: 'simple', acls },
      },
    };
  });
}

const HEADER = (what: string) =>
  `Generated by scripts/deploy-gen.ts from ${what}: do not edit.\nRegenerate with \`npx tsx scripts/deploy-gen.ts\`; \`npm run deploy:check\` fails when it drifts.`;

export function generatedFiles(): Record<string, string> {
  return {
    'topics.yaml': toYamlDocuments(
      topicsManifests(),
      HEADER('services/lib/kafka/topics.ts and the retention defaults of services/provision/config.ts'),
    ),
    'users.yaml': toYamlDocuments(usersManifests(), HEADER('SERVICE_ACCESS in scripts/deploy-gen.ts')),
  };
}

/** The generated files that differ from the committed ones (empty when in step). */
export function driftedFiles(): string[] {
  return Object.entries(generatedFiles())
    .filter(([file, text]) => {
      try {
        return readFileSync(join(STRIMZI_DIR, file), 'utf8') !== text;
      } catch {
        return true;
      }
    })
    .map(([file]) => `deploy/strimzi/${file}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--check')) {
    const drifted = driftedFiles();
    if (drifted.length > 0) {
      process.stderr.write(`${drifted.join(', ')}: out of date with the code; run npx tsx scripts/deploy-gen.ts\n`);
      process.exit(1);
    }
    process.stdout.write('deploy/strimzi topics and users are in step with the code\n');
  } else {
    for (const [file, text] of Object.entries(generatedFiles())) writeFileSync(join(STRIMZI_DIR, file), text);
    process.stdout.write('wrote deploy/strimzi/topics.yaml and deploy/strimzi/users.yaml\n');
  }
}
