import { WardenError } from '../errors.ts';
import { loadMigrations, type Migration, splitStatements } from './migrate.ts';

/**
 * The clustered variant of the migrations in schemas/clickhouse, derived from the same files so the
 * single-node and the clustered schema cannot drift apart (docs/operations.md, deploy/clickhouse).
 *
 * For every table `t` of a migration the cluster gets
 * - `t_local`: the same columns, keys and TTL on a Replicated*MergeTree engine whose ZooKeeper (Keeper)
 *   path carries the `{shard}` macro, created `ON CLUSTER` on every host;
 * - `t`: a Distributed table over `t_local` with the original name, so the services' SQL (inserts and
 *   queries) runs unchanged against any node.
 * Materialized views are created on every host, reading and writing the local tables, so each shard
 * rolls up its own rows. Everything else (INSERT … SELECT backfills) runs once through the
 * Distributed tables.
 *
 * Sharding keys: ReplacingMergeTree and AggregatingMergeTree collapse rows with the same sorting key
 * only within one shard, so a table is sharded by a prefix of its sorting key (never by time): every
 * copy of a record, and every rollup row of an agent, lands on the shard of its first copy. Tenant and
 * agent come first in the sorting keys, so an agent's events, findings, verdicts and rollups share a
 * shard and the per-shard views see all of an agent's rows.
 *
 * The migration files are the repository's own reviewed SQL (never agent content), so the native
 * RegExps below run on trusted text only.
 */

export interface ClusterOptions {
  /** Cluster name in `ON CLUSTER` and `Distributed(...)`; the `{cluster}` macro by default. */
  readonly cluster: string;
  /** Suffix of the replicated local tables. */
  readonly localSuffix: string;
  /** Keeper path prefix of the replicated tables; `{shard}` and `{database}` are server macros. */
  readonly zooKeeperPrefix: string;
}

export const DEFAULT_CLUSTER_OPTIONS: ClusterOptions = Object.freeze({
  cluster: '{cluster}',
  localSuffix: '_local',
  zooKeeperPrefix: '/clickhouse/tables/{shard}/{database}',
});

/** Sharding keys that the sorting-key rule would choose badly: an audit stream's chain stays on one shard. */
const SHARDING_KEY_OVERRIDES: Readonly<Record<string, string>> = {
  audit_log: 'cityHash64(stream)',
  audit_checkpoints: 'cityHash64(stream)',
};

export interface ClusteredMigration {
  readonly version: number;
  readonly name: string;
  /** Checksum of the source migration: the bookkeeping row is the one the single-node runner writes. */
  readonly checksum: string;
  readonly statements: readonly string[];
}

interface TableInfo {
  readonly shardingKey: string;
}

const quote = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** Statements run before any migration: the database and the bookkeeping table, replicated to every host. */
export function clusteredPreamble(database: string, o: ClusterOptions = DEFAULT_CLUSTER_OPTIONS): string[] {
  const on = `ON CLUSTER ${quote(o.cluster)}`;
  return [
    `CREATE DATABASE IF NOT EXISTS ${database} ${on}`,
    // One replica per host across all shards (no {shard} in the path): whichever node a later
    // single-node `migrate()` asks sees every applied version and skips it.
    `CREATE TABLE IF NOT EXISTS ${database}.schema_migrations ${on}
(
    version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedMergeTree(${quote('/clickhouse/tables/all/{database}/schema_migrations')}, ${quote('{replica}')})
ORDER BY version`,
  ];
}

/** Every migration of schemas/clickhouse (or `migrations`) as clustered statements. */
export function clusteredMigrations(
  migrations: readonly Migration[] = loadMigrations(),
  o: ClusterOptions = DEFAULT_CLUSTER_OPTIONS,
): ClusteredMigration[] {
  const tables = new Map<string, TableInfo>();
  return migrations.map((m) => {
    const statements: string[] = [];
    for (const statement of splitStatements(m.sql)) {
      try {
        statements.push(...clusterStatement(statement, tables, o));
      } catch (err) {
        throw new WardenError(
          'CLICKHOUSE_MIGRATION_FAILED',
          `${m.version}_${m.name}: no clustered form for this statement (${(err as Error).message}); ` +
            'teach services/lib/clickhouse/clustered-migrations.ts the new statement kind',
          { cause: err },
        );
      }
    }
    return { version: m.version, name: m.name, checksum: m.checksum, statements };
  });
}

function clusterStatement(sql: string, tables: Map<string, TableInfo>, o: ClusterOptions): string[] {
  const head = sql.replace(/\s+/g, ' ').trim().toUpperCase();
  if (head.startsWith('CREATE TABLE')) return createTable(sql, tables, o);
  if (head.startsWith('CREATE MATERIALIZED VIEW')) return [createMaterializedView(sql, tables, o)];
  if (head.startsWith('INSERT INTO')) return [sql]; // once, through the Distributed tables
  if (head.startsWith('ALTER TABLE')) return alterTable(sql, tables, o);
  if (/^CREATE (ROLE|USER|SETTINGS PROFILE|QUOTA)\b/.test(head)) return [accessEntity(sql, o)];
  if (/^CREATE (ROW )?POLICY\b/.test(head)) return [rowPolicy(sql, tables, o)];
  if (/^(GRANT|REVOKE)\b/.test(head)) return grant(sql, tables, o);
  throw new Error(`unsupported statement: ${head.slice(0, 60)}`);
}

const CREATE_TABLE =
  /^CREATE TABLE IF NOT EXISTS (\w+)\s*\(([\s\S]*)\)\s*ENGINE\s*=\s*(\w*MergeTree)\s*(?:\(([^)]*)\))?([\s\S]*)$/i;

function createTable(sql: string, tables: Map<string, TableInfo>, o: ClusterOptions): string[] {
  const m = CREATE_TABLE.exec(sql.trim());
  if (!m) throw new Error('CREATE TABLE must read CREATE TABLE IF NOT EXISTS name (columns) ENGINE = *MergeTree');
  const [, name, columns, engine, engineArgs, rest] = m as unknown as [string, string, string, string, string, string];
  const local = `${name}${o.localSuffix}`;
  const replicatedArgs = [
    quote(`${o.zooKeeperPrefix}/${local}`),
    quote('{replica}'),
    ...(engineArgs?.trim() ? [engineArgs.trim()] : []),
  ].join(', ');
  // The single-node window is named for non-replicated tables; replicated ones deduplicate inserts
  // (the sink's insert_deduplication_token) through Keeper with this setting instead.
  const settings = rest.trim().replace(/\bnon_replicated_deduplication_window\b/g, 'replicated_deduplication_window');
  const shardingKey = SHARDING_KEY_OVERRIDES[name] ?? shardingKeyFor(columns, rest);
  tables.set(name, { shardingKey });
  const on = `ON CLUSTER ${quote(o.cluster)}`;
  return [
    `CREATE TABLE IF NOT EXISTS ${local} ${on}\n(${columns})\nENGINE = Replicated${engine}(${replicatedArgs})\n${settings}`,
    `CREATE TABLE IF NOT EXISTS ${name} ${on} AS ${local}\nENGINE = Distributed(${quote(o.cluster)}, currentDatabase(), ${quote(local)}, ${shardingKey})`,
  ];
}

/** cityHash64 of the sorting key's leading columns up to the first time column, at most two. */
function shardingKeyFor(columns: string, rest: string): string {
  const order = /ORDER BY\s*(?:\(([^)]*)\)|(\w+))/i.exec(rest);
  if (!order) throw new Error('a table without ORDER BY has no sharding key: add one to SHARDING_KEY_OVERRIDES');
  const keys = (order[1] ?? order[2] ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  const typeOf = (column: string) => new RegExp(`^\\s*${column}\\s+(\\S+)`, 'm').exec(columns)?.[1] ?? '';
  const picked: string[] = [];
  for (const k of keys) {
    if (picked.length === 2 || /^(Date|DateTime)/.test(typeOf(k))) break;
    picked.push(k);
  }
  if (picked.length === 0) throw new Error('the sorting key starts with a time column: add a sharding key override');
  return `cityHash64(${picked.join(', ')})`;
}

/** Rewrites references to migration tables (FROM t, JOIN t, TO t) to their local tables. */
function toLocal(sql: string, tables: Map<string, TableInfo>, o: ClusterOptions, keywords: string): string {
  return sql.replace(new RegExp(`\\b(${keywords})\\s+(\\w+)\\b`, 'gi'), (whole, kw: string, table: string) =>
    tables.has(table) ? `${kw} ${table}${o.localSuffix}` : whole,
  );
}

function createMaterializedView(sql: string, tables: Map<string, TableInfo>, o: ClusterOptions): string {
  const m = /^CREATE MATERIALIZED VIEW IF NOT EXISTS (\w+)\s+TO\s+(\w+)\s+AS\s+([\s\S]*)$/i.exec(sql.trim());
  if (!m) throw new Error('a materialized view must read CREATE MATERIALIZED VIEW IF NOT EXISTS v TO t AS SELECT');
  const [, view, target, select] = m as unknown as [string, string, string, string];
  if (!tables.has(target)) throw new Error(`view ${view} writes to ${target}, which no migration created`);
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${view} ON CLUSTER ${quote(o.cluster)} TO ${target}${o.localSuffix} AS ${toLocal(select, tables, o, 'FROM|JOIN')}`;
}

const COLUMN_ALTER = /^\s*(ADD|DROP|MODIFY|RENAME|COMMENT|CLEAR)\s+COLUMN\b/i;

function alterTable(sql: string, tables: Map<string, TableInfo>, o: ClusterOptions): string[] {
  const m = /^ALTER TABLE (\w+)\s+([\s\S]*)$/i.exec(sql.trim());
  if (!m) throw new Error('ALTER TABLE must name one table');
  const [, table, action] = m as unknown as [string, string, string];
  if (!tables.has(table)) throw new Error(`ALTER TABLE ${table}: no migration created that table`);
  const on = `ON CLUSTER ${quote(o.cluster)}`;
  const out = [`ALTER TABLE ${table}${o.localSuffix} ${on} ${action}`];
  // Column changes apply to the Distributed table too (it mirrors the columns); keys, TTL, indexes and
  // mutations belong to the data, i.e. to the local tables only.
  if (action.split(',').every((part) => COLUMN_ALTER.test(part))) out.push(`ALTER TABLE ${table} ${on} ${action}`);
  return out;
}

function accessEntity(sql: string, o: ClusterOptions): string {
  const m =
    /^(CREATE (?:ROLE|USER|SETTINGS PROFILE|QUOTA)\s+(?:IF NOT EXISTS\s+|OR REPLACE\s+)?[\w`"]+)([\s\S]*)$/i.exec(
      sql.trim(),
    );
  if (!m) throw new Error('access entity statement must name one entity');
  return `${m[1]} ON CLUSTER ${quote(o.cluster)}${m[2]}`;
}

/** A row policy filters the local tables (where the rows are) and the Distributed ones (what users query). */
function rowPolicy(sql: string, tables: Map<string, TableInfo>, o: ClusterOptions): string {
  const m = /^(CREATE (?:ROW )?POLICY\s+(?:IF NOT EXISTS\s+|OR REPLACE\s+)?[\w`"]+)\s+ON\s+([\w.]+)([\s\S]*)$/i.exec(
    sql.trim(),
  );
  if (!m) throw new Error('row policy must read CREATE ROW POLICY name ON table ...');
  const [, head, target, rest] = m as unknown as [string, string, string, string];
  const bare = target.includes('.') ? target.slice(target.indexOf('.') + 1) : target;
  const prefix = target.includes('.') ? target.slice(0, target.indexOf('.') + 1) : '';
  const targets = tables.has(bare) ? `${target}, ${prefix}${bare}${o.localSuffix}` : target;
  return `${head} ON CLUSTER ${quote(o.cluster)} ON ${targets}${rest}`;
}

function grant(sql: string, tables: Map<string, TableInfo>, o: ClusterOptions): string[] {
  const m = /^(GRANT|REVOKE)\s+([\s\S]*)$/i.exec(sql.trim());
  if (!m) throw new Error('GRANT/REVOKE statement expected');
  const [, verb, rest] = m as unknown as [string, string, string];
  const on = `${verb} ON CLUSTER ${quote(o.cluster)} `;
  const out = [`${on}${rest}`];
  const target = /\bON\s+(?:(\w+)\.)?(\w+)\b/i.exec(rest);
  if (target?.[2] && tables.has(target[2])) {
    const local = rest.replace(target[0], `ON ${target[1] ? `${target[1]}.` : ''}${target[2]}${o.localSuffix}`);
    out.push(`${on}${local}`);
  }
  return out;
}
