import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, WardenError } from '../../../services/lib/errors.ts';

describe('error codes', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

  it('documents every code in docs/errors.md', () => {
    const missing = Object.keys(ERROR_CODES).filter((code) => !doc.includes(`| \`${code}\` |`));
    expect(missing).toEqual([]);
  });

  it('documents no code that does not exist', () => {
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.filter((c) => !(c! in ERROR_CODES))).toEqual([]);
  });

  it('follows AREA_CONDITION naming', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^[A-Z]+_[A-Z_]+$/);
  });

  it('carries code, status and cause', () => {
    const cause = new Error('boom');
    const err = new WardenError('SINK_INSERT_FAILED', 'events', { cause });
    expect(err.code).toBe('SINK_INSERT_FAILED');
    expect(err.statusCode).toBe(503);
    expect(err.cause).toBe(cause);
    expect(err.message).toBe('ClickHouse rejected a batch insert: events');
  });
});
