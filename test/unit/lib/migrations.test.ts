import { describe, expect, it } from 'vitest';
import { loadMigrations, splitStatements } from '../../../services/lib/clickhouse/migrate.ts';

describe('ClickHouse migrations', () => {
  it('are numbered, ordered and idempotent', () => {
    const migrations = loadMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.map((m) => m.version)).toEqual([...migrations.map((m) => m.version)].sort((a, b) => a - b));
    for (const m of migrations) {
      for (const statement of splitStatements(m.sql)) {
        // A backfill may run twice (a run interrupted after it): only into rollups whose every
        // aggregate is idempotent (min, max, argMax, distinct sets, uniq), never into raw tables.
        expect(statement, `${m.version}_${m.name}`).toMatch(
          /^(CREATE (TABLE|MATERIALIZED VIEW|VIEW) IF NOT EXISTS|ALTER TABLE .* IF NOT EXISTS|INSERT INTO (agent_activity_daily|agent_finding_types)\s+SELECT)/,
        );
      }
    }
  });

  it('split statements on semicolons at line ends and drop comments', () => {
    expect(splitStatements('-- note\nCREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = Memory;\n\nSELECT 1;\n')).toEqual([
      'CREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = Memory',
      'SELECT 1',
    ]);
  });
});
