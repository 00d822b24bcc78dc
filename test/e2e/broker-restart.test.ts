import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../../deploy/local/stack/config.ts';
import { components, up } from '../../deploy/local/stack/stack.ts';
import { stopProcess } from '../../deploy/local/stack/supervisor.ts';
import { loadDetectConfig } from '../../services/detect/config.ts';
import { type RunningDetect, startDetect } from '../../services/detect/detect.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadSinkConfig } from '../../services/sink/config.ts';
import { type RunningSink, startSink } from '../../services/sink/sink.ts';
import { E2eStream } from '../helpers/e2e-stream.ts';
import { pollUntil } from '../helpers/poll.ts';

/**
 * Restarts the shared local broker in the middle of a stream. Integration files run one at a time,
 * so no other test sees the broker go away; the stack is healthy again when this file ends.
 */
const stream = new E2eStream('broker', 31);
// E2E_LOG=1 shows detect's and sink's logs (librdkafka warnings included) when chasing a failure.
const log = createLogger('test', { level: process.env.E2E_LOG === '1' ? 'info' : 'silent' });
const stack = loadStackConfig(process.env);
const kafkaComponent = components(stack).find((c) => c.name === 'kafka')!;

describe('a broker restart mid-stream', () => {
  let detect: RunningDetect;
  let sink: RunningSink;

  beforeAll(async () => {
    await stream.setUp();
    detect = await startDetect(loadDetectConfig(stream.env), log);
    sink = await startSink(loadSinkConfig(stream.env), log);
  });

  afterAll(async () => {
    await up(stack, () => undefined);
    await detect?.stop();
    await sink?.stop();
    await stream.tearDown();
  });

  it('loses no event and decides each once', async () => {
    await stream.produce(500);
    await pollUntil(
      () => stream.count('SELECT count() AS n FROM events'),
      (n) => n > 0,
      { what: 'the first rows' },
    );
    await stopProcess(kafkaComponent.pidFile);
    await up(stack, () => undefined);
    // A new connection: the old producer's broker went away.
    await stream.produce(500, true);

    await pollUntil(
      () => stream.count('SELECT uniqExact(event_id) AS n FROM events'),
      (n) => n >= 1000,
      { what: 'all 1000 events stored after the restart', timeoutMs: 240_000 },
    );
    await pollUntil(
      () => stream.count('SELECT uniqExact(event_id) AS n FROM verdicts'),
      (n) => n >= 1000,
      { what: 'a verdict for all 1000 events', timeoutMs: 240_000 },
    );
    // The pipeline keeps working after the restart: later events are judged and stored too, on
    // every partition (and their commits cover any commit lost while the broker went away).
    await stream.produce(300);
    await pollUntil(
      () => stream.count('SELECT uniqExact(event_id) AS n FROM verdicts'),
      (n) => n >= 1300,
      { what: 'verdicts for events sent after the restart', timeoutMs: 240_000 },
    );
    // About one run in ten, a commit made around the restart never lands although librdkafka
    // reported it done, and nothing re-sends it (detect's or the sink's group then shows lag with
    // every record processed). At-least-once covers that: a restarted service processes the
    // uncommitted records again and downstream de-duplicates. Do what an operator would.
    await settle(
      () => stream.detectCaughtUp(30_000),
      async () => {
        await detect.stop();
        detect = await startDetect(loadDetectConfig(stream.env), log);
      },
      () => stream.detectCaughtUp(),
    );
    await settle(
      () => stream.sinkCaughtUp(30_000),
      async () => {
        await sink.stop();
        sink = await startSink(loadSinkConfig(stream.env), log);
      },
      () => stream.sinkCaughtUp(),
    );
    expect(await stream.rowsAfterMerge()).toEqual({ events: 1300, verdicts: 1300 });
  }, 600_000);
});

/** Waits for `caughtUp`; if it does not come, restarts the service once and waits again. */
async function settle(caughtUp: () => Promise<void>, restart: () => Promise<void>, again: () => Promise<void>) {
  try {
    await caughtUp();
  } catch {
    await restart();
    await again();
  }
}
