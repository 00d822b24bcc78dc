import { describe, expect, it } from 'vitest';
import { topicName, topicSpecs } from '../../../services/lib/kafka/topics.ts';
import { AvroCodec, createRegistryClient } from '../../../services/lib/serde/avro-codec.ts';

const settings = {
  prefix: '',
  partitions: 6,
  replicationFactor: 1,
  eventsRetentionMs: 1000 * 60,
  findingsRetentionMs: 1000 * 120,
  dlqRetentionMs: 1000 * 180,
};

describe('topics', () => {
  it('are versioned and prefixable', () => {
    expect(topicName('', 'events')).toBe('warden.events.v1');
    expect(topicName('test.x.', 'dlq')).toBe('test.x.warden.dlq.v1');
  });

  it('compact the control topic so the latest policy per key survives', () => {
    const specs = topicSpecs(settings);
    expect(specs.control.configs['cleanup.policy']).toBe('compact');
    expect(specs.events.configs['retention.ms']).toBe('60000');
    expect(specs.events.partitions).toBe(6);
  });
});

describe('Avro codec', () => {
  // An unreachable registry proves the framing check happens before any network call.
  const codec = new AvroCodec(createRegistryClient({ SCHEMA_REGISTRY_URL: 'http://127.0.0.1:9' }), '', 'events');

  it('rejects unframed bytes with SERDE_NOT_FRAMED', async () => {
    await expect(codec.decode(Buffer.from('{"event_id":"x"}'))).rejects.toMatchObject({ code: 'SERDE_NOT_FRAMED' });
    await expect(codec.decode(null)).rejects.toMatchObject({ code: 'SERDE_NOT_FRAMED' });
    await expect(codec.decode(Buffer.from([0, 0]))).rejects.toMatchObject({ code: 'SERDE_NOT_FRAMED' });
  });
});
