import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Component } from './component.ts';
import type { StackConfig } from './config.ts';
import { startProcess } from './supervisor.ts';

const SERVER_MAIN = fileURLToPath(new URL('../clickhouse-server/main.ts', import.meta.url));

/**
 * ClickHouse 26.7 (chDB, installed by npm) behind its HTTP interface, in a process of its own that
 * owns the data folder. Production sets CLICKHOUSE_URL to a real server or cluster instead.
 */
export function clickhouseComponent(config: StackConfig): Component {
  const { env } = config;
  const dataDir = join(config.dataDir, 'clickhouse');
  const logFile = join(config.logDir, 'clickhouse.log');
  const pidFile = join(config.runDir, 'clickhouse.pid');
  const url = `http://127.0.0.1:${env.CLICKHOUSE_HTTP_PORT}`;

  return {
    name: 'clickhouse',
    ports: [{ port: env.CLICKHOUSE_HTTP_PORT, envVar: 'CLICKHOUSE_HTTP_PORT' }],
    logFile,
    pidFile,

    async install() {
      // chdb is an npm dependency: `npm ci` already installed the engine.
    },

    async start() {
      mkdirSync(dataDir, { recursive: true });
      return startProcess({
        name: 'clickhouse',
        command: process.execPath,
        args: ['--import', 'tsx', SERVER_MAIN],
        env: {
          CLICKHOUSE_HTTP_HOST: '127.0.0.1',
          CLICKHOUSE_HTTP_PORT: String(env.CLICKHOUSE_HTTP_PORT),
          CLICKHOUSE_DATA_DIR: dataDir,
          // Each running chDB query holds one libuv worker thread; keep more than the query limit.
          UV_THREADPOOL_SIZE: '8',
        },
        logFile,
        pidFile,
      });
    },

    async healthy() {
      const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
      return res.ok && (await res.text()).startsWith('Ok.');
    },

    describe() {
      return `ClickHouse 26.7 (chDB) HTTP interface on ${url}, data ${dataDir}`;
    },
  };
}
