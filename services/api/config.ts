import { Type } from '@sinclair/typebox';
import { ConnectionEnv } from '../lib/connections.ts';
import { readEnv } from '../lib/env-config.ts';
import { WardenError } from '../lib/errors.ts';
import { DEV_ROLE_KEYS, parseRoleKeys, type RoleKeyEntry } from './auth.ts';

const ApiEnv = Type.Object({
  ...ConnectionEnv,
  WARDEN_ENV: Type.Union([Type.Literal('local'), Type.Literal('staging'), Type.Literal('production')], {
    default: 'local',
    description: 'local enables the documented dev API keys when API_KEYS is unset',
  }),
  API_HOST: Type.String({ default: '127.0.0.1', description: 'Listen address (0.0.0.0 in a container)' }),
  API_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8090, description: '0 picks a free port' }),
  API_KEYS: Type.Optional(Type.String({ description: 'Comma-separated key_id:tenant_id:role:sha256hex-of-key' })),
  API_RUNNING_WINDOW_MS: Type.Integer({
    minimum: 1000,
    default: 15 * 60_000,
    description: 'An agent seen within this window is "running now"',
  }),
  API_KAFKA_SEND_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    default: 10_000,
    description: 'How long revoke/quarantine wait for Kafka acks (acks=all) before 503',
  }),
  API_MAX_BODY_BYTES: Type.Integer({ minimum: 1024, default: 64 * 1024 }),
});

export type ApiConfig = ReturnType<typeof loadApiConfig>;

/** Reads and validates the environment once; the API keys are parsed here so a bad entry stops start-up. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env) {
  const values = readEnv(ApiEnv, env);
  let apiKeys: readonly RoleKeyEntry[];
  let devKeys = false;
  if (values.API_KEYS !== undefined) {
    apiKeys = parseRoleKeys(values.API_KEYS, 'API_KEYS');
  } else if (values.WARDEN_ENV === 'local') {
    apiKeys = DEV_ROLE_KEYS;
    devKeys = true;
  } else {
    throw new WardenError(
      'CONFIG_INVALID',
      `\n  - API_KEYS: required when WARDEN_ENV=${values.WARDEN_ENV} (dev keys exist only with WARDEN_ENV=local)`,
    );
  }
  return Object.freeze({ ...values, apiKeys, devKeys });
}
