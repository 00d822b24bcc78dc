import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopProcess } from '../../deploy/local/stack/supervisor.ts';
import { loadDetectConfig } from '../../services/detect/config.ts';
import { type RunningDetect, startDetect } from '../../services/detect/detect.ts';
import { loadSinkConfig } from '../../services/sink/config.ts';
import { type RunningSink, startSink } from '../../services/sink/sink.ts';
import { formatReconcile, LoadStream } from '../helpers/load-stream.ts';
import { pollUntil } from '../helpers/poll.ts';
import { PrivateStack } from '../helpers/private-stack.ts';

/**
 * The lost commit after a broker restart: about one restart in ten used to leave a partition whose
 * last commit never landed, lagging until the service restarted. Twenty restarts of a private
 * single broker under load (one broker: the group coordinator itself goes away each time); after
 * each, both groups must reach lag 0 without any service restart.
 */
const RESTARTS = Number(process.env.FAULTS_BROKER_RESTARTS ?? 20);
const stack = new PrivateStack('restarts', 1, 39192);
let stream: LoadStream;

describe(`${RESTARTS} broker restarts in a row under load`, () => {
  let detect: RunningDetect;
  let sink: RunningSink;

  beforeAll(async () => {
    await stack.up();
    stream = new LoadStream('restarts', 47, stack.env);
    await stream.setUp();
    detect = await startDetect(loadDetectConfig(stream.env), stream.log);
    sink = await startSink(loadSinkConfig(stream.env), stream.log);
  }, 300_000);

  afterAll(async () => {
    // A client stuck on the broker must not keep the private stack (and its ports) alive after a failure.
    const bounded = (p: Promise<unknown> | undefined) => Promise.race([p?.catch(() => undefined), delay(20_000)]);
    await bounded(stream?.stop());
    await bounded(detect?.stop());
    await bounded(sink?.stop());
    await bounded(stream?.tearDown());
    await stack.destroy();
  }, 180_000);

  it('leaves no partition stuck after any restart', async () => {
    const kafka = stack.component('kafka');
    for (let i = 1; i <= RESTARTS; i++) {
      stream.start({ batch: 20, intervalMs: 50 });
      // Commits are in flight when the broker goes: load runs before, during and after the restart.
      const before = stream.acknowledged.size;
      await acknowledgedAtLeast(before + 200);
      await stopProcess(kafka.pidFile);
      await stack.up();
      const after = stream.acknowledged.size;
      await acknowledgedAtLeast(after + 200);
      await stream.stop();
      // Each group must commit everything without help: no service restart here.
      try {
        await stream.caughtUp(90_000);
      } catch (err) {
        // Rows present for every acknowledged event: processed, only the commit is missing; rows
        // missing: the consumer stopped fetching. The two need different fixes.
        const rows = await stream.reconcile().catch(() => []);
        const lost = rows.map((r) => `${r.table} without a row: ${r.lost}`).join(', ');
        throw new Error(`restart ${i} of ${RESTARTS}: ${(err as Error).message} (${lost})`);
      }
    }
    const rows = await stream.reconcile();
    process.stdout.write(`\nafter ${RESTARTS} broker restarts:\n${formatReconcile(rows)}\n`);
    for (const r of rows) {
      expect(r.lost, `${r.table}: acknowledged events without a row`).toBe(0);
      expect(r.duplicates, `${r.table}: rows left twice after FINAL`).toBe(0);
    }
  }, 3_600_000);
});

function acknowledgedAtLeast(n: number): Promise<number> {
  return pollUntil(
    () => Promise.resolve(stream.acknowledged.size),
    (size) => size >= n,
    { what: `${n} events acknowledged by the broker`, timeoutMs: 120_000, intervalMs: 50 },
  );
}
