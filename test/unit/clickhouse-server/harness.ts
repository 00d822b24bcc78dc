import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClickHouseServerConfig, loadConfig } from '../../../deploy/local/clickhouse-server/config.ts';
import { type ClickHouseHttpServer, startClickHouseServer } from '../../../deploy/local/clickhouse-server/server.ts';
import { createLogger } from '../../../services/lib/logger.ts';

/** A temp data folder per test file; chDB binds one folder per process, so files never share. */
export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'warden-ch-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(dataDir: string, env: Record<string, string> = {}): ClickHouseServerConfig {
  return loadConfig({ CLICKHOUSE_HTTP_PORT: '0', CLICKHOUSE_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
}

export function startServer(dataDir: string, env: Record<string, string> = {}): Promise<ClickHouseHttpServer> {
  const config = testConfig(dataDir, env);
  return startClickHouseServer(config, createLogger('clickhouse-server-test', { level: config.logLevel }));
}
