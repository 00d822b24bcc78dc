import { describe, expect, it } from 'vitest';
import { Admission } from '../../../deploy/local/clickhouse-server/admission.ts';
import { loadConfig } from '../../../deploy/local/clickhouse-server/config.ts';
import { httpStatusForCode, toClickHouseError } from '../../../deploy/local/clickhouse-server/errors.ts';
import { unescapeParam } from '../../../deploy/local/clickhouse-server/http-request.ts';
import {
  insertFromInfile,
  isSelectLike,
  parseFastInsert,
  trailingFormat,
} from '../../../deploy/local/clickhouse-server/query-text.ts';
import { WardenError } from '../../../services/lib/errors.ts';

describe('config', () => {
  it('applies defaults and resolves the data dir against cwd', () => {
    const c = loadConfig({}, '/srv/warden');
    expect(c).toMatchObject({ httpHost: '127.0.0.1', httpPort: 8123, dataDir: '/srv/warden/.warden/data/clickhouse' });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reports every invalid variable in one error', () => {
    let err: unknown;
    try {
      loadConfig({ CLICKHOUSE_HTTP_PORT: 'eighty', CLICKHOUSE_MAX_BODY_BYTES: '-1', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WardenError);
    expect((err as WardenError).code).toBe('CONFIG_INVALID');
    for (const name of ['CLICKHOUSE_HTTP_PORT', 'CLICKHOUSE_MAX_BODY_BYTES', 'LOG_LEVEL']) {
      expect((err as Error).message).toContain(name);
    }
  });
});

describe('query routing', () => {
  it('recognises the INSERT clickhouse-js sends as a raw-bytes insert', () => {
    expect(parseFastInsert('INSERT INTO db.events (id, agent) FORMAT JSONEachRow')).toEqual({
      table: 'db.events',
      columns: ['id', 'agent'],
      format: 'JSONEachRow',
    });
    expect(parseFastInsert('INSERT INTO t FORMAT RowBinary')).toBeUndefined();
    expect(parseFastInsert('INSERT INTO `odd name` FORMAT JSONEachRow')).toBeUndefined();
  });

  it('rewrites other INSERT … FORMAT statements to read a server temp file', () => {
    expect(insertFromInfile('INSERT INTO t SETTINGS async_insert=1 FORMAT Native', '/tmp/x.body')).toBe(
      "INSERT INTO t FROM INFILE '/tmp/x.body' SETTINGS async_insert=1 FORMAT Native",
    );
    expect(insertFromInfile('INSERT INTO t VALUES', '/tmp/x')).toBeUndefined();
  });

  it('finds the format a query names and whether it is a SELECT', () => {
    expect(trailingFormat('SELECT 1 FORMAT JSONCompact;')).toBe('JSONCompact');
    expect(trailingFormat('SELECT 1')).toBeUndefined();
    expect(isSelectLike('/* c */ (WITH 1 AS x SELECT x)')).toBe(true);
    expect(isSelectLike('-- c\nINSERT INTO t SELECT 1')).toBe(false);
  });

  it("undoes ClickHouse's escaping of parameter values", () => {
    expect(unescapeParam("a\\tb\\\\c\\'d")).toBe("a\tb\\c'd");
    expect(unescapeParam('\\N')).toBeNull();
    expect(unescapeParam('plain')).toBe('plain');
  });
});

describe('errors', () => {
  it('lifts the code out of an engine message and maps it like the real server', () => {
    const e = toClickHouseError(new Error('Code: 60. DB::Exception: Unknown table t. (UNKNOWN_TABLE)'));
    expect(e.code).toBe(60);
    expect(e.httpStatus).toBe(404);
    expect(httpStatusForCode(62)).toBe(400);
    expect(httpStatusForCode(516)).toBe(403);
    expect(httpStatusForCode(241)).toBe(500);
  });
});

describe('admission', () => {
  it('refuses with TOO_MANY_SIMULTANEOUS_QUERIES once running and queued slots are full', async () => {
    const a = new Admission(1, 1);
    const release1 = await a.acquire();
    const queued = a.acquire();
    const refused = await a.acquire().catch((e: unknown) => e);
    expect(toClickHouseError(refused).code).toBe(202);
    expect(toClickHouseError(refused).httpStatus).toBe(503);
    release1();
    const release2 = await queued;
    expect(a.running).toBe(1);
    release2();
    expect(a.running).toBe(0);
  });
});
