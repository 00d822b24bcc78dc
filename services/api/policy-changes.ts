import { readFileSync } from 'node:fs';
import { ulid } from 'ulid';
import type { ControlRecord } from '../../schemas/generated/index.ts';
import type { AuditEntry, JsonObject } from '../lib/audit/hash-chain.ts';
import type { ControlKind, Policy } from '../lib/control/control-state.ts';
import { WardenError } from '../lib/errors.ts';
import type { Principal } from './auth.ts';
import type { RiskTier } from './bodies.ts';
import type { PublishedControl } from './control-publisher.ts';
import { type PolicyScope, type SuggestedScope, suggestScope } from './least-privilege.ts';
import type { ChangeStatus, PolicyRepository, PolicyVersion } from './policy-store.ts';

function load(name: string): Record<string, unknown> {
  const url = new URL(`../../schemas/json/${name}.schema.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

/** Bodies of the policy endpoints; the JSON Schemas in schemas/json/ are the contract. */
export const POLICY_BODY_SCHEMAS = {
  proposal: load('policy-proposal'),
  approval: load('policy-approval'),
  rejection: load('policy-rejection'),
} as const;

export interface PolicyProposal extends Partial<Omit<PolicyScope, 'budgets'>> {
  reason: string;
  policy_id?: string;
  budgets?: Partial<Policy['budgets']>;
}

export interface PolicyApproval {
  comment?: string;
}

export interface PolicyRejection {
  reason: string;
}

/** Where applied policies go: ControlPublisher in the API. */
export interface ControlSink {
  publish(record: ControlRecord, kind: ControlKind): Promise<PublishedControl>;
}

/** Where the trail goes: AuditLog (services/lib/audit) in the API. */
export interface AuditSink {
  append(stream: string, entry: AuditEntry): Promise<unknown>;
}

export interface PolicyChangesOptions {
  store: PolicyRepository;
  control: ControlSink;
  audit: AuditSink;
  now?: () => number;
  newId?: () => string;
}

export interface ProposalResult {
  status: ChangeStatus;
  change: PolicyVersion;
  /** What a second person must do, when the change waits for approval. */
  next?: string;
  published?: PublishedControl[];
}

export interface DecisionResult {
  status: ChangeStatus;
  change: PolicyVersion;
  published?: PublishedControl[];
}

export interface AgentPolicyView {
  tenant_id: string;
  agent_id: string;
  risk_tier: RiskTier | null;
  requires_approval: boolean;
  /** The applied version enforcement points follow; null = none yet (tenant default or built-in). */
  current: PolicyVersion | null;
  pending: PolicyVersion | null;
  /** Every version, newest first. */
  history: PolicyVersion[];
}

/** The audit stream of a tenant's policy trail. */
export const policyStream = (tenant: string) => `tenant:${tenant}/policies`;

const SCOPE_FIELDS = [
  'enforcement',
  'fail_mode',
  'allowed_models',
  'allowed_tools',
  'allowed_destinations',
  'allowed_data_classes',
  'budgets',
  'actions',
  'thresholds',
] as const;

/** The scope fields that differ between two policies (null `from` = no previous version). */
export function scopeDiff(from: Policy | null, to: Policy): JsonObject {
  const diff: JsonObject = {};
  for (const field of SCOPE_FIELDS) {
    const a = from === null ? null : from[field];
    const b = to[field];
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      diff[field] = { from: a as JsonObject | null, to: b as unknown as JsonObject };
    }
  }
  return diff;
}

/**
 * Versioned per-agent policies with four-eyes approval. A proposal for a high-risk agent (or for the
 * tenant default `*`, which reaches high-risk agents too) is a pending change request until a
 * different key with the approver role approves it; any other proposal is applied at once. Applying
 * publishes the Policy and an Approval record to the compacted control topic. Every proposal,
 * decision, refusal and application is appended to the audit stream `tenant:<id>/policies` before
 * the state it describes is stored, so the trail never misses a change.
 *
 * Proposals and decisions of one agent are serialized in this process; one API instance is assumed
 * to write policies (two would need a ClickHouse-side compare-and-set).
 */
export class PolicyChanges {
  readonly #store: PolicyRepository;
  readonly #control: ControlSink;
  readonly #audit: AuditSink;
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(opts: PolicyChangesOptions) {
    this.#store = opts.store;
    this.#control = opts.control;
    this.#audit = opts.audit;
    this.#now = opts.now ?? Date.now;
    this.#newId = opts.newId ?? (() => `cr_${ulid()}`);
  }

  async view(tenant: string, agent: string): Promise<AgentPolicyView> {
    const [versions, tier] = await Promise.all([
      this.#store.versions(tenant, agent),
      this.#store.riskTier(tenant, agent),
    ]);
    const history = [...versions].reverse();
    return {
      tenant_id: tenant,
      agent_id: agent,
      risk_tier: tier,
      requires_approval: requiresApproval(agent, tier),
      current: history.find((v) => v.status === 'applied') ?? null,
      pending: history.find((v) => v.status === 'pending') ?? null,
      history,
    };
  }

  /** One change request of the tenant (another tenant's is not found). */
  get(tenant: string, changeId: string): Promise<PolicyVersion> {
    return this.#find(tenant, changeId);
  }

  list(tenant: string, status?: ChangeStatus): Promise<PolicyVersion[]> {
    return this.#store.changes(tenant, status);
  }

  async suggest(tenant: string, agent: string, days: number): Promise<SuggestedScope> {
    const nowMs = this.#now();
    return suggestScope(await this.#store.usage(tenant, agent, days), { tenant, agent, days, nowMs });
  }

  propose(principal: Principal, agent: string, body: PolicyProposal): Promise<ProposalResult> {
    const tenant = principal.tenantId;
    return this.#serial(`${tenant}:${agent}`, async () => {
      const [versions, tier] = await Promise.all([
        this.#store.versions(tenant, agent),
        this.#store.riskTier(tenant, agent),
      ]);
      const pending = versions.find((v) => v.status === 'pending');
      if (pending) {
        throw new WardenError(
          'POLICY_CHANGE_PENDING',
          `change ${pending.change_id} (version ${pending.version}) of agent ${agent}`,
        );
      }
      const previous = versions.at(-1) ?? null;
      const current = versions.filter((v) => v.status === 'applied').at(-1) ?? null;
      const version = (previous?.version ?? 0) + 1;
      const policy = toPolicy(body, agent, version, current?.policy ?? null);
      const fourEyes = requiresApproval(agent, tier);
      const change: PolicyVersion = {
        tenant_id: tenant,
        agent_id: agent,
        version,
        change_id: this.#newId(),
        status: 'pending',
        policy,
        reason: body.reason,
        risk_tier: tier ?? '',
        requires_approval: fourEyes,
        proposed_by: principal.keyId,
        proposed_at: new Date(this.#now()).toISOString(),
        decided_by: null,
        decided_at: null,
        decision_comment: null,
        applied_at: null,
        control_offset: null,
      };
      await this.#trail(principal.keyId, 'policy.proposed', change, {
        reason: body.reason,
        previous_version: current?.version ?? null,
        diff: scopeDiff(current?.policy ?? null, policy),
        policy: policy as unknown as JsonObject,
      });
      if (fourEyes) {
        await this.#store.save(change);
        return {
          status: 'pending',
          change,
          next: `agent ${agent} is ${agent === '*' ? 'the tenant default' : `risk tier ${tier}`}: a second person with role approver must POST /v1/change-requests/${change.change_id}/approve (warden approve ${change.change_id})`,
        };
      }
      return this.#apply(change, principal.keyId, `risk tier ${tier ?? 'unregistered'}: no four-eyes review required`);
    });
  }

  async approve(principal: Principal, changeId: string, body: PolicyApproval = {}): Promise<DecisionResult> {
    const found = await this.#find(principal.tenantId, changeId);
    return this.#serial(`${found.tenant_id}:${found.agent_id}`, async () => {
      const change = await this.#pendingChange(principal, changeId);
      if (change.proposed_by === principal.keyId) {
        await this.#trail(principal.keyId, 'policy.approval_refused', change, {
          why: 'four-eyes: the proposer may not approve their own change',
        });
        throw new WardenError(
          'POLICY_SELF_APPROVAL',
          `${principal.keyId} proposed change ${changeId}; another person with role approver must approve it (EU AI Act art. 14)`,
        );
      }
      await this.#trail(principal.keyId, 'policy.approved', change, {
        proposed_by: change.proposed_by,
        comment: body.comment ?? null,
      });
      const decided = {
        ...change,
        decided_by: principal.keyId,
        decided_at: new Date(this.#now()).toISOString(),
        decision_comment: body.comment ?? null,
      };
      return this.#apply(decided, principal.keyId, body.comment ?? null);
    });
  }

  async reject(principal: Principal, changeId: string, body: PolicyRejection): Promise<DecisionResult> {
    const found = await this.#find(principal.tenantId, changeId);
    return this.#serial(`${found.tenant_id}:${found.agent_id}`, async () => {
      const change = await this.#pendingChange(principal, changeId);
      await this.#trail(principal.keyId, 'policy.rejected', change, {
        proposed_by: change.proposed_by,
        reason: body.reason,
        withdrawn: change.proposed_by === principal.keyId,
      });
      const rejected: PolicyVersion = {
        ...change,
        status: 'rejected',
        decided_by: principal.keyId,
        decided_at: new Date(this.#now()).toISOString(),
        decision_comment: body.reason,
      };
      await this.#store.save(rejected);
      return { status: 'rejected', change: rejected };
    });
  }

  /** Publishes the Policy and its Approval record (acks=all), then stores the version as applied. */
  async #apply(change: PolicyVersion, approver: string, comment: string | null): Promise<ProposalResult> {
    const base = { tenant_id: change.tenant_id, agent_id: change.agent_id, issued_at: this.#now() };
    const policyRecord: ControlRecord = {
      ...base,
      issued_by: change.proposed_by,
      payload: { 'dev.warden.v1.Policy': change.policy },
    };
    const approvalRecord: ControlRecord = {
      ...base,
      issued_by: approver,
      payload: {
        'dev.warden.v1.Approval': { request_id: change.change_id, approver, decision: 'approved', comment },
      },
    };
    const published = [
      await this.#control.publish(policyRecord, 'policy'),
      await this.#control.publish(approvalRecord, 'approval'),
    ];
    const first = published[0] as PublishedControl;
    const applied: PolicyVersion = {
      ...change,
      status: 'applied',
      decided_by: change.decided_by ?? approver,
      decided_at: change.decided_at ?? new Date(this.#now()).toISOString(),
      decision_comment: change.decision_comment ?? comment,
      applied_at: new Date(this.#now()).toISOString(),
      control_offset: `${first.partition}:${first.offset ?? '?'}`,
    };
    await this.#store.save(applied);
    await this.#trail(approver, 'policy.applied', applied, {
      proposed_by: applied.proposed_by,
      approved_by: applied.requires_approval ? approver : null,
      control_key: first.key,
      control_topic: first.topic,
      control_offset: applied.control_offset,
    });
    return { status: 'applied', change: applied, published };
  }

  async #find(tenant: string, changeId: string): Promise<PolicyVersion> {
    const change = await this.#store.change(tenant, changeId);
    if (change === null) throw new WardenError('POLICY_CHANGE_NOT_FOUND', changeId);
    return change;
  }

  /** Re-read under the agent's lock, so two concurrent decisions cannot both pass. */
  async #pendingChange(principal: Principal, changeId: string): Promise<PolicyVersion> {
    const change = await this.#find(principal.tenantId, changeId);
    if (change.status !== 'pending') {
      throw new WardenError(
        'POLICY_CHANGE_DECIDED',
        `change ${changeId} is ${change.status} (by ${change.decided_by ?? '?'} at ${change.decided_at ?? '?'})`,
      );
    }
    return change;
  }

  #trail(actor: string, action: string, change: PolicyVersion, extra: JsonObject): Promise<unknown> {
    return this.#audit.append(policyStream(change.tenant_id), {
      actor,
      action,
      subject: `agent:${change.agent_id}`,
      payload: {
        agent_id: change.agent_id,
        change_id: change.change_id,
        version: change.version,
        risk_tier: change.risk_tier,
        requires_approval: change.requires_approval,
        ...extra,
      },
    });
  }

  async #serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prior = this.#locks.get(key) ?? Promise.resolve();
    const run = prior.then(fn, fn);
    const settled = run.catch(() => undefined);
    this.#locks.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.#locks.get(key) === settled) this.#locks.delete(key);
    }
  }
}

/** Four-eyes applies to EU AI Act high-risk agents and to the tenant default, which covers them too. */
export function requiresApproval(agent: string, tier: RiskTier | null): boolean {
  return agent === '*' || tier === 'high';
}

/** The full Policy payload of a proposal; the policy id is kept from the current version unless given. */
export function toPolicy(body: PolicyProposal, agent: string, version: number, current: Policy | null): Policy {
  return {
    policy_id: body.policy_id ?? current?.policy_id ?? (agent === '*' ? 'tenant.default' : `agent.${agent}`),
    version,
    enforcement: body.enforcement ?? 'enforce',
    fail_mode: body.fail_mode ?? 'closed',
    allowed_models: body.allowed_models ?? null,
    allowed_tools: body.allowed_tools ?? null,
    allowed_destinations: body.allowed_destinations ?? null,
    allowed_data_classes: body.allowed_data_classes ?? null,
    budgets: {
      max_calls_per_session: body.budgets?.max_calls_per_session ?? null,
      max_tokens_per_session: body.budgets?.max_tokens_per_session ?? null,
      max_cost_usd_per_day: body.budgets?.max_cost_usd_per_day ?? null,
    },
    actions: body.actions ?? {},
    thresholds: body.thresholds ?? {},
  };
}
