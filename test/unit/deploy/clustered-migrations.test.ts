import { queryBind } from 'chdb';
import { describe, expect, it } from 'vitest';
import { clusteredMigrations, clusteredPreamble } from '../../../services/lib/clickhouse/clustered-migrations.ts';
import { loadMigrations, type Migration, splitStatements } from '../../../services/lib/clickhouse/migrate.ts';

/**
 * No ClickHouse cluster runs here, so every clustered statement is checked by the real ClickHouse
 * parser (chDB's formatQuery, the engine the local stack serves), and its shape is compared with the
 * single-node statement it came from.
 */
const format = (sql: string): string => queryBind('SELECT formatQuery({q:String})', { q: sql }, 'TSVRaw').trimEnd();
// TSVRaw keeps the formatted text as it is, with its line breaks written as `\n`.
const formatted = (sql: string) => format(sql).replaceAll('\\n', '\n').replaceAll("\\'", "'");

const migrations = loadMigrations();
const clustered = clusteredMigrations(migrations);
const all = [...clusteredPreamble('warden'), ...clustered.flatMap((m) => m.statements)];

/** Tables the single-node migrations create, with their formatted column list. */
function singleNodeTables(ms: readonly Migration[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of ms) {
    for (const s of splitStatements(m.sql)) {
      const name = /^CREATE TABLE IF NOT EXISTS (\w+)/.exec(s)?.[1];
      if (name) out.set(name, columnsOf(formatted(s)));
    }
  }
  return out;
}

/** The formatted column list: between the first "(" line and the ENGINE line. */
function columnsOf(formattedCreate: string): string {
  const start = formattedCreate.indexOf('(\n');
  const end = formattedCreate.indexOf('\nENGINE');
  return formattedCreate.slice(start, end);
}

describe('clustered migrations', () => {
  it('every statement parses with the real ClickHouse parser', () => {
    expect(all.length).toBeGreaterThan(20);
    for (const statement of all) {
      expect(() => format(statement), statement.slice(0, 120)).not.toThrow();
    }
  });

  it('rejects what the parser rejects (the check can fail)', () => {
    expect(() => format('CREATE TABLE x ON CLUSTER (a String) ENGINE = ')).toThrow();
  });

  it('every DDL statement runs ON CLUSTER; only backfill inserts do not', () => {
    for (const statement of all) {
      const f = formatted(statement);
      if (f.startsWith('INSERT INTO')) continue;
      expect(f, f.slice(0, 120)).toContain('ON CLUSTER `{cluster}`');
    }
  });

  it('each single-node table becomes a replicated local table with the same columns and a Distributed table', () => {
    const tables = singleNodeTables(migrations);
    expect(tables.size).toBeGreaterThanOrEqual(10);
    const byName = new Map<string, string>();
    for (const s of all) {
      const f = formatted(s);
      const name = /^CREATE TABLE IF NOT EXISTS (\w+)/.exec(f)?.[1];
      if (name) byName.set(name, f);
    }
    for (const [table, columns] of tables) {
      const local = byName.get(`${table}_local`);
      const distributed = byName.get(table);
      expect(local, `${table}_local`).toBeDefined();
      expect(distributed, table).toBeDefined();
      expect(local).toMatch(
        new RegExp(
          `ENGINE = Replicated\\w*MergeTree\\('/clickhouse/tables/\\{shard\\}/\\{database\\}/${table}_local', '\\{replica\\}'`,
        ),
      );
      expect(local).not.toContain('non_replicated_deduplication_window');
      expect(columnsOf(local!)).toBe(columns);
      expect(distributed).toContain(`AS ${table}_local`);
      expect(distributed).toMatch(
        new RegExp(`ENGINE = Distributed\\('\\{cluster\\}', currentDatabase\\(\\), '${table}_local', cityHash64\\(`),
      );
    }
  });

  it("shards by the sorting-key prefix, so copies and an agent's rollups share a shard", () => {
    const key = (table: string) =>
      all.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${table} `))?.match(/cityHash64\(([^)]*)\)/)?.[1];
    expect(key('events')).toBe('tenant_id, agent_id');
    expect(key('findings')).toBe('tenant_id, agent_id');
    expect(key('verdicts')).toBe('tenant_id, agent_id');
    expect(key('agent_activity_daily')).toBe('tenant_id, agent_id');
    expect(key('audit_log')).toBe('stream');
    expect(key('incidents')).toBe('tenant_id, incident_id');
  });

  it('materialized views read and write local tables on every host', () => {
    const views = all.filter((s) => s.startsWith('CREATE MATERIALIZED VIEW'));
    expect(views.length).toBeGreaterThanOrEqual(2);
    for (const v of views) {
      const f = formatted(v);
      expect(f).toMatch(/ TO \w+_local/);
      const sources = [...f.matchAll(/\bFROM (\w+)/g)].map((m) => m[1]);
      expect(sources.length).toBeGreaterThan(0);
      for (const s of sources) expect(s).toMatch(/_local$/);
    }
  });

  it('keeps the source checksum, so the single-node runner skips what the cluster runner applied', () => {
    expect(clustered.map((m) => [m.version, m.checksum])).toEqual(migrations.map((m) => [m.version, m.checksum]));
  });

  it('transforms column changes, access entities, row policies and grants of later migrations', () => {
    const extra: Migration = {
      version: 999,
      name: 'extra',
      checksum: 'x',
      sql: [
        'CREATE TABLE IF NOT EXISTS t (tenant_id String, ts DateTime) ENGINE = MergeTree ORDER BY (tenant_id, ts);',
        "ALTER TABLE t ADD COLUMN IF NOT EXISTS c String DEFAULT '';",
        'ALTER TABLE t MODIFY TTL ts + INTERVAL 1 DAY;',
        'CREATE ROLE IF NOT EXISTS warden_analyst;',
        'GRANT SELECT ON t TO warden_analyst;',
        "CREATE ROW POLICY IF NOT EXISTS tenant_acme ON t FOR SELECT USING tenant_id = 'acme' TO warden_analyst;",
      ].join('\n'),
    };
    const out = clusteredMigrations([extra])[0]!.statements;
    for (const s of out) expect(() => format(s), s).not.toThrow();
    expect(out).toContain("ALTER TABLE t_local ON CLUSTER '{cluster}' ADD COLUMN IF NOT EXISTS c String DEFAULT ''");
    expect(out).toContain("ALTER TABLE t ON CLUSTER '{cluster}' ADD COLUMN IF NOT EXISTS c String DEFAULT ''");
    expect(out.filter((s) => s.includes('MODIFY TTL'))).toEqual([
      "ALTER TABLE t_local ON CLUSTER '{cluster}' MODIFY TTL ts + INTERVAL 1 DAY",
    ]);
    expect(out).toContain("CREATE ROLE IF NOT EXISTS warden_analyst ON CLUSTER '{cluster}'");
    expect(out).toContain("GRANT ON CLUSTER '{cluster}' SELECT ON t_local TO warden_analyst");
    expect(
      out.some((s) => s.includes("ROW POLICY IF NOT EXISTS tenant_acme ON CLUSTER '{cluster}' ON t, t_local")),
    ).toBe(true);
  });

  it('names the migration when a statement kind has no clustered form', () => {
    const bad: Migration = { version: 998, name: 'bad', checksum: 'x', sql: 'OPTIMIZE TABLE events FINAL;' };
    expect(() => clusteredMigrations([bad])).toThrow(/998_bad: no clustered form/);
  });
});
