import type { AgentEvent } from '../../schemas/generated/agent-event.ts';
import type { Logger } from '../../services/lib/logger.ts';
import type { EventFactory } from './events.ts';
import type { ProxyMetrics } from './metrics.ts';
import type { PinStore } from './pin-store.ts';
import type { Catalog, ExposedTool, Shadowing } from './tool-catalog.ts';
import {
  approvalKey,
  type PoisoningScanner,
  type PoisoningVerdict,
  pinnedFields,
  type ToolDefinition,
  toDefinition,
  toolKey,
} from './tool-definitions.ts';
import type { AgentPolicyView } from './warden-client.ts';

/** Finding types the proxy raises; bounded, `family.thing` like every warden finding type. */
export const MCP_FINDINGS = Object.freeze({
  poisoning: 'mcp.tool_poisoning',
  rugPull: 'mcp.tool_rug_pull',
  shadowing: 'mcp.tool_shadowing',
});

export type DefinitionState = 'approved' | 'poisoned' | 'changed';

export interface ReviewedTool {
  readonly exposed: ExposedTool;
  readonly definition: ToolDefinition;
  state: DefinitionState;
  readonly poisoning: PoisoningVerdict;
  readonly previousSha256: string | null;
}

export interface GovernanceDeps {
  readonly pins: PinStore;
  readonly scanner: PoisoningScanner;
  readonly events: EventFactory;
  readonly emit: (e: AgentEvent) => void;
  /** The agent's policy from the governance API (null: none configured). */
  readonly policy: () => Promise<AgentPolicyView | null>;
  readonly agentId: string;
  readonly tenantId: string;
  readonly refreshMs: number;
  readonly log: Logger;
  readonly metrics: ProxyMetrics;
  readonly now?: () => number;
}

/** Approvals an applied policy version carries, if it went through four-eyes. */
export function fourEyesApprovals(view: AgentPolicyView | null): { changeId: string; keys: Set<string> } | null {
  const current = view?.current;
  if (current?.status !== 'applied') return null;
  // An approval that one person applied alone (agent not high-risk) does not count: re-approving a
  // tool definition is a scope change that needs a second person (EU AI Act art. 14 oversight).
  if (!current.requires_approval || current.decided_by === null || current.decided_by === current.proposed_by) {
    return null;
  }
  const keys = new Set<string>();
  for (const [k, v] of Object.entries(current.policy.actions)) if (v === 'allow') keys.add(k);
  return { changeId: current.change_id, keys };
}

/**
 * Tool-definition governance: tool poisoning (hidden instructions in descriptions and schemas), rug
 * pulls (a definition that changed since it was approved; pins survive restarts in the pin store) and
 * shadowing (one name, several servers). Each finding is mirrored to warden as an event. A clean
 * definition seen for the first time is pinned (trust on first use); a poisoned or changed one stays
 * unapproved until the agent's policy, applied through the four-eyes flow of services/api, maps its
 * approval key to `allow`.
 */
export class ToolGovernance {
  readonly #d: GovernanceDeps;
  /** Reviewed definitions by exposed name; re-reviewed only when the hash changes. */
  readonly #reviewed = new Map<string, ReviewedTool>();
  readonly #reportedDefinitions = new Set<string>();
  readonly #reportedShadowing = new Set<string>();
  #approvals: { at: number; value: { changeId: string; keys: Set<string> } | null } | null = null;

  constructor(deps: GovernanceDeps) {
    this.#d = deps;
  }

  get(name: string): ReviewedTool | undefined {
    return this.#reviewed.get(name);
  }

  /** Reviews a freshly aggregated catalog; emits a finding per new problem. */
  review(catalog: Catalog, sessionId: string): ReviewedTool[] {
    const out: ReviewedTool[] = [];
    const live = new Set<string>();
    for (const exposed of catalog.tools.values()) {
      live.add(exposed.name);
      const definition = toDefinition(exposed.server, exposed.tool);
      const prior = this.#reviewed.get(exposed.name);
      if (prior && prior.definition.sha256 === definition.sha256) {
        out.push(prior);
        continue;
      }
      const reviewed = this.#reviewOne(exposed, definition, sessionId);
      this.#reviewed.set(exposed.name, reviewed);
      out.push(reviewed);
    }
    for (const name of [...this.#reviewed.keys()]) if (!live.has(name)) this.#reviewed.delete(name);
    for (const s of catalog.shadowing) this.#reportShadowing(s, sessionId);
    return out;
  }

  #reviewOne(exposed: ExposedTool, definition: ToolDefinition, sessionId: string): ReviewedTool {
    const key = toolKey(definition.server, definition.tool.name);
    const poisoning = this.#d.scanner.scan(definition, {
      tenant_id: this.#d.tenantId,
      agent_id: this.#d.agentId,
      session_id: sessionId,
    });
    const status = this.#d.pins.status(key, definition.sha256);
    let state: DefinitionState;
    let previousSha256: string | null = null;
    if (status.state === 'approved') state = 'approved';
    else if (status.state === 'changed') {
      state = 'changed';
      previousSha256 = status.approvedSha256;
    } else if (poisoning.poisoned) state = 'poisoned';
    else state = 'approved';

    if (state === 'approved' && status.state !== 'approved') {
      this.#d.pins.approve(key, definition.sha256, 'first_use');
    } else if (state !== 'approved') this.#d.pins.seen(key, definition.sha256);

    const reviewed: ReviewedTool = { exposed, definition, state, poisoning, previousSha256 };
    this.#emitDefinition(reviewed, sessionId);
    if (poisoning.poisoned && status.state !== 'approved')
      this.#emitFinding(MCP_FINDINGS.poisoning, reviewed, sessionId);
    if (state === 'changed') this.#emitFinding(MCP_FINDINGS.rugPull, reviewed, sessionId);
    return reviewed;
  }

  /** The definition itself, once per hash per process: warden's detect scans it like any fetched text. */
  #emitDefinition(r: ReviewedTool, sessionId: string): void {
    if (this.#reportedDefinitions.has(r.definition.sha256)) return;
    this.#reportedDefinitions.add(r.definition.sha256);
    this.#d.emit(
      this.#d.events.build({
        kind: 'tool_result',
        sessionId,
        tool: { name: 'tools/list', target: r.definition.server },
        text: JSON.stringify(pinnedFields(r.definition.tool)),
        attributes: {
          'mcp.method': 'tools/list',
          'mcp.event': 'tool_definition',
          'mcp.server': r.definition.server,
          'mcp.tool': r.definition.tool.name,
          'mcp.definition_sha256': r.definition.sha256,
          'mcp.definition_state': r.state,
        },
      }),
    );
  }

  #emitFinding(type: string, r: ReviewedTool, sessionId: string): void {
    this.#d.metrics.findings.inc({ type });
    const detectorTypes = [...new Set(r.poisoning.findings.map((f) => f.type))].join(',');
    const severity = type === MCP_FINDINGS.rugPull || r.poisoning.poisoned ? 'high' : 'medium';
    this.#d.log.warn(
      {
        finding: type,
        server: r.definition.server,
        tool: r.definition.tool.name,
        sha256: r.definition.sha256,
        previous_sha256: r.previousSha256,
        detector_findings: detectorTypes,
      },
      type === MCP_FINDINGS.rugPull
        ? 'tool definition changed since approved'
        : 'hidden instructions in tool definition',
    );
    // scope_change: a new or changed tool widens what the agent can be told to do. Warden's detect
    // scans the definition text (content) and raises policy.scope_change_requires_approval on it.
    this.#d.emit(
      this.#d.events.build({
        kind: 'scope_change',
        sessionId,
        tool: { name: r.definition.tool.name, target: r.definition.server },
        text: JSON.stringify(pinnedFields(r.definition.tool)),
        attributes: {
          'mcp.event': 'finding',
          'mcp.finding': type,
          'mcp.severity': severity,
          'mcp.server': r.definition.server,
          'mcp.tool': r.definition.tool.name,
          'mcp.exposed_name': r.exposed.name,
          'mcp.definition_sha256': r.definition.sha256,
          'mcp.approval_key': approvalKey(r.definition),
          ...(r.previousSha256 ? { 'mcp.previous_sha256': r.previousSha256 } : {}),
          ...(detectorTypes ? { 'mcp.detector_findings': detectorTypes } : {}),
        },
      }),
    );
  }

  #reportShadowing(s: Shadowing, sessionId: string): void {
    const id = `${s.name}\0${s.servers.join(',')}`;
    if (this.#reportedShadowing.has(id)) return;
    this.#reportedShadowing.add(id);
    this.#d.metrics.findings.inc({ type: MCP_FINDINGS.shadowing });
    this.#d.log.warn(
      { finding: MCP_FINDINGS.shadowing, tool: s.name, servers: s.servers, resolution: s.resolution },
      'tool shadowing',
    );
    this.#d.emit(
      this.#d.events.build({
        kind: 'scope_change',
        sessionId,
        tool: { name: s.name, target: s.servers.join(',') },
        attributes: {
          'mcp.event': 'finding',
          'mcp.finding': MCP_FINDINGS.shadowing,
          'mcp.severity': 'high',
          'mcp.tool': s.name,
          'mcp.servers': s.servers.join(','),
          'mcp.resolution': s.resolution,
        },
      }),
    );
  }

  async #currentApprovals(): Promise<{ changeId: string; keys: Set<string> } | null> {
    const now = (this.#d.now ?? Date.now)();
    if (this.#approvals && now - this.#approvals.at < this.#d.refreshMs) return this.#approvals.value;
    let value: { changeId: string; keys: Set<string> } | null = null;
    try {
      value = fourEyesApprovals(await this.#d.policy());
    } catch (err) {
      this.#d.log.warn(
        { err, code: 'MCP_PROXY_WARDEN_UNAVAILABLE' },
        'cannot read tool approvals; definitions stay unapproved',
      );
    }
    this.#approvals = { at: now, value };
    return value;
  }

  /**
   * Whether a reviewed tool may be used: approved now, or just approved through four-eyes (then the
   * pin moves to the new definition and warden gets a record of it).
   */
  async approved(r: ReviewedTool, sessionId: string): Promise<boolean> {
    if (r.state === 'approved') return true;
    const approvals = await this.#currentApprovals();
    const key = approvalKey(r.definition);
    if (!approvals?.keys.has(key)) return false;
    this.#d.pins.approve(
      toolKey(r.definition.server, r.definition.tool.name),
      r.definition.sha256,
      `change:${approvals.changeId}`,
    );
    r.state = 'approved';
    this.#d.log.info(
      { server: r.definition.server, tool: r.definition.tool.name, change_id: approvals.changeId },
      'tool definition approved',
    );
    this.#d.emit(
      this.#d.events.build({
        kind: 'scope_change',
        sessionId,
        tool: { name: r.definition.tool.name, target: r.definition.server },
        attributes: {
          'mcp.event': 'tool_definition_approved',
          'mcp.server': r.definition.server,
          'mcp.tool': r.definition.tool.name,
          'mcp.definition_sha256': r.definition.sha256,
          'mcp.approval_key': key,
          'mcp.change_id': approvals.changeId,
        },
      }),
    );
    return true;
  }
}
