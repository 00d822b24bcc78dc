import { Type } from '@sinclair/typebox';
import { ConnectionEnv } from '../lib/connections.ts';
import { readEnv, splitList } from '../lib/env-config.ts';
import { type ApiKeyEntry, parseApiKeys } from './api-keys.ts';

const DecisionEnv = Type.Object({
  ...ConnectionEnv,
  DECISION_HOST: Type.String({ default: '127.0.0.1', description: 'Listen address (0.0.0.0 in a container)' }),
  DECISION_PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 8787,
    description: 'HTTP port of the decision endpoint (0: any free port, for tests)',
  }),
  DECISION_API_KEYS: Type.String({
    minLength: 1,
    description: 'Comma-separated enforcement_point_id:tenant_id:sha256hex of each accepted API key',
  }),
  DECISION_MAX_BODY_BYTES: Type.Integer({ minimum: 1024, default: 1024 * 1024, description: 'Largest request body' }),
  DECISION_ML_CLASSIFIER: Type.Boolean({ default: false, description: 'Run the injection classifier inline too' }),
  DECISION_DISABLED_DETECTORS: Type.String({ default: '', description: 'Comma-separated detector or rule ids' }),
  DECISION_CHAT_GUARD_AGENTS: Type.String({
    default: '',
    description: 'Comma-separated agent_id, tenant_id/agent_id or * whose user prompts the chat guard scores inline',
  }),
  DECISION_OVERSIZED_CONTENT: Type.Union([Type.Literal('block'), Type.Literal('scan_prefix')], { default: 'block' }),
  DECISION_CACHE_MAX_ENTRIES: Type.Integer({ minimum: 1, default: 100_000, description: 'Standing decisions kept' }),
  DECISION_STANDING_TTL_MS: Type.Integer({
    minimum: 1000,
    default: 86_400_000,
    description: 'Lifetime of a standing verdict without expires_at',
  }),
  DECISION_START_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 30_000 }),
});

export interface DecisionConfig extends Omit<ReturnType<typeof readDecisionEnv>, 'DECISION_API_KEYS'> {
  readonly apiKeys: readonly ApiKeyEntry[];
  readonly tenants: readonly string[];
  readonly disabledDetectors: readonly string[];
  readonly chatGuardAgents: readonly string[];
}

function readDecisionEnv(env: NodeJS.ProcessEnv) {
  return readEnv(DecisionEnv, env);
}

/** Reads and validates the decision service's environment once; the result is frozen. */
export function loadDecisionConfig(env: NodeJS.ProcessEnv = process.env): Readonly<DecisionConfig> {
  const { DECISION_API_KEYS, ...values } = readDecisionEnv(env);
  const apiKeys = parseApiKeys(DECISION_API_KEYS, 'DECISION_API_KEYS');
  return Object.freeze({
    ...values,
    apiKeys,
    tenants: Object.freeze([...new Set(apiKeys.map((k) => k.tenantId))]),
    disabledDetectors: Object.freeze(splitList(values.DECISION_DISABLED_DETECTORS)),
    chatGuardAgents: Object.freeze(splitList(values.DECISION_CHAT_GUARD_AGENTS)),
  });
}
