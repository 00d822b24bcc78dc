import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../../deploy/local/stack/config.ts';
import { serviceEnv } from '../../deploy/local/stack/service-env.ts';
import { down, status, up } from '../../deploy/local/stack/stack.ts';
import { createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createKafka } from '../../services/lib/kafka/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { pollUntil } from '../helpers/poll.ts';

/**
 * A second, private stack on its own ports and folder (the jars come from the shared cache), so
 * stopping it cannot disturb the stack the other integration tests use.
 */
const home = mkdtempSync(join(tmpdir(), 'warden-stack-'));
const stackEnv = {
  ...process.env,
  WARDEN_HOME: home,
  WARDEN_CACHE_DIR: resolve('.cache'),
  KAFKA_PORT: '29092',
  KAFKA_CONTROLLER_PORT: '29093',
  SCHEMA_REGISTRY_PORT: '28081',
  CLICKHOUSE_HTTP_PORT: '28123',
};
const config = loadStackConfig(stackEnv);
const quiet = () => undefined;
const log = createLogger('test', { level: 'warn' });

describe('local stack lifecycle', () => {
  afterAll(async () => {
    await down(config, quiet);
    rmSync(home, { recursive: true, force: true });
  });

  it('refuses to start, naming the port and its variable, when a port is taken', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(28123, '127.0.0.1', r));
    try {
      await expect(up(config, quiet)).rejects.toThrow(/port 28123 is taken \(choose another with CLICKHOUSE_HTTP_PORT/);
      expect((await status(config)).every((s) => s.state === 'stopped')).toBe(true);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });

  it('refuses to start, naming Java, when Java is missing', async () => {
    const noJava = loadStackConfig(stackEnv);
    const saved = process.env.JAVA_HOME;
    process.env.JAVA_HOME = join(home, 'no-such-jdk');
    try {
      await expect(up(noJava, quiet)).rejects.toThrow(/Java not found .*install Java 17\+/);
    } finally {
      if (saved === undefined) delete process.env.JAVA_HOME;
      else process.env.JAVA_HOME = saved;
    }
  });

  it('keeps Kafka records, schemas and ClickHouse rows across a stop and start', async () => {
    await up(config, quiet);
    const env = {
      ...stackEnv,
      ...serviceEnv(config, {}),
      KAFKA_TOPIC_PREFIX: 'life.',
      CLICKHOUSE_DATABASE: 'lifecycle',
    };
    const pc = loadProvisionConfig(env);
    await provision(pc, log);

    const codec = new AvroCodec(createRegistryClient(pc), 'life.', 'control');
    const record = {
      tenant_id: 'acme',
      agent_id: 'billing-bot',
      issued_at: 1_764_000_000_000,
      issued_by: 'admin-key-1',
      payload: { 'dev.warden.v1.Quarantine': { active: true, reason: 'lifecycle test' } },
    };
    const producer = createKafka(pc, log, 'life').producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: codec.topic,
      acks: -1,
      messages: [{ key: 'acme:billing-bot', value: await codec.encode(record) }],
    });
    await producer.disconnect();
    const ch = createClickHouse(pc);
    await ch.command({ query: 'CREATE TABLE IF NOT EXISTS kept (n UInt32) ENGINE = MergeTree ORDER BY n' });
    await ch.insert({ table: 'kept', values: [{ n: 7 }, { n: 11 }], format: 'JSONEachRow' });
    await ch.close();

    await down(config, quiet);
    expect((await status(config)).every((s) => s.state === 'stopped')).toBe(true);
    await up(config, quiet);

    const ch2 = createClickHouse(pc);
    const rows = await (await ch2.query({ query: 'SELECT sum(n) AS s FROM kept', format: 'JSONEachRow' })).json<{
      s: number;
    }>();
    expect(Number(rows[0]!.s)).toBe(18);
    await ch2.close();

    // A fresh codec after the restart: the schema id in the record must still resolve in the registry.
    const reader = new AvroCodec(createRegistryClient(pc), 'life.', 'control');
    const consumer = createKafka(pc, log, 'life-read').consumer({ groupId: 'life-reader' });
    const seen: unknown[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [codec.topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(await reader.decode(message.value)) });
    await pollUntil(
      async () => seen.length,
      (n) => n >= 1,
      { what: 'the record written before the restart' },
    );
    await consumer.disconnect();
    expect(seen[0]).toEqual(record);
  });
});
