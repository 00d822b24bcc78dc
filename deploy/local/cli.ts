import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { isWardenError } from '../../services/lib/errors.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { RSYSLOG_INSTALL_HINT, type Rsyslog, rsyslogInstalled, startLocalSiemReceiver } from './rsyslog.ts';
import { loadStackConfig, type StackConfig } from './stack/config.ts';
import { serviceEnv } from './stack/service-env.ts';
import { down, status, up } from './stack/stack.ts';
import { renderTable } from './table.ts';

/**
 * The local stack's command line, reached through deploy/local/bootstrap.mjs (which installs npm
 * dependencies first): `npm start`, `npm test`, `npm run stack -- up|down|status|logs`.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = withoutBrokersFlag(argv);
  const config = loadStackConfig(brokersEnv(argv));
  switch (command) {
    case 'stack':
      return stackCommand(config, rest);
    case 'start':
      return startCommand(config);
    case 'test':
      return testCommand(config, rest);
    case 'deps':
      // bootstrap.mjs has already installed npm dependencies by the time we get here.
      say('npm dependencies are installed');
      return 0;
    default:
      say('usage: npm start | npm test | npm run stack -- up|down|status [--brokers=3] [--json]');
      return 64;
  }
}

/** `--brokers=N` (any command): a KRaft cluster of N nodes instead of the single broker. */
function brokersEnv(argv: string[]): NodeJS.ProcessEnv {
  const flag = argv.find((a) => a.startsWith('--brokers='));
  return flag ? { ...process.env, KAFKA_BROKER_COUNT: flag.slice('--brokers='.length) } : process.env;
}

function withoutBrokersFlag(argv: string[]): string[] {
  return argv.filter((a) => !a.startsWith('--brokers='));
}

async function stackCommand(config: StackConfig, args: string[]): Promise<number> {
  const [sub] = args;
  if (sub === 'up') {
    await up(config, say);
    return 0;
  }
  if (sub === 'down') {
    await down(config, say);
    return 0;
  }
  if (sub === 'status') {
    const rows = await status(config);
    if (args.includes('--json')) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else
      process.stdout.write(
        `${renderTable(
          rows.map((r) => ({ ...r, pid: r.pid ?? '-' })),
          ['name', 'state', 'pid', 'detail'],
        )}\n`,
      );
    return rows.every((r) => r.state === 'running') ? 0 : 3;
  }
  say('usage: npm run stack -- up|down|status [--brokers=3] [--json]');
  return 64;
}

async function provisionLocal(config: StackConfig): Promise<void> {
  const env = { ...process.env, ...serviceEnv(config) };
  const result = await provision(loadProvisionConfig(env), createLogger('provision', { level: 'warn' }));
  say(
    `provisioned: topics ${result.createdTopics.length ? `created ${result.createdTopics.join(', ')}` : 'present'}, ` +
      `schemas ${Object.entries(result.schemaIds)
        .map(([k, id]) => `${k}#${id}`)
        .join(' ')}, migrations ${result.migrations.length ? `applied ${result.migrations.join(', ')}` : 'up to date'}`,
  );
}

function spawnService(
  config: StackConfig,
  name: string,
  entry: string,
  extraEnv: NodeJS.ProcessEnv = {},
): ChildProcess {
  mkdirSync(config.logDir, { recursive: true });
  const out = openSync(join(config.logDir, `${name}.log`), 'a');
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...serviceEnv(config), ...extraEnv },
    stdio: ['ignore', out, out],
  });
}

async function startCommand(config: StackConfig): Promise<number> {
  await up(config, say);
  await provisionLocal(config);
  const children = new Map<string, ChildProcess>([
    ['ingest', spawnService(config, 'ingest', 'services/ingest/main.ts')],
    ['detect', spawnService(config, 'detect', 'services/detect/main.ts')],
    ['sink', spawnService(config, 'sink', 'services/sink/main.ts')],
    ['api', spawnService(config, 'api', 'services/api/main.ts')],
  ]);
  // The SIEM forwarder sends findings, verdicts and governance events to a local rsyslog over TLS.
  let rsyslog: Rsyslog | null = null;
  if (rsyslogInstalled()) {
    const siem = await startLocalSiemReceiver(config.home);
    rsyslog = siem.rsyslog;
    children.set('siem', spawnService(config, 'siem', 'services/siem/main.ts', siem.env));
    say(`siem: forwarding to rsyslog over TLS on 127.0.0.1:${rsyslog.port}, received records in ${rsyslog.file}`);
  } else {
    say(`siem: not started: ${RSYSLOG_INSTALL_HINT}`);
  }
  // Demo traffic goes through the ingest API: start it once ingest answers, not before.
  await waitFor('ingest', 'http://127.0.0.1:8080/readyz', 60_000);
  children.set('demo-traffic', spawnService(config, 'demo-traffic', 'deploy/demo/producer.ts'));
  let stopping = false;
  for (const [name, child] of children) {
    child.once('exit', (code) => {
      if (!stopping) say(`${name} exited with code ${code}; see ${join(config.logDir, `${name}.log`)}`);
    });
  }
  say(
    `warden is running: services log to ${config.logDir}. Ctrl-C stops them (the stack keeps running; npm run stack -- down stops it).`,
  );
  const env = serviceEnv(config);
  const ch = createClickHouse({
    CLICKHOUSE_URL: env.CLICKHOUSE_URL!,
    CLICKHOUSE_USER: process.env.CLICKHOUSE_USER ?? 'default',
    CLICKHOUSE_PASSWORD: process.env.CLICKHOUSE_PASSWORD ?? '',
    CLICKHOUSE_DATABASE: process.env.CLICKHOUSE_DATABASE ?? 'warden',
  });
  const timer = setInterval(async () => {
    try {
      const rows = await (
        await ch.query({
          query: `SELECT (SELECT count() FROM events) AS events,
                         (SELECT uniqExact(tenant_id, agent_id) FROM events) AS agents,
                         (SELECT count() FROM verdicts) AS verdicts,
                         (SELECT countIf(action != 'allow') FROM verdicts) AS enforced,
                         (SELECT count() FROM findings) AS findings`,
          format: 'JSONEachRow',
        })
      ).json<Record<string, string | number>>();
      const r = rows[0]!;
      say(
        `clickhouse: ${r.events} events from ${r.agents} agents, ${r.verdicts} verdicts (${r.enforced} not allow), ${r.findings} findings`,
      );
    } catch (err) {
      say(`clickhouse: ${(err as Error).message}`);
    }
  }, 5000);
  await new Promise<void>((resolve) => {
    const stop = () => {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      say('stopping services…');
      for (const child of children.values()) child.kill('SIGTERM');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await Promise.all(
    [...children.values()].map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
  );
  await ch.close();
  await rsyslog?.stop();
  return 0;
}

async function waitFor(name: string, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  say(`${name} is not ready after ${timeoutMs / 1000} s; see its log in .warden/logs/${name}.log`);
}

async function testCommand(config: StackConfig, args: string[]): Promise<number> {
  await up(config, say);
  const env = { ...process.env, ...serviceEnv(config) };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...args], {
      cwd: ROOT,
      env,
      stdio: 'inherit',
    });
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const code = isWardenError(err) ? `${err.code}: ` : '';
    say(`\nwarden: ${code}${(err as Error).message}`);
    process.exit(1);
  },
);
