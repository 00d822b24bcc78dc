import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { ulid } from 'ulid';
import type { AuditEntry } from '../../lib/audit/hash-chain.ts';
import { WardenError } from '../../lib/errors.ts';
import type { Incident, IncidentStore } from '../incident-store.ts';
import { buildDraft } from '../notification-draft.ts';
import {
  type Clock,
  hasOverdue,
  incidentClocks,
  isStageOf,
  REGIME_FLAG,
  REGIMES,
  type Regime,
  STAGES,
  type Stage,
} from '../regulatory-clocks.ts';
import { principalOf } from '../request-principal.ts';

export interface IncidentRoutesOptions {
  store: IncidentStore;
  /** The audit log (services/lib/audit/audit-log.ts); every change is appended before it is stored. */
  audit: { append(stream: string, entry: AuditEntry): Promise<unknown> };
  now?: () => number;
}

export interface IncidentOpenRequest {
  title: string;
  description?: string;
  detected_at?: string;
  agent_ids?: string[];
  finding_ids?: string[];
  gdpr_personal_data_breach?: boolean;
  nis2_significant?: boolean;
  dora_major_ict?: boolean;
}

export interface IncidentClassification {
  gdpr_personal_data_breach?: boolean;
  nis2_significant?: boolean;
  dora_major_ict?: boolean;
  classified_at?: string;
}

export interface IncidentNotificationRecord {
  regime: Regime;
  stage: Stage;
  sent_at?: string;
  reference?: string;
}

/** An incident as the API answers it: the stored fields plus its clocks at the time of the answer. */
export type IncidentView = Incident & { clocks: Clock[]; overdue: boolean };

function loadSchema(name: string): Record<string, unknown> {
  const url = new URL(`../../../schemas/json/${name}.schema.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

export const INCIDENT_SCHEMAS = {
  open: loadSchema('incident-open'),
  classification: loadSchema('incident-classification'),
  notification: loadSchema('incident-notification'),
} as const;

const READERS = ['analyst', 'approver', 'admin'] as const;
const WRITERS = ['analyst', 'admin'] as const;
const ID_PARAMS = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;
const LIST_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { overdue: { type: 'boolean' } },
} as const;
const DRAFT_QUERY = {
  type: 'object',
  additionalProperties: false,
  required: ['regime'],
  properties: {
    regime: { type: 'string', enum: [...REGIMES] },
    stage: { type: 'string', minLength: 1, maxLength: 50 },
  },
} as const;

export const incidentStream = (tenant: string) => `tenant:${tenant}/incidents`;

/** The clocks of an incident at `now` (from its stored times and recorded notifications). */
export function clocksOf(incident: Incident, now: number): Clock[] {
  const ms = (s: string | null) => (s === null ? null : Date.parse(s));
  return incidentClocks(
    {
      detected_at: Date.parse(incident.detected_at),
      classified_at: {
        gdpr: incident.gdpr_personal_data_breach ? ms(incident.classified_at.gdpr) : null,
        nis2: incident.nis2_significant ? ms(incident.classified_at.nis2) : null,
        dora: incident.dora_major_ict ? ms(incident.classified_at.dora) : null,
      },
      notifications: incident.notifications.map((n) => ({
        regime: n.regime,
        stage: n.stage,
        sent_at: Date.parse(n.sent_at),
      })),
    },
    now,
  );
}

export function viewOf(incident: Incident, now: number): IncidentView {
  const clocks = clocksOf(incident, now);
  return { ...incident, clocks, overdue: hasOverdue(clocks) };
}

/** Parses an optional ISO time of the body; refuses one in the future (beyond a minute of skew). */
function timeOf(value: string | undefined, now: number, field: string): number {
  if (value === undefined) return now;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new WardenError('API_INVALID_REQUEST', `${field}: not a date-time`);
  if (ms > now + 60_000) throw new WardenError('API_INVALID_REQUEST', `${field}: in the future`);
  return ms;
}

/**
 * Incidents with regulatory clocks (docs/incidents.md): open, list, show, classify, record a
 * notification, draft a notification. Every change goes to the audit log (stream
 * `tenant:<id>/incidents`) before the new version is stored.
 */
export async function incidentRoutes(app: FastifyInstance, opts: IncidentRoutesOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  // Changes to one incident are serialized in this process so no version is lost between read and write.
  const locks = new Map<string, Promise<unknown>>();
  const serialized = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = locks.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    locks.set(key, tail);
    void tail.then(() => {
      if (locks.get(key) === tail) locks.delete(key);
    });
    return next;
  };

  const load = async (tenant: string, id: string): Promise<Incident> => {
    const incident = await opts.store.get(tenant, id);
    // Another tenant's incident is "not found", never "forbidden".
    if (incident === null) throw new WardenError('API_NOT_FOUND', `incident ${id}`);
    return incident;
  };

  const change = async (incident: Incident, actor: string, action: string, payload: Record<string, unknown>) => {
    await opts.audit.append(incidentStream(incident.tenant_id), {
      actor,
      action,
      subject: incident.incident_id,
      payload: { version: incident.version, ...payload } as AuditEntry['payload'],
    });
    await opts.store.save(incident);
  };

  app.post<{ Body: IncidentOpenRequest }>(
    '/v1/incidents',
    { config: { roles: WRITERS }, schema: { body: INCIDENT_SCHEMAS.open } },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body;
      const t = now();
      const detected = timeOf(body.detected_at, t, 'detected_at');
      const findingIds = body.finding_ids ?? [];
      const found = await opts.store.findings(principal.tenantId, findingIds);
      const foundIds = new Set(found.map((f) => f.finding_id));
      const missing = findingIds.filter((id) => !foundIds.has(id));
      if (missing.length > 0) {
        throw new WardenError(
          'INCIDENT_FINDINGS_UNKNOWN',
          `${missing.length} of ${findingIds.length}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
        );
      }
      const agents = new Set([...(body.agent_ids ?? []), ...found.map((f) => f.agent_id)]);
      const at = new Date(t).toISOString();
      const classifiedAt = (flag: boolean | undefined) => (flag ? at : null);
      const incident: Incident = {
        tenant_id: principal.tenantId,
        incident_id: `inc_${ulid(t)}`,
        version: 1,
        title: body.title,
        description: body.description ?? '',
        detected_at: new Date(detected).toISOString(),
        opened_by: principal.keyId,
        opened_at: at,
        updated_at: at,
        agent_ids: [...agents].sort(),
        finding_ids: [...findingIds].sort(),
        gdpr_personal_data_breach: body.gdpr_personal_data_breach ?? false,
        nis2_significant: body.nis2_significant ?? false,
        dora_major_ict: body.dora_major_ict ?? false,
        classified_at: {
          gdpr: classifiedAt(body.gdpr_personal_data_breach),
          nis2: classifiedAt(body.nis2_significant),
          dora: classifiedAt(body.dora_major_ict),
        },
        notifications: [],
      };
      await change(incident, principal.keyId, 'incident.opened', {
        detected_at: incident.detected_at,
        agent_ids: incident.agent_ids,
        finding_ids: incident.finding_ids,
        gdpr_personal_data_breach: incident.gdpr_personal_data_breach,
        nis2_significant: incident.nis2_significant,
        dora_major_ict: incident.dora_major_ict,
      });
      request.log.info({ incident_id: incident.incident_id, by: principal.keyId }, 'incident opened');
      return reply.code(201).send(viewOf(incident, t));
    },
  );

  app.get<{ Querystring: { overdue?: boolean } }>(
    '/v1/incidents',
    { config: { roles: READERS }, schema: { querystring: LIST_QUERY } },
    async (request) => {
      const { tenantId } = principalOf(request);
      const t = now();
      let incidents = (await opts.store.list(tenantId)).map((i) => viewOf(i, t));
      if (request.query.overdue !== undefined) incidents = incidents.filter((i) => i.overdue === request.query.overdue);
      return {
        tenant_id: tenantId,
        generated_at: new Date(t).toISOString(),
        count: incidents.length,
        overdue: incidents.filter((i) => i.overdue).length,
        incidents,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/incidents/:id',
    { config: { roles: READERS }, schema: { params: ID_PARAMS } },
    async (request) => {
      const { tenantId } = principalOf(request);
      return viewOf(await load(tenantId, request.params.id), now());
    },
  );

  app.post<{ Params: { id: string }; Body: IncidentClassification }>(
    '/v1/incidents/:id/classify',
    { config: { roles: WRITERS }, schema: { params: ID_PARAMS, body: INCIDENT_SCHEMAS.classification } },
    async (request) => {
      const principal = principalOf(request);
      return serialized(`${principal.tenantId}/${request.params.id}`, async () => {
        const prior = await load(principal.tenantId, request.params.id);
        const t = now();
        const at = timeOf(request.body.classified_at, t, 'classified_at');
        if (at < Date.parse(prior.detected_at)) {
          throw new WardenError('API_INVALID_REQUEST', 'classified_at: before detected_at');
        }
        const next: Incident = {
          ...prior,
          version: prior.version + 1,
          updated_at: new Date(t).toISOString(),
          classified_at: { ...prior.classified_at },
        };
        const changes: Record<string, boolean> = {};
        for (const regime of REGIMES) {
          const flag = REGIME_FLAG[regime];
          const value = request.body[flag];
          if (value === undefined || value === prior[flag]) continue;
          next[flag] = value;
          changes[flag] = value;
          // Setting a flag starts the regime's clocks; clearing it stops them (the time is dropped).
          next.classified_at[regime] = value ? new Date(at).toISOString() : null;
        }
        if (Object.keys(changes).length > 0) {
          await change(next, principal.keyId, 'incident.classified', {
            ...changes,
            classified_at: new Date(at).toISOString(),
          });
          return viewOf(next, t);
        }
        return viewOf(prior, t);
      });
    },
  );

  app.post<{ Params: { id: string }; Body: IncidentNotificationRecord }>(
    '/v1/incidents/:id/notifications',
    { config: { roles: WRITERS }, schema: { params: ID_PARAMS, body: INCIDENT_SCHEMAS.notification } },
    async (request, reply) => {
      const principal = principalOf(request);
      const { regime, stage, reference } = request.body;
      if (!isStageOf(regime, stage)) {
        throw new WardenError(
          'INCIDENT_NOTIFICATION_INVALID',
          `${regime} has no stage ${stage} (stages: ${STAGES[regime].join(', ')})`,
        );
      }
      return serialized(`${principal.tenantId}/${request.params.id}`, async () => {
        const prior = await load(principal.tenantId, request.params.id);
        if (!prior[REGIME_FLAG[regime]]) {
          throw new WardenError(
            'INCIDENT_NOTIFICATION_INVALID',
            `incident ${prior.incident_id} is not classified as ${REGIME_FLAG[regime]}; classify it first`,
          );
        }
        const t = now();
        const sent = timeOf(request.body.sent_at, t, 'sent_at');
        const record = {
          regime,
          stage,
          sent_at: new Date(sent).toISOString(),
          reference: reference ?? '',
          recorded_by: principal.keyId,
          recorded_at: new Date(t).toISOString(),
        };
        const next: Incident = {
          ...prior,
          version: prior.version + 1,
          updated_at: record.recorded_at,
          notifications: [...prior.notifications, record],
        };
        await change(next, principal.keyId, 'incident.notification_recorded', { ...record });
        return reply.code(201).send(viewOf(next, t));
      });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { regime: Regime; stage?: string } }>(
    '/v1/incidents/:id/draft',
    { config: { roles: READERS }, schema: { params: ID_PARAMS, querystring: DRAFT_QUERY } },
    async (request) => {
      const { tenantId } = principalOf(request);
      const { regime } = request.query;
      const stage = request.query.stage ?? STAGES[regime][0];
      if (!isStageOf(regime, stage)) {
        throw new WardenError(
          'INCIDENT_NOTIFICATION_INVALID',
          `${regime} has no stage ${stage} (stages: ${STAGES[regime].join(', ')})`,
        );
      }
      const incident = await load(tenantId, request.params.id);
      const t = now();
      const evidence = await opts.store.evidence(tenantId, incident);
      return buildDraft({ incident, regime, stage, clocks: clocksOf(incident, t), evidence, now: t });
    },
  );
}
