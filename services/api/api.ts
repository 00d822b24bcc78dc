import type { AddressInfo } from 'node:net';
import { AuditLog } from '../lib/audit/audit-log.ts';
import { createClickHouse } from '../lib/clickhouse/client.ts';
import { createKafka } from '../lib/kafka/client.ts';
import type { Logger } from '../lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../lib/serde/avro-codec.ts';
import { AgentRegistry } from './agent-registry.ts';
import type { ApiConfig } from './config.ts';
import { ControlPublisher } from './control-publisher.ts';
import { IncidentStore } from './incident-store.ts';
import { AgentInventory } from './inventory.ts';
import { PolicyChanges } from './policy-changes.ts';
import { PolicyStore } from './policy-store.ts';
import { ProcessingRecordStore } from './processing-record.ts';
import { buildServer } from './server.ts';
import { SessionStore } from './session-reconstruction.ts';
import { ShadowReportStore } from './shadow-report.ts';
import { ViolationStore } from './violations.ts';

export interface RunningApi {
  /** Base URL, e.g. http://127.0.0.1:8090 (the real port when API_PORT=0). */
  readonly url: string;
  stop(): Promise<void>;
}

/** Builds every component from the config, listens, and runs until stop(); main.ts and tests call it. */
export async function startApi(config: ApiConfig, log: Logger): Promise<RunningApi> {
  if (config.devKeys) {
    log.warn({ tenants: ['acme', 'globex'] }, 'API_KEYS unset: accepting the documented dev keys (WARDEN_ENV=local)');
  }
  const ch = createClickHouse(config);
  const producer = createKafka(config, log, 'api').producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    lingerMs: 0,
  });
  await producer.connect();
  const codec = new AvroCodec(createRegistryClient(config), config.KAFKA_TOPIC_PREFIX, 'control');
  const control = new ControlPublisher(producer, codec, config.API_KAFKA_SEND_TIMEOUT_MS);
  // One audit log per process: appends to a stream are serialized in it, which keeps each chain linear.
  const audit = new AuditLog({ clickhouse: ch, log });
  const app = buildServer({
    log,
    apiKeys: config.apiKeys,
    inventory: new AgentInventory(ch, config.API_RUNNING_WINDOW_MS),
    registry: new AgentRegistry(ch),
    sessions: new SessionStore(ch),
    violations: new ViolationStore(ch),
    processingRecord: new ProcessingRecordStore(ch),
    incidents: new IncidentStore(ch),
    audit,
    control,
    policies: { changes: new PolicyChanges({ store: new PolicyStore(ch), control, audit }) },
    shadow: new ShadowReportStore(ch),
    maxBodyBytes: config.API_MAX_BODY_BYTES,
  });
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  const address = app.server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  log.info({ url, control_topic: codec.topic }, 'governance API listening');
  return {
    url,
    async stop() {
      await app.close();
      await producer.disconnect();
      await ch.close();
      log.info('governance API stopped');
    },
  };
}
