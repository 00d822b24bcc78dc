import type { ClickHouseSettings } from '@clickhouse/client';
import { WardenError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { type ClickHouseConnection, createClickHouse } from './client.ts';
import {
  type ClusteredMigration,
  type ClusterOptions,
  clusteredMigrations,
  clusteredPreamble,
  DEFAULT_CLUSTER_OPTIONS,
} from './clustered-migrations.ts';

/**
 * Applies the clustered variant of the migrations to a ClickHouse cluster (Altinity operator with
 * Keeper, deploy/clickhouse). It keeps the single-node runner's bookkeeping — the same
 * schema_migrations rows (version, name, checksum of the source file), in a table replicated to every
 * host — so `tsx services/provision/main.ts` run afterwards finds every version applied and only
 * creates topics and registers contracts. Run from the Helm chart's provisioning Job.
 */
export async function migrateCluster(
  conn: ClickHouseConnection,
  log: Logger,
  options: ClusterOptions = DEFAULT_CLUSTER_OPTIONS,
  migrations: readonly ClusteredMigration[] = clusteredMigrations(undefined, options),
): Promise<number[]> {
  const db = conn.CLICKHOUSE_DATABASE;
  // ON CLUSTER DDL waits for every host; an unreachable host fails the step instead of leaving it behind.
  const settings: ClickHouseSettings = {
    distributed_ddl_task_timeout: '300',
    distributed_ddl_output_mode: 'throw',
    // Backfill INSERT … SELECT through Distributed tables: written to the shards before the step ends
    // (the client's settings type knows the old name of distributed_foreground_insert).
    insert_distributed_sync: 1,
  };
  const root = createClickHouse(conn, null);
  try {
    for (const statement of clusteredPreamble(db, options)) {
      await root.command({ query: statement, clickhouse_settings: settings });
    }
  } catch (err) {
    throw new WardenError(
      'CLICKHOUSE_UNREACHABLE',
      `CLICKHOUSE_URL=${conn.CLICKHOUSE_URL}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  } finally {
    await root.close();
  }
  const ch = createClickHouse(conn);
  try {
    const applied = await (
      await ch.query({ query: 'SELECT version, checksum FROM schema_migrations', format: 'JSONEachRow' })
    ).json<{ version: number; checksum: string }>();
    const done = new Map(applied.map((r) => [Number(r.version), r.checksum]));
    const ran: number[] = [];
    for (const m of migrations) {
      const prior = done.get(m.version);
      if (prior !== undefined) {
        if (prior !== m.checksum) {
          throw new WardenError(
            'CLICKHOUSE_MIGRATION_FAILED',
            `migration ${m.version}_${m.name} was edited after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      for (const statement of m.statements) {
        try {
          await ch.command({ query: statement, clickhouse_settings: settings });
        } catch (err) {
          throw new WardenError(
            'CLICKHOUSE_MIGRATION_FAILED',
            `${m.version}_${m.name} (clustered): ${(err as Error).message}`,
            { cause: err },
          );
        }
      }
      await ch.insert({
        table: 'schema_migrations',
        values: [{ version: m.version, name: m.name, checksum: m.checksum }],
        format: 'JSONEachRow',
      });
      log.info({ migration: `${m.version}_${m.name}`, statements: m.statements.length }, 'applied clustered migration');
      ran.push(m.version);
    }
    return ran;
  } finally {
    await ch.close();
  }
}
