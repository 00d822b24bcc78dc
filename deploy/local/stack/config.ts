import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { Port, readEnv } from '../../../services/lib/env-config.ts';

/**
 * The local stack's settings. Everything has a default, so `npm start` needs no configuration;
 * each value can be overridden by the environment variable of the same name.
 */
const StackEnv = Type.Object({
  WARDEN_HOME: Type.String({ default: '.warden', description: 'Data, logs and pid files of the local stack' }),
  WARDEN_CACHE_DIR: Type.String({
    default: '.cache',
    description: 'Downloaded jars and archives (safe to keep between clones)',
  }),
  KAFKA_PORT: Port(9092, 'Kafka broker listener'),
  KAFKA_CONTROLLER_PORT: Port(9093, 'KRaft controller listener'),
  KAFKA_ADVERTISED_PORT: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 65535,
      description:
        'Port the single broker tells clients to use (default KAFKA_PORT): a TCP proxy in front of it, as the half-open-connection fault test puts there',
    }),
  ),
  KAFKA_BROKER_COUNT: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 5,
      description:
        'Kafka nodes (combined broker + controller). 1 (the default) is the single broker; with N > 1, node i listens on KAFKA_PORT + 2(i-1) and KAFKA_CONTROLLER_PORT + 2(i-1). `stack up --brokers=N` sets it and remembers it in WARDEN_HOME/stack.json',
    }),
  ),
  KAFKA_VERSION: Type.String({ default: '4.1.1', pattern: '^4\\.\\d+\\.\\d+$' }),
  KAFKA_HEAP: Type.String({ default: '1g', pattern: '^\\d+[mg]$' }),
  KAFKA_DEFAULT_PARTITIONS: Type.Integer({ minimum: 1, default: 6 }),
  SCHEMA_REGISTRY_PORT: Port(8081, 'Apicurio Registry (Confluent-compatible API under /apis/ccompat/v7)'),
  APICURIO_VERSION: Type.String({ default: '2.6.13.Final' }),
  REGISTRY_HEAP: Type.String({ default: '512m', pattern: '^\\d+[mg]$' }),
  CLICKHOUSE_HTTP_PORT: Port(8123, 'ClickHouse HTTP interface (chDB server)'),
  STACK_START_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 120_000 }),
});

export type StackEnvValues = Static<typeof StackEnv>;

export interface StackConfig {
  readonly home: string;
  readonly cacheDir: string;
  readonly logDir: string;
  readonly runDir: string;
  readonly dataDir: string;
  readonly env: StackEnvValues;
  readonly startTimeoutMs: number;
  /** Kafka nodes: 1 is the single broker of the default stack, more is a KRaft cluster. */
  readonly brokers: number;
}

/** Where `stack up --brokers=N` remembers N, so `down` and `status` know the stack without the flag. */
export function stackStateFile(home: string): string {
  return join(home, 'stack.json');
}

function rememberedBrokers(home: string): number | undefined {
  const file = stackStateFile(home);
  if (!existsSync(file)) return undefined;
  const brokers = (JSON.parse(readFileSync(file, 'utf8')) as { brokers?: unknown }).brokers;
  return typeof brokers === 'number' && Number.isInteger(brokers) && brokers >= 1 ? brokers : undefined;
}

export function loadStackConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): StackConfig {
  const values = readEnv(StackEnv, env);
  const home = resolve(cwd, values.WARDEN_HOME);
  return Object.freeze({
    home,
    cacheDir: resolve(cwd, values.WARDEN_CACHE_DIR),
    logDir: resolve(home, 'logs'),
    runDir: resolve(home, 'run'),
    dataDir: resolve(home, 'data'),
    env: values,
    startTimeoutMs: values.STACK_START_TIMEOUT_MS,
    brokers: values.KAFKA_BROKER_COUNT ?? rememberedBrokers(home) ?? 1,
  });
}
