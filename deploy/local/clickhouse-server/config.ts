import { isAbsolute, resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { WardenError } from '../../../services/lib/errors.ts';

const MiB = 1024 * 1024;

/**
 * The one schema for the local ClickHouse HTTP server. Defaults live here so the environment is
 * read in exactly one place; units are in the names.
 */
export const ConfigSchema = Type.Object(
  {
    httpHost: Type.String({ minLength: 1, default: '127.0.0.1' }),
    httpPort: Type.Integer({ minimum: 0, maximum: 65535, default: 8123 }),
    dataDir: Type.String({ minLength: 1, default: '.warden/data/clickhouse' }),
    maxBodyBytes: Type.Integer({ minimum: 1, default: 256 * MiB }),
    // libuv runs each chDB call on its thread pool (4 threads unless UV_THREADPOOL_SIZE says
    // otherwise), so more concurrent queries than threads only queue inside libuv, out of sight.
    maxConcurrentQueries: Type.Integer({ minimum: 1, default: 4 }),
    maxQueuedQueries: Type.Integer({ minimum: 0, default: 256 }),
    user: Type.String({ minLength: 1, default: 'default' }),
    password: Type.String({ default: '' }),
    shutdownTimeoutMs: Type.Integer({ minimum: 0, default: 30_000 }),
    sessionTimeoutS: Type.Integer({ minimum: 1, maximum: 3600, default: 60 }),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info' },
    ),
  },
  { additionalProperties: false },
);

export type ClickHouseServerConfig = Readonly<Static<typeof ConfigSchema>>;

/** Environment variable feeding each config key; also the name used in error messages. */
const ENV_NAMES: Record<keyof Static<typeof ConfigSchema>, string> = {
  httpHost: 'CLICKHOUSE_HTTP_HOST',
  httpPort: 'CLICKHOUSE_HTTP_PORT',
  dataDir: 'CLICKHOUSE_DATA_DIR',
  maxBodyBytes: 'CLICKHOUSE_MAX_BODY_BYTES',
  maxConcurrentQueries: 'CLICKHOUSE_MAX_CONCURRENT_QUERIES',
  maxQueuedQueries: 'CLICKHOUSE_MAX_QUEUED_QUERIES',
  user: 'CLICKHOUSE_USER',
  password: 'CLICKHOUSE_PASSWORD',
  shutdownTimeoutMs: 'CLICKHOUSE_SHUTDOWN_TIMEOUT_MS',
  sessionTimeoutS: 'CLICKHOUSE_SESSION_TIMEOUT_S',
  logLevel: 'LOG_LEVEL',
};

/**
 * Builds the frozen config from an environment. Every invalid variable is reported in one
 * CONFIG_INVALID error so a misconfigured start fails once, not once per variable.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): ClickHouseServerConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    // An empty variable means "unset" for everything except the password, where empty is the
    // documented "no check" value.
    if (value !== undefined && (value !== '' || key === 'password')) raw[key] = value;
  }
  const candidate = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, raw));
  const problems = [...Value.Errors(ConfigSchema, candidate)].map((e) => {
    const key = e.path.replace(/^\//, '') as keyof typeof ENV_NAMES;
    const name = ENV_NAMES[key] ?? e.path;
    return `${name}=${JSON.stringify(raw[key] ?? null)}: ${e.message}`;
  });
  if (problems.length > 0) throw new WardenError('CONFIG_INVALID', problems.join('; '));
  const config = candidate as Static<typeof ConfigSchema>;
  config.dataDir = isAbsolute(config.dataDir) ? config.dataDir : resolve(cwd, config.dataDir);
  return Object.freeze(config);
}
