import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PinStore } from '../../../gateways/mcp-proxy/pin-store.ts';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'pins-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('pin store', () => {
  it('keeps approvals across restarts and tells approved, changed, new and unapproved apart', () => {
    const dir = fresh();
    const a = new PinStore(dir, 'acme', 'agent-1', () => 0);
    expect(a.status('s/t', 'h1')).toEqual({ state: 'new' });
    a.approve('s/t', 'h1', 'first_use');
    a.seen('s/p', 'bad');
    const b = new PinStore(dir, 'acme', 'agent-1');
    expect(b.status('s/t', 'h1')).toEqual({ state: 'approved' });
    expect(b.status('s/t', 'h2')).toEqual({ state: 'changed', approvedSha256: 'h1' });
    expect(b.status('s/p', 'bad')).toEqual({ state: 'unapproved' });
    b.seen('s/t', 'h2');
    b.approve('s/t', 'h2', 'change:cr_1');
    expect(new PinStore(dir, 'acme', 'agent-1').get('s/t')).toMatchObject({
      approved_sha256: 'h2',
      approved_by: 'change:cr_1',
      last_seen_sha256: 'h2',
    });
  });

  it("refuses another agent's pin file", () => {
    const dir = fresh();
    new PinStore(dir, 'acme', 'agent-1').approve('s/t', 'h', 'first_use');
    expect(() => new PinStore(dir, 'acme', 'agent-2')).toThrow(/belongs to acme\/agent-1.*own data_dir/);
  });

  it('names a corrupt file and how to recover', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'tool-pins.json'), '{ not json');
    expect(() => new PinStore(dir, 'acme', 'agent-1')).toThrow(/not JSON.*delete it to re-pin/);
  });

  it('writes the file whole (valid JSON after every change)', () => {
    const dir = fresh();
    const s = new PinStore(dir, 'acme', 'agent-1');
    for (let i = 0; i < 20; i++) s.approve(`s/t${i}`, `h${i}`, 'first_use');
    const file = JSON.parse(readFileSync(join(dir, 'tool-pins.json'), 'utf8'));
    expect(Object.keys(file.tools)).toHaveLength(20);
  });
});
