import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siemStatusCommand } from '../../cli/commands/siem-status.ts';
import type { Rsyslog } from '../../deploy/local/rsyslog.ts';
import { rsyslogInstalled, startLocalSiemReceiver } from '../../deploy/local/rsyslog.ts';
import { createLogger } from '../../services/lib/logger.ts';
import type { SiemStatus } from '../../services/siem/metrics.ts';
import { freePort } from '../helpers/free-port.ts';
import { pollUntil } from '../helpers/poll.ts';
import { killed, startServiceProcess } from '../helpers/service-process.ts';
import { allCommitted, siemStack, testFinding } from '../helpers/siem-stack.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const log = createLogger('test', { level: 'silent' });

function ids(rsyslog: Rsyslog, run: string): Set<string> {
  const out = new Set<string>();
  for (const l of rsyslog.messages()) {
    const id = /id="([^"]+)"/.exec(l)?.[1];
    if (id?.startsWith(run)) out.add(id);
  }
  return out;
}

describe('services/siem/main.ts as a process', () => {
  it('exits 78 on a bad destination config, naming the cause and the fix', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}services/siem/main.ts`], {
      cwd: ROOT,
      env: {
        ...process.env,
        SIEM_DESTINATIONS: JSON.stringify([
          { name: 'x', type: 'hec', url: 'https://s:8088', tokenEnv: 'NO_SUCH_TOKEN_VAR' },
        ]),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(78);
    expect(output).toContain('CONFIG_INVALID');
    expect(output).toContain('NO_SUCH_TOKEN_VAR is not set; put the HEC token in that variable');
  });

  describe.skipIf(!rsyslogInstalled() && !process.env.CI)('with the npm start receiver (rsyslog over TLS)', () => {
    let stack: Awaited<ReturnType<typeof siemStack>>;
    let rsyslog: Rsyslog;
    let siemEnv: NodeJS.ProcessEnv;
    let port: number;
    const group = `test-siem-proc-${Date.now().toString(36)}`;
    const start = () => startServiceProcess('services/siem/main.ts', siemEnv);
    let child: ReturnType<typeof start> | null = null;

    beforeAll(async () => {
      stack = await siemStack('siem_proc', log);
      const local = await startLocalSiemReceiver(mkdtempSync(join(tmpdir(), 'warden-home-')));
      rsyslog = local.rsyslog;
      port = await freePort();
      siemEnv = {
        ...stack.env,
        ...local.env,
        SIEM_SOURCES: 'findings,verdicts',
        SIEM_GROUP_ID: group,
        SIEM_METRICS_PORT: String(port),
        LOG_LEVEL: 'error',
      };
    }, 120_000);

    afterAll(async () => {
      if (child) await killed(child, 'SIGTERM');
      await rsyslog?.stop();
      await stack?.close();
    });

    it('forwards findings, answers /healthz, /metrics and `warden siem status`', async () => {
      child = start();
      await pollUntil(
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status ?? 0,
        (s) => s === 200,
        { what: 'siem /healthz' },
      );
      await stack.produceFindings(Array.from({ length: 10 }, (_, i) => testFinding(i, 'p1')));
      await pollUntil(
        async () => ids(rsyslog, 'p1').size,
        (n) => n === 10,
        { what: '10 findings in rsyslog' },
      );
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/siem_delivered_records_total\{destination="local-rsyslog"\} 10/);
      let out = '';
      const code = await siemStatusCommand(['--json', '--url', `http://127.0.0.1:${port}`], {
        out: (t) => {
          out += t;
        },
        err: () => {},
        client: null as never,
      });
      expect(code).toBe(0);
      const status = JSON.parse(out) as SiemStatus;
      expect(status.destinations).toEqual([
        expect.objectContaining({ name: 'local-rsyslog', type: 'syslog', delivered: 10 }),
      ]);
      let table = '';
      await siemStatusCommand(['--url', `http://127.0.0.1:${port}`], {
        out: (t) => {
          table += t;
        },
        err: () => {},
        client: null as never,
      });
      expect(table).toMatch(/^DESTINATION\s+TYPE\s+DELIVERED/);
      expect(table).toMatch(/local-rsyslog\s+syslog\s+10\s/);
    });

    it('after SIGKILL with undelivered records, a new process delivers them (at-least-once)', async () => {
      await rsyslog.stop();
      await stack.produceFindings(Array.from({ length: 8 }, (_, i) => testFinding(i, 'p2')));
      // It read them (lag shows them owed) but cannot deliver; nothing of them may be committed.
      await pollUntil(
        async () => {
          const r = await fetch(`http://127.0.0.1:${port}/status`);
          return ((await r.json()) as SiemStatus).destinations[0]!.lag;
        },
        (lag) => lag >= 8,
        { what: 'the 8 findings owed to the destination' },
      );
      expect(allCommitted(await stack.committed(group), await stack.ends())).toBe(false);
      await killed(child!, 'SIGKILL');
      await rsyslog.start();
      child = start();
      await pollUntil(
        async () => ids(rsyslog, 'p2').size,
        (n) => n === 8,
        { what: 'the 8 after the restart' },
      );
      await pollUntil(
        async () => allCommitted(await stack.committed(group), await stack.ends()),
        (ok) => ok,
        { what: 'committed after the restart' },
      );
    });
  });
});
