import { describe, expect, it } from 'vitest';
import { OffsetTracker } from '../../../services/siem/offset-tracker.ts';

describe('OffsetTracker', () => {
  it('commits up to the first record some destination still works on', () => {
    const t = new OffsetTracker();
    const a = t.add(10n, 2);
    const b = t.add(11n, 1);
    const c = t.add(12n, 2);
    t.settle(b);
    t.settle(c);
    t.settle(c);
    expect(t.takeCommit()).toBeNull();
    t.settle(a);
    expect(t.takeCommit()).toBeNull();
    t.settle(a);
    expect(t.takeCommit()).toBe(13n);
    expect(t.takeCommit()).toBeNull();
    expect(t.open).toBe(0);
  });

  it('treats a record no destination wanted as done at once, in order', () => {
    const t = new OffsetTracker();
    const a = t.add(0n, 1);
    t.add(1n, 0);
    expect(t.takeCommit()).toBeNull();
    t.settle(a);
    expect(t.takeCommit()).toBe(2n);
  });

  it('offers a commit again after a failed commit', () => {
    const t = new OffsetTracker();
    t.settle(t.add(5n, 1));
    expect(t.takeCommit()).toBe(6n);
    t.retryCommit();
    expect(t.takeCommit()).toBe(6n);
  });
});
