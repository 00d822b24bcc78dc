import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDataDir } from './harness.ts';

const data = tempDataDir();
afterAll(() => data.remove());

interface Started {
  child: ChildProcess;
  output: () => string;
}

function startMain(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'deploy/local/clickhouse-server/main.ts'], {
    env: { ...process.env, CLICKHOUSE_DATA_DIR: data.dir, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return { child, output: () => out };
}

/** Resolves once `predicate` holds on the child's output, re-checking on each write; rejects at the deadline. */
async function waitForOutput({ child, output }: Started, predicate: (s: string) => boolean, deadlineMs: number) {
  const deadline = AbortSignal.timeout(deadlineMs);
  while (!predicate(output())) {
    await once(child.stdout as NonNullable<ChildProcess['stdout']>, 'data', { signal: deadline }).catch(() => {
      throw new Error(`timed out waiting for output; got:\n${output()}`);
    });
  }
}

describe('main.ts as a process', () => {
  it('exits non-zero naming STACK_PORT_IN_USE when the port is taken', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as { port: number }).port;
    try {
      const { child, output } = startMain({ CLICKHOUSE_HTTP_PORT: String(port) });
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).not.toBe(0);
      expect(output()).toContain('STACK_PORT_IN_USE');
    } finally {
      blocker.close();
    }
  }, 30_000);

  it('shuts down cleanly on SIGTERM after serving a query', async () => {
    const started = startMain({ CLICKHOUSE_HTTP_PORT: '0' });
    const { child, output } = started;
    await waitForOutput(started, (s) => s.includes('"msg":"listening"'), 20_000);
    const port = Number(/"port":(\d+)/.exec(output())?.[1]);
    const r = await fetch(`http://127.0.0.1:${port}/?query=SELECT+42`);
    expect(await r.text()).toBe('42\n');
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(output()).toContain('chDB engine closed');
  }, 30_000);
});
