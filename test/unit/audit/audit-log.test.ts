import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../../services/lib/audit/audit-log.ts';
import { verifyChain } from '../../../services/lib/audit/hash-chain.ts';
import type { ClickHouseClient } from '../../../services/lib/clickhouse/client.ts';
import { createLogger } from '../../../services/lib/logger.ts';

type Row = { stream: string; seq: number; hash: string } & Record<string, unknown>;

/** In-memory stand-in for the two calls AuditLog makes: head query and insert (which can be made to fail). */
function fakeClickHouse() {
  const rows: Row[] = [];
  const state = { failInserts: 0, inserts: 0, headReads: 0 };
  const client = {
    async query({ query_params }: { query_params: { stream: string } }) {
      state.headReads++;
      const mine = rows.filter((r) => r.stream === query_params.stream).sort((a, b) => b.seq - a.seq);
      return { json: async () => mine.slice(0, 1).map((r) => ({ seq: r.seq, hash: r.hash })) };
    },
    async insert({ values }: { values: Row[] }) {
      state.inserts++;
      if (state.failInserts > 0) {
        state.failInserts--;
        throw new Error('connection reset');
      }
      rows.push(...values);
    },
  };
  return { client: client as unknown as ClickHouseClient, rows, state };
}

const log = createLogger('test', { level: 'silent' });
const entry = (i: number) => ({ actor: 'user:a', action: 'x.y', subject: `s${i}`, payload: { i } });

describe('AuditLog', () => {
  it('serializes concurrent appends per stream and batches those queued behind an insert', async () => {
    const ch = fakeClickHouse();
    const audit = new AuditLog({ clickhouse: ch.client, log });
    const records = await Promise.all(Array.from({ length: 50 }, (_, i) => audit.append('tenant:t/a', entry(i))));
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(ch.state.inserts).toBeLessThan(50);
    expect(ch.state.headReads).toBe(1);
    expect(
      verifyChain(
        'tenant:t/a',
        ch.rows.map(({ tenant_id: _t, ...r }) => ({ ...r, payload: JSON.parse(String(r.payload)) })),
      ),
    ).toEqual([]);
  });

  it('retries a failed insert, then rejects with AUDIT_APPEND_FAILED and re-reads the head', async () => {
    const ch = fakeClickHouse();
    const audit = new AuditLog({ clickhouse: ch.client, log, attempts: 2 });
    await audit.append('tenant:t/a', entry(0));
    ch.state.failInserts = 1;
    expect((await audit.append('tenant:t/a', entry(1))).seq).toBe(2);
    ch.state.failInserts = 2;
    await expect(audit.append('tenant:t/a', entry(2))).rejects.toMatchObject({ code: 'AUDIT_APPEND_FAILED' });
    const reads = ch.state.headReads;
    expect((await audit.append('tenant:t/a', entry(3))).seq).toBe(3);
    expect(ch.state.headReads).toBe(reads + 1);
  });

  it('refuses a bad stream name or a payload JSON cannot carry', async () => {
    const audit = new AuditLog({ clickhouse: fakeClickHouse().client, log });
    await expect(audit.append('acme/a', entry(0))).rejects.toMatchObject({ code: 'AUDIT_STREAM_INVALID' });
    await expect(
      audit.append('tenant:t/a', { actor: 'a', action: 'b', subject: 'c', payload: { n: Number.POSITIVE_INFINITY } }),
    ).rejects.toMatchObject({ code: 'AUDIT_RECORD_INVALID' });
  });
});
