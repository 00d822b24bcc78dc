import { describe, expect, it } from 'vitest';
import { DEFAULT_FLEET, generateFleet, type LabelledEvent } from '../../../deploy/demo/fleet.ts';

function take(n: number, seed = DEFAULT_FLEET.seed): LabelledEvent[] {
  const gen = generateFleet({ ...DEFAULT_FLEET, seed }, 1_764_000_000_000);
  return Array.from({ length: n }, () => gen.next().value!);
}

describe('demo fleet', () => {
  it('is reproducible from its seed', () => {
    expect(take(300)).toEqual(take(300));
    expect(take(50, 7)).not.toEqual(take(50, 8));
  });

  it('labels the PII and injections it plants', () => {
    const events = take(5000);
    const labels = events.flatMap((e) => e.labels);
    expect(labels).toContain('pii.email');
    expect(labels).toContain('injection');
    for (const e of events.filter((x) => x.labels.includes('pii.email'))) {
      expect(e.event.content!.text).toContain('@example.com');
    }
  });

  it('has one agent whose session explodes to 500 calls', () => {
    const perSession = new Map<string, number>();
    for (const { event } of take(40_000)) perSession.set(event.session_id, (perSession.get(event.session_id) ?? 0) + 1);
    const counts = [...perSession.values()];
    expect(Math.max(...counts)).toBe(500);
    const normal = counts.filter((c) => c < 500);
    expect(Math.max(...normal)).toBeLessThan(20);
  });
});
