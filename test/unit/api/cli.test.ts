import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AgentList, agentsCommand, renderAgents } from '../../../cli/commands/agents.ts';
import { policyCommand } from '../../../cli/commands/policy.ts';
import { quarantineCommand, revokeCommand } from '../../../cli/commands/revoke.ts';
import { ApiClient, clientSettings, EXIT, LOCAL_DEV_ADMIN_KEY } from '../../../cli/lib/api-client.ts';
import type { CliContext } from '../../../cli/lib/io.ts';
import { renderTable } from '../../../cli/lib/table.ts';
import type { AgentSummary } from '../../../services/api/inventory.ts';

function agent(id: string, over: Partial<AgentSummary> = {}): AgentSummary {
  return {
    agent_id: id,
    owner: 'team-support',
    environment: 'production',
    models: ['gpt-4o'],
    tools: ['crm.lookup', 'web.fetch'],
    destinations: [],
    data_classes: ['personal'],
    first_seen: '2026-11-26T10:00:00.000Z',
    last_seen: '2026-11-26T11:59:00.123Z',
    events: 1234,
    running: true,
    registered: false,
    shadow: true,
    risk_tier: null,
    purpose: null,
    ...over,
  };
}

const LIST: AgentList = {
  tenant_id: 'acme',
  generated_at: '2026-11-26T12:00:00.000Z',
  count: 2,
  running: 1,
  shadow: 1,
  personal_data: 1,
  agents: [
    agent('support-bot'),
    agent('payroll-bot', {
      running: false,
      shadow: false,
      registered: true,
      risk_tier: 'high',
      events: 7,
      data_classes: [],
    }),
  ],
};

/** A CLI context whose client answers from `respond` and whose output is captured. */
function context(respond: (url: string, init: RequestInit) => Response, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return respond(url, init);
  }) as unknown as typeof fetch;
  const ctx: CliContext = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    client: new ApiClient(clientSettings(env), fetchImpl),
  };
  return { ctx, out, err, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('warden CLI', () => {
  it('renders aligned tables with right-aligned numbers and no control characters', () => {
    const text = renderTable(
      [
        { header: 'NAME', value: (r: { n: string; c: number }) => r.n },
        { header: 'COUNT', value: (r: { n: string; c: number }) => String(r.c), align: 'right' },
      ],
      [
        { n: 'a\u001b[31m', c: 5 },
        { n: 'longer', c: 1234 },
      ],
    );
    expect(text).toBe('NAME    COUNT\na?[31m      5\nlonger   1234\n');
  });

  it('prints the inventory as a summary line and a table', () => {
    const text = renderAgents(LIST);
    expect(text.split('\n')[0]).toBe(
      '2 agents in tenant acme: 1 running now, 1 shadow (unregistered), 1 touching personal data',
    );
    expect(text).toMatch(
      /support-bot\s+team-support\s+production\s+yes\s+SHADOW\s+-\s+1234\s+2026-11-26T11:59:00Z\s+personal/,
    );
    expect(text).toMatch(/payroll-bot\s+.*no\s+registered\s+high\s+7\s/);
  });

  it('prints JSON with --json and passes the filters as query parameters', async () => {
    const { ctx, out, calls } = context(() => json(200, LIST));
    expect(await agentsCommand(['--running', '--personal-data', '--json'], ctx)).toBe(EXIT.ok);
    expect(JSON.parse(out.join(''))).toEqual(LIST);
    expect(calls[0]!.url).toBe('http://127.0.0.1:8090/v1/agents?running=true&personal_data=true');
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe(`Bearer ${LOCAL_DEV_ADMIN_KEY}`);
  });

  it('names cause and fix and exits 3 when the key is refused', async () => {
    const { ctx, err } = context(
      () => json(401, { code: 'API_UNAUTHENTICATED', message: 'unknown API key', statusCode: 401 }),
      { WARDEN_API_KEY: 'bad' },
    );
    expect(await agentsCommand([], ctx)).toBe(EXIT.auth);
    expect(err.join('')).toMatch(/API_UNAUTHENTICATED: unknown API key\. WARDEN_API_KEY is not a key the API knows/);
  });

  it('exits 1 with the URL when the API cannot be reached', async () => {
    const { ctx, err } = context(
      () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      },
      { WARDEN_API_URL: 'http://api.example:9/' },
    );
    expect(await agentsCommand([], ctx)).toBe(EXIT.failed);
    expect(err.join('')).toMatch(/cannot reach the warden API at http:\/\/api\.example:9 \(ECONNREFUSED\)/);
  });

  it('exits 2 with the usage on bad arguments, before calling the API', async () => {
    const { ctx, err, calls } = context(() => json(200, {}));
    expect(await revokeCommand(['bot'], ctx)).toBe(EXIT.usage);
    expect(await revokeCommand(['--reason', 'x'], ctx)).toBe(EXIT.usage);
    expect(await agentsCommand(['--bogus'], ctx)).toBe(EXIT.usage);
    expect(calls).toEqual([]);
    expect(err.join('')).toContain('usage: warden revoke <agent>');
  });

  it('sends revoke and quarantine bodies the API schemas accept', async () => {
    const published = {
      record: { tenant_id: 'acme', agent_id: 'bot' },
      key: 'acme:bot:revocation',
      topic: 'warden.control.v1',
      partition: 0,
      offset: '4',
      produced_at: '2026-11-26T12:00:00.000Z',
      produce_ms: 3.2,
    };
    const { ctx, out, calls } = context(() => json(200, published));
    expect(await revokeCommand(['bot', '--credential', 'cred-1', '--reason', 'leaked'], ctx)).toBe(EXIT.ok);
    expect(await quarantineCommand(['bot', '--reason', 'injection', '--lift'], ctx)).toBe(EXIT.ok);
    expect(calls.map((c) => [c.url, JSON.parse(String(c.init.body))])).toEqual([
      ['http://127.0.0.1:8090/v1/agents/bot/revoke', { reason: 'leaked', credential_id: 'cred-1' }],
      ['http://127.0.0.1:8090/v1/agents/bot/quarantine', { reason: 'injection', active: false }],
    ]);
    expect(out[0]).toContain('revoked credential cred-1 of agent bot of tenant acme');
    expect(out[1]).toContain('lifted quarantine of agent bot');
  });

  describe('policy propose', () => {
    const change = {
      change_id: 'cr_01',
      agent_id: 'bot',
      version: 3,
      status: 'pending',
      requires_approval: true,
      proposed_by: 'key-alice',
    };
    const scope = {
      allowed_models: ['gpt-4o'],
      allowed_tools: [{ name: 'crm.lookup', mode: 'read' }],
      allowed_destinations: null,
      allowed_data_classes: ['personal'],
      budgets: { max_calls_per_session: 40, max_tokens_per_session: null, max_cost_usd_per_day: null },
      actions: {},
      enforcement: 'shadow',
      fail_mode: 'closed',
    };

    it('PUTs the scope from a file with the reason given on the command line', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'warden-cli-'));
      const file = join(dir, 'policy.json');
      writeFileSync(file, JSON.stringify({ ...scope, reason: 'from the file' }));
      const { ctx, out, calls } = context(() =>
        json(202, { status: 'pending', change, next: 'a different approver: warden approve cr_01' }),
      );
      expect(await policyCommand(['propose', 'bot', '--file', file, '--reason', 'tighten tools'], ctx)).toBe(EXIT.ok);
      expect(calls[0]!.init.method).toBe('PUT');
      expect(calls[0]!.url).toBe('http://127.0.0.1:8090/v1/agents/bot/policy');
      expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ ...scope, reason: 'tighten tools' });
      expect(out.join('')).toContain('change cr_01: version 3 of agent bot awaits approval (four-eyes)');
    });

    it('proposes the least-privilege suggestion, with a reason naming the traffic it came from', async () => {
      const { ctx, out, calls } = context((url) =>
        url.includes('/suggested')
          ? json(200, { events: 120, since: '2026-11-19', until: '2026-11-26', policy: scope, tools: [] })
          : json(200, { status: 'applied', change: { ...change, status: 'applied', requires_approval: false } }),
      );
      expect(await policyCommand(['propose', 'bot', '--from-suggestion', '--days', '7'], ctx)).toBe(EXIT.ok);
      expect(calls.map((c) => [c.init.method, c.url])).toEqual([
        ['GET', 'http://127.0.0.1:8090/v1/agents/bot/policy/suggested?days=7'],
        ['PUT', 'http://127.0.0.1:8090/v1/agents/bot/policy'],
      ]);
      expect(JSON.parse(String(calls[1]!.init.body)).reason).toBe(
        'least-privilege scope from 120 events seen 2026-11-19 to 2026-11-26',
      );
      expect(out.join('')).toContain('applied version 3 of agent bot');
    });

    it('refuses a proposal without a source or a reason before calling the API', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'warden-cli-'));
      const file = join(dir, 'policy.json');
      writeFileSync(file, JSON.stringify(scope));
      const { ctx, err, calls } = context(() => json(200, {}));
      expect(await policyCommand(['propose', 'bot'], ctx)).toBe(EXIT.usage);
      expect(await policyCommand(['propose', 'bot', '--file', file], ctx)).toBe(EXIT.usage);
      expect(await policyCommand(['propose', 'bot', '--file', join(dir, 'missing.json'), '--reason', 'x'], ctx)).toBe(
        EXIT.usage,
      );
      expect(calls).toEqual([]);
      expect(err.join('')).toContain('exactly one of --file <policy.json> or --from-suggestion');
      expect(err.join('')).toContain('a proposal needs a reason');
      expect(err.join('')).toContain('cannot read');
    });

    it('says what to do when a change is already waiting', async () => {
      const { ctx, err } = context((url) =>
        url.includes('/suggested')
          ? json(200, { events: 1, since: 'a', until: 'b', policy: scope, tools: [] })
          : json(409, { code: 'POLICY_CHANGE_PENDING', message: 'change cr_00 awaits approval', statusCode: 409 }),
      );
      expect(await policyCommand(['propose', 'bot', '--from-suggestion', '--reason', 'x'], ctx)).toBe(EXIT.failed);
      expect(err.join('')).toMatch(/POLICY_CHANGE_PENDING: change cr_00 awaits approval\. Approve or reject it first/);
    });
  });
});
