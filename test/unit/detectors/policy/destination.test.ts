import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { destinationAllowed, destinationOf, matchesDestination } from '../../../../detectors/policy/destination.ts';

interface Case {
  target: string;
  pattern: string;
  match: boolean;
  why: string;
}

const cases = readFileSync(join(import.meta.dirname, '../../../fixtures/detectors/policy/destinations.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Case);

describe('destination allow-list matching', () => {
  for (const c of cases) {
    it(`${c.match ? 'allows' : 'refuses'} ${c.target} against ${c.pattern} (${c.why})`, () => {
      expect(matchesDestination(destinationOf(c.target), c.pattern)).toBe(c.match);
    });
  }

  it('extracts the host a client would connect to', () => {
    expect(destinationOf('https://user:pw@API.Example.com:443/a?b#c')).toBe('api.example.com');
    expect(destinationOf('https://evil.test\\@api.example.com/')).toBe('evil.test');
    expect(destinationOf('  ')).toBe('');
  });

  it('matches nothing with an empty list and never matches an empty destination', () => {
    expect(destinationAllowed('api.example.com', [])).toBe(false);
    expect(destinationAllowed('', ['*'])).toBe(false);
  });
});
