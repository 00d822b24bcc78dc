import { setTimeout as delay } from 'node:timers/promises';
import { Type } from '@sinclair/typebox';
import { ConnectionEnv } from '../../services/lib/connections.ts';
import { readEnv } from '../../services/lib/env-config.ts';
import { createKafka } from '../../services/lib/kafka/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { runService } from '../../services/lib/service-runner.ts';
import { DEFAULT_FLEET, generateFleet } from './fleet.ts';

/** Demo traffic: the generated fleet produced to the events topic at a steady rate, like a gateway would. */
const DemoEnv = Type.Object({
  ...ConnectionEnv,
  DEMO_RATE: Type.Integer({ minimum: 1, maximum: 100_000, default: 200, description: 'events per second' }),
  DEMO_MAX_EVENTS: Type.Integer({ minimum: 0, default: 0, description: '0 = until stopped' }),
  DEMO_SEED: Type.Integer({ default: DEFAULT_FLEET.seed }),
});

runService(
  'demo-traffic',
  () => readEnv(DemoEnv),
  async (config) => {
    const log = createLogger('demo-traffic', { level: config.LOG_LEVEL });
    const producer = createKafka(config, log, 'demo').producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const codec = new AvroCodec(createRegistryClient(config), config.KAFKA_TOPIC_PREFIX, 'events');
    const fleet = generateFleet({ ...DEFAULT_FLEET, seed: config.DEMO_SEED });
    let running = true;
    let sent = 0;
    const tickMs = 100;
    const perTick = Math.max(1, Math.round((config.DEMO_RATE * tickMs) / 1000));
    const loop = (async () => {
      let lastReport = Date.now();
      while (running && (config.DEMO_MAX_EVENTS === 0 || sent < config.DEMO_MAX_EVENTS)) {
        const started = Date.now();
        const messages = [];
        for (let i = 0; i < perTick; i++) {
          const { event } = fleet.next().value!;
          event.ts = Date.now();
          messages.push({ key: `${event.tenant_id}:${event.agent_id}`, value: await codec.encode(event) });
        }
        await producer.send({ topic: codec.topic, acks: -1, messages });
        sent += messages.length;
        if (Date.now() - lastReport > 5000) {
          lastReport = Date.now();
          log.info({ sent }, 'demo events produced');
        }
        await delay(Math.max(0, tickMs - (Date.now() - started)));
      }
      log.info({ sent }, 'demo traffic finished');
    })();
    return {
      async stop() {
        running = false;
        await loop;
        await producer.disconnect();
      },
    };
  },
);
