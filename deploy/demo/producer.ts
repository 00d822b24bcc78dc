import { setTimeout as delay } from 'node:timers/promises';
import { Type } from '@sinclair/typebox';
import type { AgentEvent } from '../../schemas/generated/index.ts';
import { ConnectionEnv } from '../../services/lib/connections.ts';
import { readEnv } from '../../services/lib/env-config.ts';
import { createKafka } from '../../services/lib/kafka/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { runService } from '../../services/lib/service-runner.ts';
import { DEFAULT_FLEET, generateFleet } from './fleet.ts';

/**
 * Demo traffic: the generated fleet at a steady rate, sent the way a gateway would — through the
 * ingest API (default, with the local dev keys) or, like an SDK that produces directly, to Kafka.
 */
const DemoEnv = Type.Object({
  ...ConnectionEnv,
  DEMO_RATE: Type.Integer({ minimum: 1, maximum: 100_000, default: 200, description: 'events per second' }),
  DEMO_MAX_EVENTS: Type.Integer({ minimum: 0, default: 0, description: '0 = until stopped' }),
  DEMO_SEED: Type.Integer({ default: DEFAULT_FLEET.seed }),
  DEMO_TARGET: Type.Union([Type.Literal('ingest'), Type.Literal('kafka')], { default: 'ingest' }),
  DEMO_INGEST_URL: Type.String({ default: 'http://127.0.0.1:8080' }),
  DEMO_API_KEYS: Type.String({
    default: 'acme=warden-dev-key,globex=warden-dev-key-globex',
    description: 'tenant=key pairs for the ingest API (the defaults are the local dev keys)',
  }),
});

type Sender = (events: AgentEvent[]) => Promise<void>;

runService(
  'demo-traffic',
  () => readEnv(DemoEnv),
  async (config) => {
    const log = createLogger('demo-traffic', { level: config.LOG_LEVEL });
    let close: () => Promise<void> = async () => undefined;
    let send: Sender;
    if (config.DEMO_TARGET === 'kafka') {
      const producer = createKafka(config, log, 'demo').producer({ idempotent: true });
      await producer.connect();
      const codec = new AvroCodec(createRegistryClient(config), config.KAFKA_TOPIC_PREFIX, 'events');
      send = async (events) => {
        const messages = await Promise.all(
          events.map(async (e) => ({ key: `${e.tenant_id}:${e.agent_id}`, value: await codec.encode(e) })),
        );
        await producer.send({ topic: codec.topic, messages });
      };
      close = () => producer.disconnect();
    } else {
      const keys = new Map(config.DEMO_API_KEYS.split(',').map((pair) => pair.split('=') as [string, string]));
      send = async (events) => {
        for (const [tenant, key] of keys) {
          const mine = events.filter((e) => e.tenant_id === tenant);
          if (mine.length === 0) continue;
          const res = await fetch(`${config.DEMO_INGEST_URL}/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify(mine),
          });
          if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
        }
      };
    }

    const fleet = generateFleet({ ...DEFAULT_FLEET, seed: config.DEMO_SEED });
    let running = true;
    let sent = 0;
    const tickMs = 100;
    const perTick = Math.max(1, Math.round((config.DEMO_RATE * tickMs) / 1000));
    const loop = (async () => {
      let lastReport = Date.now();
      while (running && (config.DEMO_MAX_EVENTS === 0 || sent < config.DEMO_MAX_EVENTS)) {
        const started = Date.now();
        const events = Array.from({ length: perTick }, () => {
          const { event } = fleet.next().value!;
          event.ts = Date.now();
          return event;
        });
        try {
          await send(events);
          sent += events.length;
        } catch (err) {
          // The demo keeps going through an ingest restart; the error says why events were not sent.
          log.warn({ err }, 'demo events not accepted; retrying');
          await delay(1000);
        }
        if (Date.now() - lastReport > 5000) {
          lastReport = Date.now();
          log.info({ sent, target: config.DEMO_TARGET }, 'demo events sent');
        }
        await delay(Math.max(0, tickMs - (Date.now() - started)));
      }
      log.info({ sent }, 'demo traffic finished');
    })();
    return {
      async stop() {
        running = false;
        await loop;
        await close();
      },
    };
  },
);
