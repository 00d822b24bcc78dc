import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Component } from '../../deploy/local/stack/component.ts';
import { loadStackConfig, type StackConfig } from '../../deploy/local/stack/config.ts';
import { serviceEnv } from '../../deploy/local/stack/service-env.ts';
import { components, down, up } from '../../deploy/local/stack/stack.ts';

/**
 * A stack of its own (folder and ports; jars from the shared cache) for tests that stop brokers or
 * ClickHouse: the shared stack on 9092/8081/8123 keeps serving every other test meanwhile.
 * `portBase` + 0..9 are used: Kafka nodes on +0,+2,+4 (controllers +1,+3,+5), registry +7, ClickHouse +8.
 */
export class PrivateStack {
  readonly config: StackConfig;
  /** What services and provisioning need to reach this stack (no trace of the shared stack's variables). */
  readonly env: NodeJS.ProcessEnv;
  private readonly home: string;

  /** `stackOverrides` replace the stack's own settings (e.g. KAFKA_ADVERTISED_PORT). */
  constructor(label: string, brokers: number, portBase: number, stackOverrides: NodeJS.ProcessEnv = {}) {
    this.home = mkdtempSync(join(tmpdir(), `warden-${label}-`));
    const stackEnv: NodeJS.ProcessEnv = {
      ...withoutConnections(process.env),
      WARDEN_HOME: this.home,
      WARDEN_CACHE_DIR: resolve('.cache'),
      KAFKA_BROKER_COUNT: String(brokers),
      KAFKA_PORT: String(portBase),
      KAFKA_CONTROLLER_PORT: String(portBase + 1),
      KAFKA_HEAP: '512m',
      SCHEMA_REGISTRY_PORT: String(portBase + 7),
      CLICKHOUSE_HTTP_PORT: String(portBase + 8),
      ...stackOverrides,
    };
    this.config = loadStackConfig(stackEnv);
    this.env = { ...withoutConnections(process.env), ...serviceEnv(this.config, {}) };
  }

  component(name: string): Component {
    const c = components(this.config).find((x) => x.name === name);
    if (!c)
      throw new Error(
        `no component ${name} in ${components(this.config)
          .map((x) => x.name)
          .join(', ')}`,
      );
    return c;
  }

  /** Starts whatever is not running (and healthy); also how a test brings a stopped piece back. */
  up(): Promise<void> {
    return up(this.config, () => undefined);
  }

  /** FAULTS_KEEP_STACK=1 leaves it running (and its folder) to look at after a failure. */
  async destroy(beforeRemove: () => void = () => undefined): Promise<void> {
    if (process.env.FAULTS_KEEP_STACK === '1') return;
    await down(this.config, () => undefined);
    // E.g. unmount a file system a test mounted inside the folder.
    beforeRemove();
    rmSync(this.home, { recursive: true, force: true });
  }
}

function withoutConnections(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const {
    KAFKA_BROKERS: _k,
    SCHEMA_REGISTRY_URL: _s,
    CLICKHOUSE_URL: _c,
    TOPIC_REPLICATION_FACTOR: _r,
    KAFKA_BROKER_COUNT: _b,
    ...rest
  } = env;
  return rest;
}
