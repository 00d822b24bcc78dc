import { describe, expect, it } from 'vitest';
import { driftedFiles, generatedFiles, PRODUCTION_TOPICS, SERVICE_ACCESS } from '../../../scripts/deploy-gen.ts';
import { toYamlDocuments } from '../../../scripts/deploy-yaml.ts';
import { loadDetectConfig } from '../../../services/detect/config.ts';
import { TOPIC_KEYS, topicName, topicSpecs } from '../../../services/lib/kafka/topics.ts';
import { loadProvisionConfig } from '../../../services/provision/config.ts';
import { loadSinkConfig } from '../../../services/sink/config.ts';

const files = generatedFiles();

/** The YAML of a generated document, split per `---`, for the lines it must contain. */
function documents(file: string): string[] {
  return files[file]!.split('\n---\n').slice(1);
}

describe('generated Strimzi manifests', () => {
  it('are committed in step with the code', () => {
    expect(driftedFiles()).toEqual([]);
  });

  it('have one KafkaTopic per warden topic with the retention and compaction of topics.ts', () => {
    const d = loadProvisionConfig({});
    const specs = topicSpecs({
      prefix: '',
      partitions: PRODUCTION_TOPICS.partitions,
      replicationFactor: 3,
      eventsRetentionMs: d.EVENTS_RETENTION_MS,
      findingsRetentionMs: d.FINDINGS_RETENTION_MS,
      dlqRetentionMs: d.DLQ_RETENTION_MS,
    });
    const topics = documents('topics.yaml');
    expect(topics).toHaveLength(TOPIC_KEYS.length);
    for (const key of TOPIC_KEYS) {
      const doc = topics.find((t) => t.includes(`topicName: "${topicName('', key)}"`));
      expect(doc, key).toBeDefined();
      for (const [k, v] of Object.entries(specs[key].configs)) expect(doc).toContain(`${k}: "${v}"`);
      expect(doc).toContain(`partitions: ${specs[key].partitions}`);
      expect(doc).toContain('replicas: 3');
      expect(doc).toContain('min.insync.replicas: "2"');
    }
    expect(topics.find((t) => t.includes('warden.control.v1'))).toContain('cleanup.policy: "compact"');
  });

  it('give each service only the topics it reads or writes', () => {
    const users = documents('users.yaml');
    const aclOf = (service: string) => users.find((u) => u.includes(`name: "warden-${service}"`))!;
    // Only detect writes verdicts and findings; only ingest writes events; only the api writes control.
    const writers = (key: (typeof TOPIC_KEYS)[number]) =>
      Object.entries(SERVICE_ACCESS)
        .filter(([, a]) => a.write.includes(key))
        .map(([s]) => s)
        .sort();
    expect(writers('events')).toEqual(['ingest']);
    expect(writers('verdicts')).toEqual(['detect']);
    expect(writers('findings')).toEqual(['detect']);
    expect(writers('control')).toEqual(['api']);
    expect(aclOf('ingest')).not.toContain('"Read"');
    expect(aclOf('ingest')).not.toContain('warden.verdicts.v1');
    expect(aclOf('api')).not.toContain('warden.events.v1');
    expect(aclOf('keda')).not.toMatch(/"Read"|"Write"/);
  });

  it("grant the consumer groups the services' default group ids use", () => {
    expect(loadDetectConfig({}).DETECT_GROUP_ID.startsWith('warden-detect')).toBe(true);
    expect(loadSinkConfig({}).SINK_GROUP_ID.startsWith('warden-sink')).toBe(true);
    const sinkTopics = loadSinkConfig({}).topics;
    expect([...SERVICE_ACCESS['sink']!.read].sort()).toEqual([...sinkTopics].sort());
    expect(documents('users.yaml').find((u) => u.includes('"warden-detect"'))).toContain('patternType: "prefix"');
  });
});

describe('YAML writer', () => {
  it('writes nested maps and lists with every string quoted', () => {
    const text = toYamlDocuments(
      [{ a: 'x', n: 1, b: true, list: [{ k: 'v', m: ['1', 2] }, 'plain'], empty: {}, none: [] }],
      'head',
    );
    expect(text).toBe(
      [
        '# head',
        '---',
        'a: "x"',
        'n: 1',
        'b: true',
        'list:',
        '  - k: "v"',
        '    m:',
        '      - "1"',
        '      - 2',
        '  - "plain"',
        'empty: {}',
        'none: []',
        '',
      ].join('\n'),
    );
  });

  it('quotes keys that are not plain', () => {
    expect(toYamlDocuments([{ 'a b': 1, 'strimzi.io/cluster': 'w' }])).toBe('---\n"a b": 1\nstrimzi.io/cluster: "w"\n');
  });
});
