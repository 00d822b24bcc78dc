import { describe, expect, it } from 'vitest';
import { GroupSessionWatchdog } from '../../../services/lib/kafka/group-session-watchdog.ts';

describe('group session watchdog', () => {
  it('calls a consumer stuck only when its lost session stays lost past the limit', () => {
    let now = 1_000;
    const w = new GroupSessionWatchdog(60_000, () => now);
    w.observe('REQTMOUT');
    expect(w.stuck()).toBe(false);
    w.observe('SESSTMOUT');
    now += 59_999;
    expect(w.stuck()).toBe(false);
    // Repeated timeouts do not move the start of the outage.
    w.observe('SESSTMOUT');
    now += 1;
    expect(w.stuck()).toBe(true);
    expect(w.lostForMs()).toBe(60_000);
  });

  it('forgets the outage once the group assigns partitions again', () => {
    let now = 0;
    const w = new GroupSessionWatchdog(10_000, () => now);
    w.observe('SESSTMOUT');
    now = 5_000;
    w.rejoined();
    now = 50_000;
    expect(w.stuck()).toBe(false);
    expect(w.lostForMs()).toBeNull();
  });
});
