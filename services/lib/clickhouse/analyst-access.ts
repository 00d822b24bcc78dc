import { WardenError } from '../errors.ts';
import type { ClickHouseClient } from './client.ts';

/**
 * Read-only ClickHouse access for a data team, limited to one tenant's rows: a role with SELECT on
 * every table that carries `tenant_id`, a row policy per such table (`tenant_id = '<tenant>'`), and
 * optionally a user holding that role with `readonly = 1`. Statements are idempotent (IF NOT EXISTS)
 * and take ON CLUSTER for the Altinity installation, so the same source serves both deployments.
 *
 * Why generated, not a numbered migration: tenants are data, not schema; a new tenant gets its
 * analyst access when it is onboarded, and a new table with `tenant_id` is covered by the next run
 * because the table list is read from system.columns (tenantTables), never written by hand.
 *
 * Where it runs: SQL-driven access control needs a writable access storage (`local_directory` or
 * `replicated` in user_directories) and a user with `access_management`. A production server or the
 * Altinity installation has both; the embedded engine of the local stack (chDB) has only `users_xml`
 * and refuses CREATE ROLE, so locally the statements are checked by the ClickHouse parser only.
 */
export interface AnalystAccessOptions {
  readonly database: string;
  readonly tenantId: string;
  /** Creates this user with the role (readonly = 1); without it only the role and policies. */
  readonly user?: { readonly name: string; readonly passwordSha256Hex: string };
  /** Adds ON CLUSTER to every statement (the Altinity ClickHouseInstallation's cluster name). */
  readonly cluster?: string;
}

// Trusted configuration text (operator-supplied ids), not agent content: native RegExp is fine.
const ID = /^[A-Za-z0-9._-]{1,64}$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** The role name for a tenant's analysts: tenant ids may hold `.` and `-`, identifiers may not. */
export function analystRole(tenantId: string): string {
  // Tenant ids come from the operator running the generator, not from agent content.
  return `warden_analyst_${tenantId.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

// Quotes the operator's tenant ids and password hashes (trusted text, never agent content).
function literal(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function checked(o: AnalystAccessOptions, tables: readonly string[]): void {
  const problems: string[] = [];
  if (!ID.test(o.tenantId)) problems.push(`tenant id ${JSON.stringify(o.tenantId)}: letters, digits, . _ - only`);
  if (!IDENT.test(o.database)) problems.push(`database ${JSON.stringify(o.database)} is not a plain identifier`);
  if (o.cluster !== undefined && !IDENT.test(o.cluster)) problems.push(`cluster ${JSON.stringify(o.cluster)}`);
  if (o.user && !IDENT.test(o.user.name))
    problems.push(`user ${JSON.stringify(o.user.name)} is not a plain identifier`);
  if (o.user && !HEX64.test(o.user.passwordSha256Hex)) problems.push('user password: 64 lowercase hex (sha256)');
  for (const t of tables) if (!IDENT.test(t)) problems.push(`table ${JSON.stringify(t)} is not a plain identifier`);
  if (tables.length === 0) problems.push('no tables with a tenant_id column');
  if (problems.length > 0) throw new WardenError('CONFIG_INVALID', `analyst access:\n  - ${problems.join('\n  - ')}`);
}

/** The statements, in order: role, grants, one row policy per table, then the user if asked for. */
export function analystAccessStatements(tables: readonly string[], o: AnalystAccessOptions): string[] {
  checked(o, tables);
  const role = analystRole(o.tenantId);
  const onCluster = o.cluster ? ` ON CLUSTER ${o.cluster}` : '';
  const out = [`CREATE ROLE IF NOT EXISTS ${role}${onCluster}`];
  for (const t of tables) out.push(`GRANT${onCluster} SELECT ON ${o.database}.${t} TO ${role}`);
  for (const t of tables) {
    // Permissive and scoped to the role: other users (the services) keep seeing every row.
    out.push(
      `CREATE ROW POLICY IF NOT EXISTS ${role}_${t}${onCluster} ON ${o.database}.${t} ` +
        `FOR SELECT USING tenant_id = ${literal(o.tenantId)} AS PERMISSIVE TO ${role}`,
    );
  }
  if (o.user) {
    out.push(
      `CREATE USER IF NOT EXISTS ${o.user.name}${onCluster} IDENTIFIED WITH sha256_hash BY ${literal(o.user.passwordSha256Hex)} ` +
        `DEFAULT ROLE ${role} SETTINGS readonly = 1`,
      `GRANT${onCluster} ${role} TO ${o.user.name}`,
    );
  }
  return out;
}

/** Tables (not views) of a database that hold a `tenant_id` column: what the policies must cover. */
export async function tenantTables(ch: ClickHouseClient, database: string): Promise<string[]> {
  const rows = await (
    await ch.query({
      query: `SELECT DISTINCT c.table AS table FROM system.columns AS c
              INNER JOIN system.tables AS t ON t.database = c.database AND t.name = c.table
              WHERE c.database = {db:String} AND c.name = 'tenant_id' AND t.engine NOT IN ('View', 'MaterializedView')
              ORDER BY table`,
      query_params: { db: database },
      format: 'JSONEachRow',
    })
  ).json<{ table: string }>();
  return rows.map((r) => r.table);
}
