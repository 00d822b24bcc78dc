import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { WardenError } from '../../../services/lib/errors.ts';
import { clickhouseComponent } from './clickhouse.ts';
import type { Component, Reporter } from './component.ts';
import { type StackConfig, stackStateFile } from './config.ts';
import { kafkaComponent } from './kafka.ts';
import { kafkaClusterComponents } from './kafka-cluster.ts';
import { registryComponent } from './registry.ts';
import { withStackLock } from './stack-lock.ts';
import { portOpen, readPid, runningPid, stopProcess, waitHealthy } from './supervisor.ts';

export type { StackConfig } from './config.ts';

export function components(config: StackConfig): Component[] {
  const kafka = config.brokers > 1 ? kafkaClusterComponents(config) : [kafkaComponent(config)];
  return [...kafka, registryComponent(config), clickhouseComponent(config)];
}

/**
 * A cluster stack remembers its size in WARDEN_HOME, so a later `down` or `status` without
 * `--brokers` finds its nodes. The single-broker default writes nothing, as before.
 */
function rememberBrokers(config: StackConfig): void {
  const file = stackStateFile(config.home);
  if (config.brokers === 1 && !existsSync(file)) return;
  mkdirSync(config.home, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ brokers: config.brokers })}\n`);
}

/** Refuses to start one Kafka shape while the other still runs from the same WARDEN_HOME. */
function refuseOtherShape(config: StackConfig): void {
  const other = { ...config, brokers: config.brokers > 1 ? 1 : 3 };
  const otherKafka = other.brokers > 1 ? kafkaClusterComponents(other) : [kafkaComponent(other)];
  const running = otherKafka.filter((c) => runningPid(c.pidFile) !== null).map((c) => c.name);
  if (running.length > 0) {
    throw new WardenError(
      'STACK_START_FAILED',
      `${running.join(', ')} still run${running.length === 1 ? 's' : ''} from ${config.home} with another broker count: ` +
        `stop them first (npm run stack -- down), then start with --brokers=${config.brokers}`,
    );
  }
}

export interface ComponentStatus {
  name: string;
  state: 'running' | 'unhealthy' | 'stopped';
  pid: number | null;
  detail: string;
}

/** Installs (cached) and starts every component that is not already healthy, in parallel. */
export function up(config: StackConfig, log: (line: string) => void): Promise<void> {
  return withStackLock(config.home, log, () => upLocked(config, log));
}

async function upLocked(config: StackConfig, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  refuseOtherShape(config);
  const all = components(config);
  const toStart = await preflight(all);
  const results = await Promise.allSettled(
    all.map((c) =>
      toStart.includes(c)
        ? upOne(c, config, reporter(c.name, log, started))
        : Promise.resolve(alreadyUp(c, log, started)),
    ),
  );
  const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [{ c: all[i]!, err: r.reason as Error }] : []));
  if (failures.length > 0) {
    const text = failures.map((f) => `${f.c.name}: ${f.err.message}`).join('\n\n');
    throw new WardenError('STACK_START_FAILED', `\n${text}\nLogs: ${config.logDir}`);
  }
  rememberBrokers(config);
  log(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function alreadyUp(c: Component, log: (line: string) => void, started: number): void {
  reporter(c.name, log, started)(`already running (pid ${runningPid(c.pidFile)})`);
}

/**
 * Decides what must start and refuses, before anything starts, when a tool is missing or a port is
 * held by a process warden did not start: one clear error instead of a half-started stack.
 */
async function preflight(all: Component[]): Promise<Component[]> {
  const toStart: Component[] = [];
  for (const c of all) {
    const pid = runningPid(c.pidFile);
    if (pid !== null && (await c.healthy().catch(() => false))) continue;
    if (pid !== null) await stopProcess(c.pidFile); // alive but not answering: replace it rather than guess
    toStart.push(c);
  }
  const clashes: string[] = [];
  for (const c of toStart) {
    for (const { port, envVar } of c.ports) {
      if (await portOpen(port)) clashes.push(`${c.name}: port ${port} is taken (choose another with ${envVar}=<port>)`);
    }
  }
  if (clashes.length > 0) {
    throw new WardenError(
      'STACK_PORT_IN_USE',
      `a process warden did not start holds a port the stack needs. Stop it or move warden:\n  - ${clashes.join('\n  - ')}`,
    );
  }
  for (const c of toStart) c.preflight?.();
  return toStart;
}

async function upOne(c: Component, config: StackConfig, report: Reporter): Promise<void> {
  await c.install(report);
  report('starting');
  const newPid = await c.start(report);
  await waitHealthy(() => c.healthy(), {
    name: c.name,
    pid: newPid,
    logFile: c.logFile,
    timeoutMs: config.startTimeoutMs,
    onWaiting: (ms) => report(`waiting for health… ${Math.round(ms / 1000)} s`),
  });
  report(`healthy: ${c.describe()}`);
}

export function down(config: StackConfig, log: (line: string) => void): Promise<void> {
  return withStackLock(config.home, log, () => downLocked(config, log));
}

async function downLocked(config: StackConfig, log: (line: string) => void): Promise<void> {
  // Reverse order of dependence does not matter here (no component depends on another), so stop all at once.
  await Promise.all(
    components(config).map(async (c) => {
      const stopped = await stopProcess(c.pidFile);
      log(`${c.name.padEnd(10)} ${stopped ? 'stopped' : 'was not running'}`);
    }),
  );
}

export async function status(config: StackConfig): Promise<ComponentStatus[]> {
  return Promise.all(
    components(config).map(async (c): Promise<ComponentStatus> => {
      const pid = runningPid(c.pidFile) ?? null;
      if (pid === null) return { name: c.name, state: 'stopped', pid: readPid(c.pidFile), detail: c.describe() };
      const ok = await c.healthy().catch(() => false);
      return { name: c.name, state: ok ? 'running' : 'unhealthy', pid, detail: c.describe() };
    }),
  );
}

function reporter(name: string, log: (line: string) => void, started: number): Reporter {
  return (message) =>
    log(`${name.padEnd(10)} ${`+${((Date.now() - started) / 1000).toFixed(1)}s`.padStart(7)}  ${message}`);
}
