import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WardenError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { type ClickHouseConnection, createClickHouse } from './client.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../schemas/clickhouse/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** Files named NNN_description.sql, applied in numeric order; statements separated by a line ending in `;`. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      // Native RegExp on trusted text: file names of the repository's own migrations folder.
      const match = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match)
        throw new WardenError('CLICKHOUSE_MIGRATION_FAILED', `bad migration file name ${file} (want NNN_name.sql)`);
      const sql = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(match[1]),
        name: match[2]!,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    })
    .sort((a, b) => a.version - b.version);
}

// Native RegExp is fine here: migration files are our own reviewed SQL, never agent content.
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m) // trusted text: our own migration files, never agent content
    .map((s) =>
      s
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((s) => s.length > 0);
}

/**
 * Applies pending migrations once each. Every statement is idempotent (IF NOT EXISTS), so a run
 * interrupted half-way is finished by the next one; an edited, already-applied file is refused.
 */
export async function migrate(conn: ClickHouseConnection, log: Logger): Promise<number[]> {
  const db = conn.CLICKHOUSE_DATABASE;
  const root = createClickHouse(conn, null);
  try {
    await root.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
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
    await ch.command({
      query: `CREATE TABLE IF NOT EXISTS schema_migrations (
        version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
      ) ENGINE = MergeTree ORDER BY version`,
    });
    const applied = await (
      await ch.query({ query: 'SELECT version, checksum FROM schema_migrations', format: 'JSONEachRow' })
    ).json<{ version: number; checksum: string }>();
    const done = new Map(applied.map((r) => [Number(r.version), r.checksum]));
    const ran: number[] = [];
    for (const m of loadMigrations()) {
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
      for (const statement of splitStatements(m.sql)) {
        try {
          await ch.command({ query: statement });
        } catch (err) {
          throw new WardenError('CLICKHOUSE_MIGRATION_FAILED', `${m.version}_${m.name}: ${(err as Error).message}`, {
            cause: err,
          });
        }
      }
      await ch.insert({
        table: 'schema_migrations',
        values: [{ version: m.version, name: m.name, checksum: m.checksum }],
        format: 'JSONEachRow',
      });
      log.info({ migration: `${m.version}_${m.name}` }, 'applied ClickHouse migration');
      ran.push(m.version);
    }
    return ran;
  } finally {
    await ch.close();
  }
}
