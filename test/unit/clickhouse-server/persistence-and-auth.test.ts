import { ClickHouseError, createClient } from '@clickhouse/client';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, tempDataDir } from './harness.ts';

const data = tempDataDir();
afterAll(() => data.remove());

describe('local ClickHouse server lifecycle', () => {
  it('keeps MergeTree data after the server restarts on the same data dir', async () => {
    const first = await startServer(data.dir);
    const c1 = createClient({ url: first.url });
    await c1.command({ query: 'CREATE TABLE kept (id UInt32) ENGINE = MergeTree ORDER BY id' });
    await c1.insert({ table: 'kept', format: 'JSONEachRow', values: [{ id: 1 }, { id: 2 }, { id: 3 }] });
    await c1.close();
    await first.close();

    const second = await startServer(data.dir);
    const c2 = createClient({ url: second.url });
    try {
      const rs = await c2.query({ query: 'SELECT count() AS c, sum(id) AS s FROM kept', format: 'JSONEachRow' });
      expect(await rs.json()).toEqual([{ c: 3, s: 6 }]);
    } finally {
      await c2.close();
      await second.close();
    }
  });

  it('rejects wrong credentials with AUTHENTICATION_FAILED (516) when a password is configured', async () => {
    const server = await startServer(data.dir, { CLICKHOUSE_USER: 'warden', CLICKHOUSE_PASSWORD: 's3cret' });
    const good = createClient({ url: server.url, username: 'warden', password: 's3cret' });
    const bad = createClient({ url: server.url, username: 'warden', password: 'nope' });
    try {
      const rs = await good.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' });
      expect(await rs.json()).toEqual([{ one: 1 }]);
      const err = await bad.query({ query: 'SELECT 1' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClickHouseError);
      expect((err as ClickHouseError).code).toBe('516');
      const viaHeaders = await fetch(`${server.url}/?query=SELECT+1`, {
        headers: { 'X-ClickHouse-User': 'warden', 'X-ClickHouse-Key': 's3cret' },
      });
      expect(await viaHeaders.text()).toBe('1\n');
      const anonymous = await fetch(`${server.url}/?query=SELECT+1`);
      expect(anonymous.status).toBe(403);
      expect(anonymous.headers.get('x-clickhouse-exception-code')).toBe('516');
      // Health checks stay open, as on the real server.
      expect((await fetch(`${server.url}/ping`)).status).toBe(200);
    } finally {
      await good.close();
      await bad.close();
      await server.close();
    }
  });
});
