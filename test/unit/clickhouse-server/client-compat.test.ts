import { gzipSync } from 'node:zlib';
import { type ClickHouseClient, ClickHouseError, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHttpServer } from '../../../deploy/local/clickhouse-server/server.ts';
import { startServer, tempDataDir } from './harness.ts';

const data = tempDataDir();
let server: ClickHouseHttpServer;
let client: ClickHouseClient;

beforeAll(async () => {
  server = await startServer(data.dir, { CLICKHOUSE_MAX_BODY_BYTES: String(1024 * 1024) });
  client = createClient({ url: server.url });
  await client.command({
    query: 'CREATE TABLE events (id UInt64, agent String, ts DateTime64(3)) ENGINE = MergeTree ORDER BY id',
  });
});

afterAll(async () => {
  await client?.close();
  await server?.close();
  data.remove();
});

describe('ClickHouse HTTP interface over chDB, driven by @clickhouse/client', () => {
  it('answers ping', async () => {
    const r = await client.ping();
    expect(r.success).toBe(true);
    const raw = await fetch(`${server.url}/ping`);
    expect(await raw.text()).toBe('Ok.\n');
  });

  it('inserts JSONEachRow rows and reads them back with bound query parameters', async () => {
    await client.insert({
      table: 'events',
      format: 'JSONEachRow',
      values: [
        { id: 1, agent: 'a-1', ts: '2026-01-01 00:00:00.000' },
        { id: 2, agent: "o'brien\\tab", ts: '2026-01-01 00:00:01.000' },
      ],
    });
    const rs = await client.query({
      query: 'SELECT id, agent FROM events WHERE agent = {agent:String} ORDER BY id',
      query_params: { agent: "o'brien\\tab" },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ id: 2, agent: "o'brien\\tab" }]);
  });

  it('applies clickhouse_settings to the query only', async () => {
    const rs = await client.query({
      query: "SELECT getSetting('max_threads') AS t, toUInt64(5) AS n",
      format: 'JSONEachRow',
      clickhouse_settings: { max_threads: 1, output_format_json_quote_64bit_integers: 1 },
    });
    expect(await rs.json()).toEqual([{ t: 1, n: '5' }]);
    const after = await client.query({ query: "SELECT getSetting('max_threads') = 1 AS same", format: 'JSONEachRow' });
    const [row] = await after.json<{ same: number }>();
    expect(row?.same).toBe(0);
  });

  it('parses DateTime input with date_time_input_format=best_effort', async () => {
    await client.insert({
      table: 'events',
      format: 'JSONEachRow',
      values: [{ id: 3, agent: 'iso', ts: '2026-01-02T03:04:05.678Z' }],
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
    const rs = await client.query({
      query: 'SELECT toString(ts) AS ts FROM events WHERE id = 3',
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ ts: '2026-01-02 03:04:05.678' }]);
  });

  it('runs commands and exec with a streamed result', async () => {
    await client.command({ query: 'CREATE TABLE IF NOT EXISTS scratch (n UInt32) ENGINE = Memory' });
    const r = await client.exec({ query: 'SELECT count() AS c FROM scratch FORMAT JSONEachRow' });
    let text = '';
    for await (const chunk of r.stream) text += chunk.toString();
    expect(JSON.parse(text)).toEqual({ c: 0 });
    expect(r.query_id).toMatch(/[0-9a-f-]{36}/);
  });

  it("returns ClickHouse's error code when a table is missing", async () => {
    const err = await client.query({ query: 'SELECT * FROM missing_table' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClickHouseError);
    expect((err as ClickHouseError).code).toBe('60');
    expect((err as ClickHouseError).type).toBe('UNKNOWN_TABLE');
    const raw = await fetch(`${server.url}/?query=SELECT+*+FROM+missing_table`);
    expect(raw.status).toBe(404);
    expect(raw.headers.get('x-clickhouse-exception-code')).toBe('60');
    expect(await raw.text()).toMatch(/^Code: 60\. DB::Exception: .*\(UNKNOWN_TABLE\) \(version 26\./);
  });

  it('maps a syntax error to HTTP 400 and code 62', async () => {
    const raw = await fetch(server.url, { method: 'POST', body: 'SELEC 1' });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('x-clickhouse-exception-code')).toBe('62');
  });

  it('serves 20 concurrent queries correctly', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const rs = await client.query({
          query: 'SELECT {i:UInt32} AS i, sum(number) AS s FROM numbers({n:UInt32})',
          query_params: { i, n: 1000 + i },
          format: 'JSONEachRow',
        });
        return (await rs.json<{ i: number; s: number }>())[0];
      }),
    );
    results.forEach((row, i) => {
      const n = 1000 + i;
      expect(row).toEqual({ i, s: (n * (n - 1)) / 2 });
    });
    // Each result is consumed inside its own task: an unread streamed response holds its socket,
    // exactly as with a real server, and the client has only 10 sockets.
    const plain = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const rs = await client.query({ query: `SELECT ${i} AS i`, format: 'JSONEachRow' });
        return (await rs.json<{ i: number }>())[0]?.i;
      }),
    );
    expect(plain).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('accepts gzip request bodies and gzips responses when asked', async () => {
    const gz = createClient({ url: server.url, compression: { request: true, response: true } });
    try {
      await gz.insert({
        table: 'events',
        format: 'JSONEachRow',
        values: Array.from({ length: 500 }, (_, i) => ({ id: 1000 + i, agent: 'gz', ts: '2026-01-01 00:00:00' })),
      });
      const rs = await gz.query({ query: "SELECT count() AS c FROM events WHERE agent = 'gz'", format: 'JSONEachRow' });
      expect(await rs.json()).toEqual([{ c: 500 }]);
    } finally {
      await gz.close();
    }
    const raw = await fetch(`${server.url}/?enable_http_compression=1&query=SELECT+1`, {
      headers: { 'Accept-Encoding': 'gzip' },
    });
    expect(raw.headers.get('content-encoding')).toBe('gzip');
    expect(await raw.text()).toBe('1\n'); // fetch inflates transparently
  });

  it('deduplicates a retried insert with insert_deduplication_token', async () => {
    await client.command({
      query:
        'CREATE TABLE dedup (id UInt32) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100',
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      await client.insert({
        table: 'dedup',
        format: 'JSONEachRow',
        values: [{ id: 1 }, { id: 2 }],
        clickhouse_settings: { insert_deduplication_token: 'batch-42' },
      });
    }
    const rs = await client.query({ query: 'SELECT count() AS c FROM dedup', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ c: 2 }]);
  });

  it('uses the database parameter for unqualified names', async () => {
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS other' });
    await client.command({ query: 'CREATE TABLE other.t (x UInt8) ENGINE = Memory' });
    const inOther = createClient({ url: server.url, database: 'other' });
    try {
      await inOther.insert({ table: 't', format: 'JSONEachRow', values: [{ x: 7 }] });
      const rs = await inOther.query({
        query: 'SELECT currentDatabase() AS d, sum(x) AS s FROM t',
        format: 'JSONEachRow',
      });
      expect(await rs.json()).toEqual([{ d: 'other', s: 7 }]);
    } finally {
      await inOther.close();
    }
  });

  it('streams a large result in full', async () => {
    const rs = await client.query({ query: 'SELECT number FROM numbers(300000)', format: 'JSONEachRow' });
    let rows = 0;
    let last = -1;
    for await (const batch of rs.stream<{ number: number }>()) {
      for (const row of batch) {
        last = Number(row.json().number);
        rows++;
      }
    }
    expect(rows).toBe(300000);
    expect(last).toBe(299999);
  });

  it('inserts a binary RowBinary body byte for byte', async () => {
    await client.command({ query: 'CREATE TABLE bin (a UInt32, s String) ENGINE = MergeTree ORDER BY a' });
    const src = await fetch(
      `${server.url}/?query=${encodeURIComponent("SELECT toUInt32(7) AS a, 'é\\0x' AS s FORMAT RowBinary")}`,
    );
    const bytes = Buffer.from(await src.arrayBuffer());
    const put = await fetch(`${server.url}/?query=${encodeURIComponent('INSERT INTO bin FORMAT RowBinary')}`, {
      method: 'POST',
      body: bytes,
    });
    expect(put.status).toBe(200);
    const rs = await client.query({ query: 'SELECT a, hex(s) AS h FROM bin', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ a: 7, h: 'C3A90078' }]);
  });

  it('refuses a body over CLICKHOUSE_MAX_BODY_BYTES with a ClickHouse error and keeps serving', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const raw = await fetch(`${server.url}/?query=${encodeURIComponent('INSERT INTO scratch FORMAT TSV')}`, {
      method: 'POST',
      body: big,
    });
    expect(raw.status).toBe(413);
    expect(raw.headers.get('x-clickhouse-exception-code')).toBe('393');
    expect((await client.ping()).success).toBe(true);
  });

  it('applies the body limit after gunzip and rejects a corrupt gzip body', async () => {
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x31));
    const raw = await fetch(`${server.url}/?query=${encodeURIComponent('INSERT INTO scratch FORMAT TSV')}`, {
      method: 'POST',
      body: bomb,
      headers: { 'Content-Encoding': 'gzip' },
    });
    expect(raw.status).toBe(413);
    const corrupt = await fetch(server.url, {
      method: 'POST',
      body: Buffer.from('not gzip at all'),
      headers: { 'Content-Encoding': 'gzip' },
    });
    expect(corrupt.status).toBe(400);
    expect(corrupt.headers.get('x-clickhouse-exception-code')).toBe('354');
  });

  it('survives invalid UTF-8 in a query body and in insert data', async () => {
    const badQuery = await fetch(server.url, {
      method: 'POST',
      body: Buffer.from([0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0x27, 0xff, 0xfe, 0x27]),
    });
    expect(badQuery.status).toBe(200);
    await fetch(`${server.url}/?query=${encodeURIComponent('INSERT INTO events FORMAT JSONEachRow')}`, {
      method: 'POST',
      body: Buffer.concat([Buffer.from('{"id":9,"agent":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","ts":0}\n')]),
    });
    expect((await client.ping()).success).toBe(true);
  });

  it('echoes the query id and sets ClickHouse response headers', async () => {
    const raw = await fetch(`${server.url}/?query_id=my-id&default_format=JSONCompactEachRow`, {
      method: 'POST',
      body: 'SELECT 1',
    });
    expect(raw.headers.get('x-clickhouse-query-id')).toBe('my-id');
    expect(raw.headers.get('x-clickhouse-format')).toBe('JSONCompactEachRow');
    expect(raw.headers.get('x-clickhouse-timezone')).toBe('UTC');
    expect(raw.headers.get('content-type')).toContain('application/x-ndjson');
    expect(JSON.parse(raw.headers.get('x-clickhouse-summary') ?? '{}')).toHaveProperty('read_rows');
    expect(await raw.text()).toBe('[1]\n');
  });

  it('keeps SET and temporary tables within one session_id', async () => {
    const s = createClient({ url: server.url, session_id: 'warden-test-session' });
    try {
      await s.command({ query: 'CREATE TEMPORARY TABLE tmp (x UInt8)' });
      await s.command({ query: 'INSERT INTO tmp VALUES (5)' });
      const rs = await s.query({ query: 'SELECT x FROM tmp', format: 'JSONEachRow' });
      expect(await rs.json()).toEqual([{ x: 5 }]);
    } finally {
      await s.close();
    }
    const err = await client.query({ query: 'SELECT x FROM tmp' }).catch((e: unknown) => e);
    expect((err as ClickHouseError).code).toBe('60');
  });
});
