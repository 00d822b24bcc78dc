// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not JS templates.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  type VariableModel,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { CLICKHOUSE_PLUGIN, DATASOURCE } from './query.ts';

/** One generated dashboard: its file under dashboards/ and how it is built. */
export interface DashboardDefinition {
  /** File name in dashboards/ and of its preview in docs/dashboards/ (without extension). */
  slug: string;
  uid: string;
  title: string;
  build(): Dashboard;
}

/** Every warden dashboard carries this tag; the dashboards' link bar lists them by it. */
export const TAG = 'warden';

/** Where each dashboard lives in Grafana (`/d/<uid>/<slug>`), for links between them. */
export const UIDS = {
  fleet: 'warden-fleet-overview',
  detections: 'warden-detections',
  agent: 'warden-agent-drill-down',
  compliance: 'warden-compliance',
} as const;

export const SLUGS = {
  fleet: 'fleet-overview',
  detections: 'detections',
  agent: 'agent-drill-down',
  compliance: 'compliance',
} as const;

/** The tenant filter every panel applies (a filter, not access control: see dashboards/README.md). */
export const TENANT = 'tenant_id IN (${tenant:singlequote})';

/**
 * A link from a value to the Agent drill-down for that agent, keeping the tenant and the time range.
 * `field` is the clicked row's column holding the agent id.
 */
export function agentLink(field = 'agent_id') {
  return {
    title: 'Agent drill-down',
    url: `/d/${UIDS.agent}/${SLUGS.agent}?\${tenant:queryparam}&var-agent=\${__data.fields.${field}}&\${__url_time_range}`,
  };
}

export function datasourceVariable(): cog.Builder<VariableModel> {
  return new DatasourceVariableBuilder('datasource').label('ClickHouse').type(CLICKHOUSE_PLUGIN);
}

export function tenantVariable(): cog.Builder<VariableModel> {
  return new QueryVariableBuilder('tenant')
    .label('Tenant')
    .description('Tenants to show (the ClickHouse user may see fewer: row policies decide access).')
    .datasource(DATASOURCE)
    .query('SELECT DISTINCT tenant_id FROM agent_activity_daily ORDER BY tenant_id')
    .definition('SELECT DISTINCT tenant_id FROM agent_activity_daily ORDER BY tenant_id')
    .multi(true)
    .includeAll(true)
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.AlphabeticalAsc);
}

export interface DashboardOptions {
  uid: string;
  title: string;
  description: string;
  variables: cog.Builder<VariableModel>[];
  panels: cog.Builder<import('@grafana/grafana-foundation-sdk/dashboard').Panel>[];
  /** Default time range start, e.g. `now-6h`. */
  from?: string;
}

/** The shape every warden dashboard shares: tag, time range, refresh, variables, link bar. */
export function wardenDashboard(o: DashboardOptions): Dashboard {
  const b = new DashboardBuilder(o.title)
    .uid(o.uid)
    .description(o.description)
    .tags([TAG])
    .readonly()
    .timezone('utc')
    .time({ from: o.from ?? 'now-6h', to: 'now' })
    .refresh('1m')
    .tooltip(DashboardCursorSync.Crosshair)
    .variables(o.variables)
    // Every other warden dashboard, with this one's time range and variables carried over.
    .link(
      new DashboardLinkBuilder('warden')
        .type(DashboardLinkType.Dashboards)
        .tags([TAG])
        .asDropdown(false)
        .includeVars(true)
        .keepTime(true),
    );
  for (const p of o.panels) b.withPanel(p);
  return b.build();
}
