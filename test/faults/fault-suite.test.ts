import type { ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, readPid, stopProcess } from '../../deploy/local/stack/supervisor.ts';
import { formatReconcile, LoadStream } from '../helpers/load-stream.ts';
import { pollUntil } from '../helpers/poll.ts';
import { PrivateStack } from '../helpers/private-stack.ts';
import { killed, startServiceProcess } from '../helpers/service-process.ts';

/**
 * The fault suite of issue 15 under steady generated load, on a private 3-broker stack (RF 3,
 * min.insync.replicas 2): (a) SIGKILL one of three brokers and bring it back; (b) stop ClickHouse
 * for longer than the sink's insert buffer, then restart it; (c) SIGKILL detect and sink mid-batch.
 * Detect and sink run as their own processes, as in production. After each case the load stops,
 * both groups must commit everything without help, and the acknowledged events are reconciled with
 * the `events` and `verdicts` tables (cumulative over the cases so far).
 *
 * Expected: lost 0 and duplicates 0 after FINAL. `replayed` counts rows written twice before the
 * merge: at-least-once redelivery after a kill or a failed commit re-inserts a batch, which the
 * ReplacingMergeTree (same event_id) collapses; an insert retried with the same deduplication token
 * is dropped by ClickHouse itself and never shows up there.
 */
const stack = new PrivateStack('faults', 3, 39292);
/** Rows per table that trigger an insert: small, so case (b) outlasts the buffer many times over. */
const SINK_INSERT_MAX_ROWS = 100;
let stream: LoadStream;
const services = new Map<string, ChildProcess>();

function start(name: 'detect' | 'sink'): void {
  services.set(
    name,
    startServiceProcess(`services/${name}/main.ts`, { ...stream.env, KAFKA_CLIENT_ID: `faults-${name}` }),
  );
}

async function sigkill(name: 'detect' | 'sink'): Promise<void> {
  await killed(services.get(name)!, 'SIGKILL');
  services.delete(name);
}

function acknowledgedAtLeast(n: number): Promise<number> {
  return pollUntil(
    () => Promise.resolve(stream.acknowledged.size),
    (size) => size >= n,
    { what: `${n} events acknowledged by the brokers`, timeoutMs: 180_000, intervalMs: 50 },
  );
}

/** Load before, during and after the fault; then everything must be committed, stored once, none lost. */
async function underLoad(label: string, fault: () => Promise<void>): Promise<void> {
  stream.start({ batch: 20, intervalMs: 100 });
  await acknowledgedAtLeast(stream.acknowledged.size + 300);
  await fault();
  await acknowledgedAtLeast(stream.acknowledged.size + 300);
  await stream.stop();
  await stream.caughtUp(300_000);
  const rows = await stream.reconcile();
  process.stdout.write(
    `\n${label} (send errors so far: ${stream.sendErrors}; counts cumulative):\n${formatReconcile(rows)}\n`,
  );
  for (const r of rows) {
    expect(r.lost, `${label}: ${r.table}: acknowledged events without a row`).toBe(0);
    expect(r.duplicates, `${label}: ${r.table}: rows twice after FINAL`).toBe(0);
  }
}

describe('fault suite under steady load (3 brokers, RF 3)', () => {
  beforeAll(async () => {
    await stack.up();
    stream = new LoadStream('faults', 91, stack.env, {
      SINK_INSERT_MAX_ROWS: String(SINK_INSERT_MAX_ROWS),
      SINK_MAX_WAIT_MS: '500',
    });
    await stream.setUp();
    start('detect');
    start('sink');
  }, 600_000);

  afterAll(async () => {
    await stream?.stop();
    await Promise.all([...services.values()].map((s) => killed(s, 'SIGTERM')));
    await stream?.tearDown().catch(() => undefined);
    await stack.destroy();
  }, 180_000);

  it('(a) SIGKILL one of three brokers, then bring it back', async () => {
    await underLoad('(a) broker kafka-2 killed', async () => {
      const broker = stack.component('kafka-2');
      const pid = readPid(broker.pidFile);
      expect(pid).not.toBeNull();
      try {
        // The supervisor starts each node as its own process group (a wrapper and the JVM).
        process.kill(-pid!, 'SIGKILL');
      } catch {
        process.kill(pid!, 'SIGKILL');
      }
      await pollUntil(
        async () => readPid(broker.pidFile) !== null && isAlive(pid!),
        (alive) => !alive,
        { what: 'kafka-2 gone', timeoutMs: 30_000 },
      );
      // Two brokers (min.insync 2) keep accepting writes while the third is gone.
      await acknowledgedAtLeast(stream.acknowledged.size + 300);
      await stack.up();
    });
  });

  it('(b) ClickHouse stopped for longer than the sink buffer, then restarted', async () => {
    await underLoad('(b) ClickHouse down', async () => {
      await stopProcess(stack.component('clickhouse').pidFile);
      // The outage is real: nothing answers on the ClickHouse port while the load goes on.
      expect((await stream.ch.ping()).success).toBe(false);
      // Several buffers' worth of events arrive while nothing can be inserted.
      await acknowledgedAtLeast(stream.acknowledged.size + 5 * SINK_INSERT_MAX_ROWS);
      await delay(2_000);
      await stack.up();
    });
  });

  it('(c) SIGKILL detect and sink mid-batch, then restart them', async () => {
    await underLoad('(c) detect and sink killed', async () => {
      await sigkill('detect');
      await acknowledgedAtLeast(stream.acknowledged.size + 100);
      await sigkill('sink');
      await acknowledgedAtLeast(stream.acknowledged.size + 100);
      start('detect');
      start('sink');
    });
  });
});
