import { createHash } from 'node:crypto';
import { createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analystAccessStatements, analystRole, tenantTables } from '../../services/lib/clickhouse/analyst-access.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';

/**
 * A tenant's read-only analyst access (role, SELECT grants, row policies, user) on the migrated
 * schema of the real engine: the table list comes from the engine, every statement must pass the
 * ClickHouse parser, and where the engine has SQL access control the analyst sees its tenant's rows only.
 */
const env = isolatedEnv('analyst');
const log = createLogger('test', { level: 'warn' });
const pc = loadProvisionConfig(env);
const db = pc.CLICKHOUSE_DATABASE;

describe('analyst access per tenant', () => {
  let ch: ClickHouseClient;
  let tables: string[];

  beforeAll(async () => {
    await provision(pc, log);
    ch = createClickHouse(pc);
    tables = await tenantTables(ch, db);
  });

  afterAll(async () => {
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${db}` });
    await ch?.close();
  });

  const parse = async (sql: string) =>
    (
      await (
        await ch.query({
          query: 'SELECT formatQuery({q:String}) AS f',
          query_params: { q: sql },
          format: 'JSONEachRow',
        })
      ).json<{ f: string }>()
    )[0]!.f;

  it('covers every table of the migrated schema that holds tenant_id, and no view', async () => {
    for (const t of ['events', 'findings', 'verdicts', 'audit_log']) expect(tables).toContain(t);
    const views = await (
      await ch.query({
        query: `SELECT name FROM system.tables WHERE database = {db:String} AND engine IN ('View', 'MaterializedView')`,
        query_params: { db },
        format: 'JSONEachRow',
      })
    ).json<{ name: string }>();
    for (const v of views) expect(tables).not.toContain(v.name);
  });

  it('produces statements the ClickHouse parser accepts, single-node and ON CLUSTER', async () => {
    const user = { name: 'analyst_acme', passwordSha256Hex: createHash('sha256').update('pw').digest('hex') };
    for (const cluster of [undefined, 'warden']) {
      const sql = analystAccessStatements(tables, {
        database: db,
        tenantId: 'acme',
        user,
        ...(cluster ? { cluster } : {}),
      });
      // role + grant and policy per table + user + role grant
      expect(sql).toHaveLength(1 + 2 * tables.length + 2);
      for (const s of sql) {
        const formatted = await parse(s);
        expect(formatted.length, s).toBeGreaterThan(0);
        if (cluster) expect(formatted, s).toContain('ON CLUSTER warden');
      }
      const policies = sql.filter((s) => s.startsWith('CREATE ROW POLICY'));
      expect(policies.map((p) => p.split(' ON ')[cluster ? 2 : 1]!.split(' ')[0])).toEqual(
        tables.map((t) => `${db}.${t}`),
      );
      for (const p of policies) expect(await parse(p)).toContain(`tenant_id = 'acme'`);
    }
  });

  it('refuses tenant ids, users and tables that would change the SQL', () => {
    for (const tenantId of ["acme' OR 1=1 --", 'a b', '', 'x'.repeat(65)]) {
      expect(() => analystAccessStatements(tables, { database: db, tenantId })).toThrow(/analyst access/);
    }
    expect(() => analystAccessStatements(['events; DROP TABLE x'], { database: db, tenantId: 'acme' })).toThrow();
    expect(() =>
      analystAccessStatements(tables, { database: db, tenantId: 'acme', user: { name: 'u', passwordSha256Hex: "'" } }),
    ).toThrow();
    expect(analystRole('acme.eu-1')).toBe('warden_analyst_acme_eu_1');
  });

  it('shows the analyst only its tenant rows where the engine has SQL access control', async (ctx) => {
    const user = { name: `analyst_${db}`, passwordSha256Hex: createHash('sha256').update('analyst-pw').digest('hex') };
    const sql = analystAccessStatements(tables, { database: db, tenantId: 'acme', user });
    try {
      await ch.command({ query: sql[0]! });
    } catch (err) {
      // chDB (the local stack) has only the users_xml access storage: CREATE ROLE is refused there.
      expect(String((err as Error).message)).toMatch(/ACCESS_DENIED|Not enough privileges|storage/);
      ctx.skip();
    }
    const role = analystRole('acme');
    try {
      for (const s of sql.slice(1)) await ch.command({ query: s });
      await ch.command({
        query: `INSERT INTO ${db}.verdicts (verdict_id, event_id, tenant_id, agent_id) VALUES ('v1','e1','acme','a'), ('v2','e2','globex','b')`,
      });
      const analyst = createClient({ url: pc.CLICKHOUSE_URL, username: user.name, password: 'analyst-pw' });
      try {
        const rows = await (
          await analyst.query({ query: `SELECT tenant_id FROM ${db}.verdicts`, format: 'JSONEachRow' })
        ).json<{ tenant_id: string }>();
        expect(new Set(rows.map((r) => r.tenant_id))).toEqual(new Set(['acme']));
        await expect(analyst.command({ query: `TRUNCATE TABLE ${db}.verdicts` })).rejects.toThrow();
      } finally {
        await analyst.close();
      }
    } finally {
      await ch.command({ query: `DROP USER IF EXISTS ${user.name}` });
      for (const t of tables) await ch.command({ query: `DROP ROW POLICY IF EXISTS ${role}_${t} ON ${db}.${t}` });
      await ch.command({ query: `DROP ROLE IF EXISTS ${role}` });
    }
  });
});
