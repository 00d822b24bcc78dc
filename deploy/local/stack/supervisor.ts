import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { WardenError } from '../../../services/lib/errors.ts';

/**
 * Runs each local component as a detached background process with a pid file and a log file,
 * so the stack outlives the command that started it and `stack down` can find it again.
 */
export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly logFile: string;
  readonly pidFile: string;
}

export function readPid(pidFile: string): number | null {
  if (!existsSync(pidFile)) return null;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM means the process exists but belongs to someone else: still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function runningPid(pidFile: string): number | null {
  const pid = readPid(pidFile);
  return pid !== null && isAlive(pid) ? pid : null;
}

export function startProcess(spec: ProcessSpec): number {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const fd = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined) {
      throw new WardenError('STACK_START_FAILED', `${spec.name}: could not spawn ${spec.command}`);
    }
    child.unref();
    writeFileSync(spec.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. */
export async function stopProcess(pidFile: string, graceMs = 20_000): Promise<boolean> {
  const pid = runningPid(pidFile);
  if (pid === null) {
    rmSync(pidFile, { force: true });
    return false;
  }
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await delay(100);
  if (isAlive(pid)) {
    signal(pid, 'SIGKILL');
    while (isAlive(pid)) await delay(50);
  }
  rmSync(pidFile, { force: true });
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    // Negative pid: the whole process group, so wrappers (tsx → node) stop with their children.
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone between the liveness check and the signal.
    }
  }
}

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function tailLog(logFile: string, lines = 25): string {
  if (!existsSync(logFile)) return '(no log written)';
  const text = readFileSync(logFile, 'utf8');
  return text
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}

export interface WaitOptions {
  readonly name: string;
  readonly timeoutMs: number;
  readonly pid: number;
  readonly logFile: string;
  readonly onWaiting?: (elapsedMs: number) => void;
}

/** Polls `healthy` until it answers true; fails early, with the log's tail, if the process died. */
export async function waitHealthy(healthy: () => Promise<boolean>, opts: WaitOptions): Promise<void> {
  const started = Date.now();
  let lastNotice = started;
  for (;;) {
    if (await healthy().catch(() => false)) return;
    const elapsed = Date.now() - started;
    if (!isAlive(opts.pid)) {
      throw new WardenError(
        'STACK_START_FAILED',
        `${opts.name} exited during start-up. Last lines of ${opts.logFile}:\n${tailLog(opts.logFile)}`,
      );
    }
    if (elapsed > opts.timeoutMs) {
      throw new WardenError(
        'STACK_START_FAILED',
        `${opts.name} not healthy after ${Math.round(elapsed / 1000)} s (raise STACK_START_TIMEOUT_MS if the machine is slow). Last lines of ${opts.logFile}:\n${tailLog(opts.logFile)}`,
      );
    }
    if (Date.now() - lastNotice >= 5000) {
      lastNotice = Date.now();
      opts.onWaiting?.(elapsed);
    }
    await delay(250);
  }
}
