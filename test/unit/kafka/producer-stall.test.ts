import { describe, expect, it } from 'vitest';
import { ProducerStall } from '../../../schemas/runtime/kafka/producer-stall.ts';

const policy = { stallMs: 30_000, maxBackoffMs: 120_000 };

/** A send the test settles by hand. */
function pending<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('producer stall', () => {
  it('is stalled when a send waited the stall time and nothing was acknowledged meanwhile', async () => {
    let now = 0;
    const stall = new ProducerStall(policy, now);
    const stuck = pending<string>();
    void stall
      .track(
        () => stuck.promise,
        () => now,
      )
      .catch(() => undefined);
    now = 29_999;
    expect(stall.stalled(now)).toBe(false);
    now = 30_000;
    expect(stall.stalled(now)).toBe(true);
    expect(stall.oldestWaitMs(now)).toBe(30_000);
  });

  it('is not stalled while other sends are acknowledged, nor by sends that fail fast', async () => {
    let now = 0;
    const stall = new ProducerStall(policy, now);
    // One partition's leader is gone (one broker of three down): its sends wait, the others go through.
    void stall.track(
      () => pending<string>().promise,
      () => now,
    );
    now = 25_000;
    await stall.track(
      () => Promise.resolve('ok'),
      () => now,
    );
    now = 40_000;
    expect(stall.stalled(now)).toBe(false);
    // A broker that refuses at once is an outage the callers see, not a stall.
    await expect(
      stall.track(
        () => Promise.reject(new Error('down')),
        () => now,
      ),
    ).rejects.toThrow('down');
    const throwing = (): Promise<string> => {
      throw new Error('not connected');
    };
    await expect(stall.track(throwing, () => now)).rejects.toThrow('not connected');
    now = 54_999;
    expect(stall.stalled(now)).toBe(false);
    now = 55_000;
    expect(stall.stalled(now)).toBe(true);
  });

  it('does not count a send that threw before anything was queued as waiting', async () => {
    const stall = new ProducerStall(policy, 0);
    const throwing = (): Promise<string> => {
      throw new Error('not connected');
    };
    await expect(stall.track(throwing, () => 0)).rejects.toThrow('not connected');
    expect(stall.stalled(600_000)).toBe(false);
    expect(stall.oldestWaitMs(600_000)).toBe(0);
  });

  it('fails the sends waiting on a replaced producer, and only those', async () => {
    let now = 0;
    const stall = new ProducerStall(policy, now);
    const old = pending<string>();
    const oldSend = stall.track(
      () => old.promise,
      () => now,
    );
    now = 30_000;
    stall.attempted(now);
    const replaced = stall.replaced();
    const fresh = stall.track(
      () => Promise.resolve('fresh'),
      () => now,
    );
    expect(stall.fail(replaced, new Error('replaced'))).toBe(1);
    await expect(oldSend).rejects.toThrow('replaced');
    await expect(fresh).resolves.toBe('fresh');
    // The replaced producer answering late changes nothing.
    old.resolve('late');
    expect(stall.oldestWaitMs(now)).toBe(0);
  });

  it('backs off between replacements while none helps, and resets after an acknowledgement', async () => {
    let now = 0;
    const stall = new ProducerStall(policy, now);
    void stall.track(
      () => pending<string>().promise,
      () => now,
    );
    now = 30_000;
    expect(stall.stalled(now)).toBe(true);
    stall.attempted(now);
    stall.replaced();
    // The replacement's sends wait too (a broker really down): 30 s, then 60 s, then 120 s (cap).
    for (const gap of [30_000, 60_000, 120_000, 120_000]) {
      void stall.track(
        () => pending<string>().promise,
        () => now,
      );
      now += gap - 1;
      expect(stall.stalled(now)).toBe(false);
      now += 1;
      expect(stall.stalled(now)).toBe(true);
      // Replaced, or the new producer could not connect: the back-off grows either way.
      stall.attempted(now);
    }
    await stall.track(
      () => Promise.resolve('ok'),
      () => now,
    );
    void stall.track(
      () => pending<string>().promise,
      () => now,
    );
    now += 30_000;
    expect(stall.stalled(now)).toBe(true);
  });
});
