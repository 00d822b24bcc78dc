import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { withDeadline } from '../../../services/lib/deadline.ts';

describe('withDeadline', () => {
  it('passes through a call that answers in time, and its failure', async () => {
    await expect(withDeadline(Promise.resolve(7), 1000, 'KAFKA_UNREACHABLE', 'x')).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('boom')), 1000, 'KAFKA_UNREACHABLE', 'x')).rejects.toThrow(
      'boom',
    );
  });

  it('turns a call that never answers into an error with the code and what was waited for', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(withDeadline(never, 20, 'KAFKA_UNREACHABLE', 'committing t[0]@5')).rejects.toMatchObject({
      code: 'KAFKA_UNREACHABLE',
      message: expect.stringContaining('committing t[0]@5 did not answer within 20 ms'),
    });
    // A settled call answers at once; the long deadline's timer is cleared, not awaited.
    await expect(withDeadline(delay(5, 'done'), 60_000, 'KAFKA_UNREACHABLE', 'y')).resolves.toBe('done');
  });
});
