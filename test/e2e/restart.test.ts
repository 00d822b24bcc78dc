import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eStream } from '../helpers/e2e-stream.ts';
import { pollUntil } from '../helpers/poll.ts';
import { killed, startServiceProcess } from '../helpers/service-process.ts';

const stream = new E2eStream('restart', 77);
const TOTAL = 3000;

describe('detect and sink survive SIGKILL mid-stream', () => {
  const services: ChildProcess[] = [];
  const start = () => {
    services.push(
      startServiceProcess('services/detect/main.ts', stream.env),
      startServiceProcess('services/sink/main.ts', stream.env),
    );
  };

  beforeAll(() => stream.setUp());

  afterAll(async () => {
    await Promise.all(services.map((s) => killed(s, 'SIGTERM')));
    await stream.tearDown();
  });

  it('loses no event and stores none twice', async () => {
    start();
    for (let i = 0; i < TOTAL / 2; i += 100) await stream.produce(100);
    // Kill while the services are busy: some batches are inserted, some verdicts sent, offsets behind.
    await pollUntil(
      () => stream.count('SELECT count() AS n FROM events'),
      (n) => n > 0,
      { what: 'the first rows' },
    );
    await Promise.all(services.splice(0).map((s) => killed(s)));
    for (let i = TOTAL / 2; i < TOTAL; i += 100) await stream.produce(100);
    start();

    await pollUntil(
      () => stream.count('SELECT uniqExact(event_id) AS n FROM events'),
      (n) => n >= TOTAL,
      { what: `all ${TOTAL} events in ClickHouse`, timeoutMs: 120_000 },
    );
    await pollUntil(
      () => stream.count('SELECT uniqExact(event_id) AS n FROM verdicts'),
      (n) => n >= TOTAL,
      { what: `a verdict for all ${TOTAL} events`, timeoutMs: 120_000 },
    );
    await stream.caughtUp();
    expect(await stream.rowsAfterMerge()).toEqual({ events: TOTAL, verdicts: TOTAL });
  }, 300_000);
});
