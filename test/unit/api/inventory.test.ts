import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BODY_PROPERTIES, BODY_SCHEMAS } from '../../../services/api/bodies.ts';
import {
  AgentInventory,
  applyFilter,
  classesOfFindingTypes,
  mergeInventory,
  type TrafficRow,
} from '../../../services/api/inventory.ts';
import { bearer, fakeClickHouse, testServer } from './fakes.ts';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const WINDOW = 15 * 60_000;

function traffic(agent: string, over: Partial<TrafficRow> = {}): TrafficRow {
  return {
    agent_id: agent,
    owner: 'team-support',
    environment: 'production',
    models: ['gpt-4o'],
    tools: ['crm.lookup'],
    destinations: ['crm.internal/customers'],
    declared_classes: [],
    first_seen_ms: NOW - 3_600_000,
    last_seen_ms: NOW - 60_000,
    events: 10,
    ...over,
  };
}

describe('inventory', () => {
  it('maps finding types to data classes like the policy detector', () => {
    expect(classesOfFindingTypes(['pii.email']).sort()).toEqual(['personal']);
    expect(classesOfFindingTypes(['pii.iban', 'secret.aws_access_key']).sort()).toEqual([
      'credentials',
      'financial',
      'personal',
    ]);
    expect(classesOfFindingTypes(['injection.override_instructions'])).toEqual([]);
  });

  it('flags unregistered agents as shadow and lists registered agents never seen', () => {
    const agents = mergeInventory(
      [traffic('seen-registered'), traffic('seen-shadow', { declared_classes: ['Health'] })],
      [{ agent_id: 'seen-shadow', types: ['pii.email'] }],
      [
        {
          agent_id: 'seen-registered',
          owner: 'team-risk',
          purpose: 'p',
          risk_tier: 'high',
          registered_by: 'k',
          registered_at_ms: NOW,
        },
        {
          agent_id: 'never-seen',
          owner: 'team-x',
          purpose: 'q',
          risk_tier: 'minimal',
          registered_by: 'k',
          registered_at_ms: NOW,
        },
      ],
      NOW,
      WINDOW,
    );
    expect(agents.map((a) => [a.agent_id, a.registered, a.shadow, a.running])).toEqual([
      ['never-seen', true, false, false],
      ['seen-registered', true, false, true],
      ['seen-shadow', false, true, true],
    ]);
    expect(agents[1]).toMatchObject({ owner: 'team-risk', risk_tier: 'high' });
    expect(agents[2]!.data_classes).toEqual(['health', 'personal']);
  });

  it('counts an agent as running only within the window', () => {
    const [old, fresh] = mergeInventory(
      [traffic('a-old', { last_seen_ms: NOW - WINDOW - 1 }), traffic('b-fresh', { last_seen_ms: NOW - WINDOW })],
      [],
      [],
      NOW,
      WINDOW,
    );
    expect([old!.running, fresh!.running]).toEqual([false, true]);
    expect(applyFilter([old!, fresh!], { running: true }).map((a) => a.agent_id)).toEqual(['b-fresh']);
    expect(applyFilter([old!, fresh!], { personalData: true })).toEqual([]);
  });

  it('binds every query to the tenant parameter and never concatenates request values', async () => {
    const ch = fakeClickHouse();
    const inventory = new AgentInventory(ch.client, WINDOW, () => NOW);
    const hostile = "x' OR 1=1 --";
    await inventory.list('acme');
    await inventory.get('acme', hostile);
    expect(ch.queries).toHaveLength(6);
    for (const q of ch.queries) {
      expect(q.query).toContain('tenant_id = {tenant:String}');
      expect(q.query).not.toContain('acme');
      expect(q.query).not.toContain(hostile);
      expect(q.params.tenant).toBe('acme');
    }
    expect(ch.queries.slice(3).every((q) => q.params.agent === hostile)).toBe(true);
  });

  it('answers 404 for an agent the tenant has not seen or registered', async () => {
    const { app, ch } = testServer();
    const res = await app.inject({
      method: 'GET',
      url: '/v1/agents/globex-bot',
      headers: bearer('warden-dev-analyst-key'),
    });
    expect(res.json()).toMatchObject({ code: 'API_NOT_FOUND', statusCode: 404 });
    expect(ch.queries.every((q) => q.params.tenant === 'acme')).toBe(true);
    await app.close();
  });

  it('summarises running, shadow and personal-data counts in the list', async () => {
    const { app } = testServer(
      {
        agent_activity_daily: [traffic('a'), traffic('b', { last_seen_ms: NOW - 2 * WINDOW })],
        agent_finding_types: [{ agent_id: 'a', types: ['pii.phone'] }],
      },
      NOW,
    );
    const res = await app.inject({ method: 'GET', url: '/v1/agents', headers: bearer('warden-dev-analyst-key') });
    expect(res.json()).toMatchObject({ tenant_id: 'acme', count: 2, running: 1, shadow: 2, personal_data: 1 });
    const filtered = await app.inject({
      method: 'GET',
      url: '/v1/agents?running=true&personal_data=true',
      headers: bearer('warden-dev-analyst-key'),
    });
    expect(filtered.json().agents.map((a: { agent_id: string }) => a.agent_id)).toEqual(['a']);
    await app.close();
  });
});

describe('REST body schemas', () => {
  it('declare the same properties as the handler types', () => {
    for (const [name, schema] of Object.entries(BODY_SCHEMAS)) {
      const props = Object.keys((schema as { properties: object }).properties).sort();
      expect(props, name).toEqual([...BODY_PROPERTIES[name as keyof typeof BODY_SCHEMAS]].sort());
    }
  });

  it('are files in schemas/json with additionalProperties false', () => {
    for (const f of ['agent-registration', 'revocation-request', 'quarantine-request']) {
      const schema = JSON.parse(
        readFileSync(new URL(`../../../schemas/json/${f}.schema.json`, import.meta.url), 'utf8'),
      );
      expect(schema.additionalProperties, f).toBe(false);
    }
  });
});
