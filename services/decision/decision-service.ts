import { Enforcer } from '@warden/sdk';
import type { Logger } from '../lib/logger.ts';
import type { DecisionConfig } from './config.ts';
import { buildDecisionServer } from './server.ts';

export interface RunningDecisionService {
  /** `http://host:port` the server listens on (the real port when DECISION_PORT is 0). */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Listens first (so /healthz and /readyz answer while Kafka is read), then starts one Enforcer per
 * tenant named in DECISION_API_KEYS; /readyz and /v1/check answer 503 until all are ready.
 */
export async function startDecisionService(
  config: Readonly<DecisionConfig>,
  log: Logger,
): Promise<RunningDecisionService> {
  const enforcers = new Map<string, Enforcer>();
  let ready = false;
  const app = buildDecisionServer({
    apiKeys: config.apiKeys,
    maxBodyBytes: config.DECISION_MAX_BODY_BYTES,
    decisionPointFor: (tenant) => enforcers.get(tenant),
    ready: () => ready,
    log: log.child({ component: 'decision-http' }),
  });
  const url = await app.listen({ host: config.DECISION_HOST, port: config.DECISION_PORT });
  const stopAll = async () => {
    await app.close();
    await Promise.allSettled([...enforcers.values()].map((e) => e.stop()));
  };
  try {
    const started = await Promise.all(
      config.tenants.map((tenantId) =>
        Enforcer.start({
          tenantId,
          agentIds: 'all',
          kafka: config,
          registry: config,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          detectors: {
            mlClassifier: config.DECISION_ML_CLASSIFIER,
            disabled: config.disabledDetectors,
            settings: { chatGuardAgents: config.chatGuardAgents },
          },
          oversizedContent: config.DECISION_OVERSIZED_CONTENT,
          cache: { maxEntries: config.DECISION_CACHE_MAX_ENTRIES, defaultTtlMs: config.DECISION_STANDING_TTL_MS },
          startTimeoutMs: config.DECISION_START_TIMEOUT_MS,
          logger: log,
        }).then((e) => enforcers.set(tenantId, e)),
      ),
    );
    ready = started.length === config.tenants.length;
  } catch (err) {
    await stopAll();
    throw err;
  }
  log.info({ url, tenants: config.tenants }, 'decision service ready');
  return { url, stop: stopAll };
}
