import { describe, expect, it } from 'vitest';
import { kraftClusterId } from '../../../deploy/local/stack/kafka.ts';

describe('kraftClusterId', () => {
  it('draws 22-character URL-safe ids the storage tool never reads as an option', () => {
    // About one plain draw in 64 starts with '-'; 5,000 draws would hit it ~78 times.
    const ids = Array.from({ length: 5_000 }, () => kraftClusterId());
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
