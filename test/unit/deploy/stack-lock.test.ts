import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { withStackLock } from '../../../deploy/local/stack/stack-lock.ts';

describe('stack lock', () => {
  it('runs two stack commands on one WARDEN_HOME one after the other, never together', async () => {
    const home = mkdtempSync(join(tmpdir(), 'warden-lock-'));
    const trace: string[] = [];
    const lines: string[] = [];
    const job = (name: string) => async () => {
      trace.push(`${name} start`);
      await delay(50);
      trace.push(`${name} end`);
    };
    await Promise.all([
      withStackLock(home, (l) => lines.push(l), job('a')),
      withStackLock(home, (l) => lines.push(l), job('b')),
    ]);
    expect(trace).toEqual(['a start', 'a end', 'b start', 'b end']);
    expect(lines.join('\n')).toContain('waiting for another stack command');
    expect(existsSync(join(home, 'stack.lock'))).toBe(false);
  });

  it('takes over a lock left by a process that died', async () => {
    const home = mkdtempSync(join(tmpdir(), 'warden-lock-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(home, 'stack.lock'), `${dead}\n`);
    await expect(
      withStackLock(
        home,
        () => undefined,
        async () => 'ran',
      ),
    ).resolves.toBe('ran');
  });

  it('releases the lock when the command fails', async () => {
    const home = mkdtempSync(join(tmpdir(), 'warden-lock-'));
    await expect(
      withStackLock(
        home,
        () => undefined,
        async () => {
          throw new Error('boom');
        },
      ),
    ).rejects.toThrow('boom');
    expect(existsSync(join(home, 'stack.lock'))).toBe(false);
  });

  it('names the owner when another live command holds the lock too long', async () => {
    const home = mkdtempSync(join(tmpdir(), 'warden-lock-'));
    writeFileSync(join(home, 'stack.lock'), `${process.ppid}\n`);
    await expect(
      withStackLock(
        home,
        () => undefined,
        async () => 'ran',
        300,
      ),
    ).rejects.toThrow(`pid ${process.ppid}`);
  });
});
