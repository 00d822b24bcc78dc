/**
 * The clustered variant of schemas/clickhouse (ON CLUSTER, Replicated*MergeTree, Distributed tables),
 * produced by services/lib/clickhouse/clustered-migrations.ts from the same migration files.
 *
 *   npx tsx scripts/deploy-clustered-migrations.ts                  # print every statement
 *   npx tsx scripts/deploy-clustered-migrations.ts --out DIR        # one NNN_name.sql per migration
 *   npx tsx scripts/deploy-clustered-migrations.ts --apply          # apply to CLICKHOUSE_URL (a cluster)
 *   options: --cluster NAME (default the {cluster} macro), --database NAME (default CLICKHOUSE_DATABASE)
 *
 * --apply is what the Helm chart's provisioning Job runs before services/provision/main.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Type } from '@sinclair/typebox';
import { migrateCluster } from '../services/lib/clickhouse/clustered-migrate.ts';
import {
  clusteredMigrations,
  clusteredPreamble,
  DEFAULT_CLUSTER_OPTIONS,
} from '../services/lib/clickhouse/clustered-migrations.ts';
import { ConnectionEnv } from '../services/lib/connections.ts';
import { readEnv } from '../services/lib/env-config.ts';
import { isWardenError } from '../services/lib/errors.ts';
import { createLogger } from '../services/lib/logger.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    apply: { type: 'boolean', default: false },
    cluster: { type: 'string', default: DEFAULT_CLUSTER_OPTIONS.cluster },
    database: { type: 'string' },
  },
});

const log = createLogger('clustered-migrations');
try {
  const env = readEnv(Type.Object({ ...ConnectionEnv }));
  const options = { ...DEFAULT_CLUSTER_OPTIONS, cluster: values.cluster ?? DEFAULT_CLUSTER_OPTIONS.cluster };
  const database = values.database ?? env.CLICKHOUSE_DATABASE;
  const migrations = clusteredMigrations(undefined, options);
  if (values.apply) {
    const ran = await migrateCluster({ ...env, CLICKHOUSE_DATABASE: database }, log, options, migrations);
    log.info({ applied: ran, cluster: options.cluster, database }, 'clustered migrations applied');
  } else {
    const render = (statements: readonly string[]) => statements.map((s) => `${s};\n`).join('\n');
    const preamble = `-- Preamble: database and bookkeeping (run once per cluster)\n${render(clusteredPreamble(database, options))}`;
    if (values.out) {
      mkdirSync(values.out, { recursive: true });
      writeFileSync(join(values.out, '000_preamble.sql'), preamble);
      for (const m of migrations) {
        const file = `${String(m.version).padStart(3, '0')}_${m.name}.sql`;
        const header = `-- Generated from schemas/clickhouse/${file} by scripts/deploy-clustered-migrations.ts: do not edit.\n`;
        writeFileSync(join(values.out, file), header + render(m.statements));
      }
      process.stdout.write(`wrote ${migrations.length + 1} files to ${values.out}\n`);
    } else {
      process.stdout.write(`${preamble}\n`);
      for (const m of migrations) process.stdout.write(`-- ${m.version}_${m.name}\n${render(m.statements)}\n`);
    }
  }
} catch (err) {
  log.fatal({ err, code: isWardenError(err) ? err.code : undefined }, (err as Error).message);
  process.exit(1);
}
