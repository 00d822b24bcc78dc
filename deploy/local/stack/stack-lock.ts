import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { WardenError } from '../../../services/lib/errors.ts';
import { isAlive } from './supervisor.ts';

/**
 * One `stack up`/`down` at a time per WARDEN_HOME. Without it, two test runs or agents starting the
 * stack together each saw a free port, both launched a schema registry, and the loser's pid file
 * pointed at a process that then exited: `status` showed it stopped while a stray one held the port.
 * The lock file holds its owner's pid, so a lock left by a killed process is taken over, not waited on.
 */
export async function withStackLock<T>(
  home: string,
  log: (line: string) => void,
  work: () => Promise<T>,
  timeoutMs = 600_000,
): Promise<T> {
  mkdirSync(home, { recursive: true });
  const file = join(home, 'stack.lock');
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = ownerOf(file);
    if (owner === null || !isAlive(owner)) {
      // Left behind by a process that died (or is half-written this instant: then the owner retries).
      rmSync(file, { force: true });
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      throw new WardenError(
        'STACK_START_FAILED',
        `another stack command (pid ${owner}) has held ${file} for ${Math.round(timeoutMs / 1000)} s: ` +
          `wait for it, or stop it if it hangs`,
      );
    }
    if (!told) log(`waiting for another stack command (pid ${owner}) to finish…`);
    told = true;
    await delay(250);
  }
  try {
    return await work();
  } finally {
    if (ownerOf(file) === process.pid) rmSync(file, { force: true });
  }
}

function ownerOf(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
