import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../services/lib/kafka/client.ts';
import { E2eStream } from '../helpers/e2e-stream.ts';
import { pollUntil } from '../helpers/poll.ts';
import { killed, startServiceProcess } from '../helpers/service-process.ts';

const stream = new E2eStream('rebalance', 91);
const TOTAL = 3000;

/**
 * Scale-out and scale-in while events flow: a second detect instance joins the group (partitions
 * move to it), then the first leaves (they move back). Every event must end with one verdict and
 * one row, and no verdict twice after merges.
 */
describe('detect instances joining and leaving mid-stream', () => {
  const running: ChildProcess[] = [];

  beforeAll(() => stream.setUp());

  afterAll(async () => {
    await Promise.all(running.map((s) => killed(s, 'SIGTERM')));
    await stream.tearDown();
  });

  it('loses no event and stores none twice across two rebalances', async () => {
    const verdicts = () => stream.count('SELECT uniqExact(event_id) AS n FROM verdicts');
    const admin = createKafka(stream.pc, stream.log, 'rebalance-admin').admin();
    await admin.connect();
    const members = async () =>
      (await admin.describeGroups([stream.env.DETECT_GROUP_ID])).groups[0]?.members.filter(
        (m) => m.memberAssignment.length > 0,
      ).length ?? 0;

    const first = startServiceProcess('services/detect/main.ts', stream.env);
    running.push(first, startServiceProcess('services/sink/main.ts', stream.env));
    for (let i = 0; i < TOTAL / 3; i += 100) await stream.produce(100);
    await pollUntil(verdicts, (n) => n > 0, { what: 'the first verdicts', timeoutMs: 120_000 });

    // Scale out: the group rebalances while the first instance is busy.
    running.push(startServiceProcess('services/detect/main.ts', stream.env));
    await pollUntil(members, (n) => n === 2, { what: 'both detect instances in the group', timeoutMs: 120_000 });
    for (let i = 0; i < TOTAL / 3; i += 100) await stream.produce(100);
    await pollUntil(verdicts, (n) => n >= (2 * TOTAL) / 3, { what: 'two thirds judged', timeoutMs: 180_000 });

    // Scale in: the first instance leaves (SIGTERM, as an orchestrator stops it) mid-stream.
    const stopping = stream.produce(TOTAL / 3);
    await killed(first, 'SIGTERM');
    running.splice(running.indexOf(first), 1);
    await stopping;
    await pollUntil(members, (n) => n === 1, { what: 'the group down to one instance', timeoutMs: 120_000 });
    await admin.disconnect();

    await pollUntil(verdicts, (n) => n >= TOTAL, { what: `a verdict for all ${TOTAL} events`, timeoutMs: 180_000 });
    await stream.caughtUp();
    expect(await stream.rowsAfterMerge()).toEqual({ events: TOTAL, verdicts: TOTAL });
    expect(await stream.count('SELECT uniqExact(event_id) AS n FROM verdicts FINAL')).toBe(TOTAL);
  }, 420_000);
});
