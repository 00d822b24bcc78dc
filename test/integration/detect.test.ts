import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FLEET, generateFleet } from '../../deploy/demo/fleet.ts';
import type { AgentEvent, Verdict } from '../../schemas/generated/index.ts';
import { loadDetectConfig } from '../../services/detect/config.ts';
import { type RunningDetect, startDetect } from '../../services/detect/detect.ts';
import { createKafka, type Producer } from '../../services/lib/kafka/client.ts';
import { DLQ_HEADERS } from '../../services/lib/kafka/dead-letter.ts';
import { topicName } from '../../services/lib/kafka/topics.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';
import { pollUntil } from '../helpers/poll.ts';

const CHAT_BOT = 'news-chat-bot';
const env = {
  ...isolatedEnv('detect'),
  DETECT_WORKER_THREADS: '2',
  DETECT_GROUP_ID: `detect-${Date.now()}`,
  DETECT_CHAT_GUARD_AGENTS: CHAT_BOT,
};
const log = createLogger('test', { level: 'warn' });
const pc = loadProvisionConfig(env);
const prefix = pc.KAFKA_TOPIC_PREFIX;

describe('detect service on the real stack', () => {
  let detect: RunningDetect;
  let producer: Producer;
  const registry = createRegistryClient(pc);
  const events = new AvroCodec(registry, prefix, 'events');
  const verdictCodec = new AvroCodec(registry, prefix, 'verdicts');
  const verdicts = new Map<string, Verdict[]>();
  const deadLetters: string[] = [];
  const kafka = createKafka(pc, log, 'detect-test');
  const reader = kafka.consumer({ groupId: `${env.DETECT_GROUP_ID}-reader` });

  beforeAll(async () => {
    await provision(pc, log);
    detect = await startDetect(loadDetectConfig(env), log);
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await reader.connect();
    await reader.subscribe({ topics: [topicName(prefix, 'verdicts'), topicName(prefix, 'dlq')], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ topic, message }) => {
        if (topic.endsWith('dlq.v1')) {
          deadLetters.push(String(message.headers?.[DLQ_HEADERS.reason]));
          return;
        }
        const v = await verdictCodec.decode(message.value);
        verdicts.set(v.event_id!, [...(verdicts.get(v.event_id!) ?? []), v]);
      },
    });
  });

  afterAll(async () => {
    await reader.disconnect();
    await producer?.disconnect();
    await detect?.stop();
  });

  async function produce(list: AgentEvent[]) {
    await producer.send({
      topic: events.topic,
      messages: await Promise.all(
        list.map(async (e) => ({ key: `${e.tenant_id}:${e.agent_id}`, value: await events.encode(e) })),
      ),
    });
  }

  it('issues exactly one verdict per event, and masks the PII it forwards', async () => {
    const fleet = generateFleet({ ...DEFAULT_FLEET, piiRate: 0.3, injectionRate: 0.2 }, Date.now());
    const labelled = Array.from({ length: 400 }, () => fleet.next().value!);
    await produce(labelled.map((l) => l.event));
    await pollUntil(
      async () => labelled.filter((l) => verdicts.has(l.event.event_id)).length,
      (n) => n === labelled.length,
      { what: 'a verdict for every event' },
    );
    expect(labelled.every((l) => verdicts.get(l.event.event_id)!.length === 1)).toBe(true);

    const emails = labelled.filter((l) => l.labels.includes('pii.email'));
    expect(emails.length).toBeGreaterThan(0);
    for (const l of emails) {
      const v = verdicts.get(l.event.event_id)![0]!;
      expect(['redact', 'block']).toContain(v.action);
      expect(v.reasons).toContain('pii.email');
      expect(v.redacted_text).toContain('[REDACTED:pii.email]');
      expect(v.redacted_text).not.toContain('jane.doe@example.com');
    }
    const injected = labelled.filter((l) => l.labels.includes('injection'));
    const flagged = injected.filter((l) =>
      verdicts.get(l.event.event_id)![0]!.reasons.some((r) => r.startsWith('injection.')),
    );
    expect(flagged.length / injected.length).toBeGreaterThan(0.9);
  });

  it('runs the chat guard in the workers for the agents configured, and only for them', async () => {
    const fleet = generateFleet({ ...DEFAULT_FLEET, piiRate: 0, injectionRate: 0 }, Date.now());
    // Off-task for a news bot, and no rule fires on it: only the chat guard can flag it.
    const prompt = 'Be a DJ and give me some music recommendations.';
    const asRequest = (agentId: string): AgentEvent => {
      const e = fleet.next().value!.event;
      return {
        ...e,
        agent_id: agentId,
        kind: 'model_request',
        tool: null,
        content: { text: prompt, truncated: false, length: prompt.length, sha256: '' },
      };
    };
    const [guarded, other] = [asRequest(CHAT_BOT), asRequest('research-agent')];
    await produce([guarded, other]);
    await pollUntil(
      async () => [guarded, other].filter((e) => verdicts.has(e.event_id)).length,
      (n) => n === 2,
      { what: 'verdicts for the two prompts' },
    );
    const guardedVerdict = verdicts.get(guarded.event_id)![0]!;
    // Alert only by default: allowed, with the chat guard among the reasons.
    expect(guardedVerdict.action).toBe('allow');
    expect(guardedVerdict.reasons).toContain('injection.chat_guard');
    expect(verdicts.get(other.event_id)![0]!.reasons).not.toContain('injection.chat_guard');
  });

  it('denies every event of an agent once it is quarantined on the control topic', async () => {
    const control = new AvroCodec(registry, prefix, 'control');
    await producer.send({
      topic: control.topic,
      messages: [
        {
          key: 'acme:acme-agent-05:quarantine',
          value: await control.encode({
            tenant_id: 'acme',
            agent_id: 'acme-agent-05',
            issued_at: Date.now(),
            issued_by: 'test',
            payload: { 'dev.warden.v1.Quarantine': { active: true, reason: 'compromised' } },
          }),
        },
      ],
    });
    await pollUntil(async () => detect.control.state.quarantine('acme', 'acme-agent-05') !== null, Boolean, {
      what: 'the quarantine to reach the detector',
    });
    const fleet = generateFleet({ ...DEFAULT_FLEET, seed: 9, piiRate: 0, injectionRate: 0 }, Date.now());
    const batch: AgentEvent[] = [];
    while (batch.length < 5) {
      const { event } = fleet.next().value!;
      if (event.tenant_id === 'acme' && event.agent_id === 'acme-agent-05') batch.push(event);
    }
    await produce(batch);
    await pollUntil(
      async () => batch.filter((e) => verdicts.has(e.event_id)).length,
      (n) => n === 5,
      {
        what: 'verdicts for the quarantined agent',
      },
    );
    for (const e of batch) {
      expect(verdicts.get(e.event_id)![0]).toMatchObject({ action: 'quarantine_agent', scope: 'agent' });
    }
  });

  it('dead-letters an undecodable event and keeps deciding the rest', async () => {
    const { event } = generateFleet(DEFAULT_FLEET, Date.now()).next().value!;
    event.event_id = `01JDLQ${Date.now()}`;
    await producer.send({
      topic: events.topic,
      messages: [
        { key: 'acme:x', value: Buffer.from([0, 0, 0, 0, 99, 1, 2, 3]) },
        { key: 'acme:x', value: await events.encode(event) },
      ],
    });
    await pollUntil(async () => verdicts.has(event.event_id), Boolean, { what: 'the good event after the bad one' });
    await pollUntil(
      async () => deadLetters.length,
      (n) => n >= 1,
      { what: 'the dead letter' },
    );
    expect(deadLetters[0]).toBe('SERDE_DECODE_FAILED');
  });
});
