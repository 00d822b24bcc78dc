import { resolveDetectorConfig } from '../detectors/config.ts';
import type { Detector } from '../detectors/detector.ts';
import { defaultAction, policyAction } from '../detectors/policy/default-actions.ts';
import { redact } from '../detectors/redaction.ts';
import { buildDetectorChain } from '../detectors/registry.ts';
import type { AgentEvent } from '../schemas/generated/agent-event.ts';
import type { Finding, DevWardenV1 as FindingTypes } from '../schemas/generated/finding.ts';
import type { ControlState, Policy } from '../schemas/runtime/control/control-state.ts';
import { type InlineCheckOptions, type ResolvedInlineOptions, resolveInlineOptions } from './config.ts';
import type { Action, DecisionCache } from './decision-cache.ts';
import { policyViolations } from './policy-check.ts';

export type Severity = FindingTypes.Severity;
export type DecidedBy = 'cache' | 'detectors' | 'policy';

/** A finding as a decision carries it: masked evidence and offsets only, never the clear value. */
export interface DecisionFinding {
  readonly type: string;
  readonly severity: Severity;
  readonly score: number;
  readonly detector: string;
  readonly evidence: string;
  readonly spans: readonly FindingTypes.Span[];
}

export interface Decision {
  /** allow: forward as is; redact: forward `redactedText` / `redactedArguments`; anything else: do not forward. */
  readonly action: Action;
  /** Finding types (or `standing.*`) that led to the action; empty for a plain allow. */
  readonly reasons: string[];
  /** content.text with every PII and secret span replaced by `[REDACTED:<type>]`, when anything was replaced. */
  readonly redactedText?: string;
  readonly redactedArguments?: string;
  readonly findings: DecisionFinding[];
  readonly decidedBy: DecidedBy;
  /** Under a shadow policy the action is allow and this is what the policy would have done. */
  readonly shadowAction?: Action;
  readonly policy?: { readonly id: string; readonly version: number };
}

/** Actions from most permissive to most severe; the most severe matching action wins. */
export const ACTION_RANK: Readonly<Record<Action, number>> = Object.freeze({
  allow: 0,
  redact: 1,
  require_approval: 2,
  block: 3,
  quarantine_agent: 4,
  revoke_credential: 5,
});

/** True when the gateway must not forward the call (anything but allow and redact). */
export function isDenied(d: Pick<Decision, 'action'>): boolean {
  return ACTION_RANK[d.action] >= ACTION_RANK.require_approval;
}

/** Where standing decisions come from: verdicts (the cache) and the compacted control topic. */
export interface StandingState {
  readonly cache: DecisionCache;
  readonly control: ControlState;
}

export interface InlineChecker {
  check(e: AgentEvent, state: StandingState, nowMs: number): Decision;
  readonly stats: { readonly detectorFailures: number };
}

/**
 * Built-in action per finding type, used unless the agent's policy maps the type (`actions`). The
 * same table as detect's (detectors/policy/default-actions.ts), so an inline verdict and the
 * pipeline's verdict on the same event agree.
 */
export function defaultActionFor(type: string, severity: Severity): Action {
  return defaultAction({ type, severity });
}

function actionFor(policy: Policy | null, type: string, severity: Severity): Action {
  return (policy ? policyAction(policy.actions, type) : undefined) ?? defaultActionFor(type, severity);
}

function standingDecision(e: AgentEvent, s: StandingState, nowMs: number): Decision | null {
  const tenant = e.tenant_id;
  const agent = e.agent_id;
  const credential = e.principal?.credential_id ?? null;
  const deny = (action: Action, reason: string, more: readonly string[] = []): Decision => ({
    action,
    reasons: [reason, ...more],
    findings: [],
    decidedBy: 'cache',
  });
  if (s.control.revocation(tenant, agent, credential, nowMs))
    return deny('revoke_credential', 'standing.credential_revoked');
  const revoked = s.cache.revokedCredential(tenant, agent, credential, nowMs);
  if (revoked) return deny('revoke_credential', 'standing.credential_revoked', revoked.reasons);
  if (s.control.quarantine(tenant, agent)) return deny('block', 'standing.agent_quarantined');
  const quarantined = s.cache.quarantinedAgent(tenant, agent, nowMs);
  if (quarantined) return deny('block', 'standing.agent_quarantined', quarantined.reasons);
  const session = s.cache.blockedSession(tenant, e.session_id, nowMs);
  if (session) return deny(session.action, 'standing.session_blocked', session.reasons);
  return null;
}

function masked(f: Finding): DecisionFinding {
  return {
    type: f.type,
    severity: f.severity,
    score: f.score,
    detector: f.detector,
    evidence: f.evidence,
    spans: f.spans,
  };
}

/** Most severe action over a list of (type, action) pairs, and the distinct types that reached it. */
function strongest(items: readonly { type: string; action: Action }[]): { action: Action; reasons: string[] } {
  let action: Action = 'allow';
  for (const i of items) if (ACTION_RANK[i.action] > ACTION_RANK[action]) action = i.action;
  if (action === 'allow') return { action, reasons: [] };
  const reasons: string[] = [];
  for (const i of items) if (i.action === action && !reasons.includes(i.type)) reasons.push(i.type);
  return { action, reasons };
}

function redactedFields(
  e: AgentEvent,
  findings: readonly Finding[],
): Pick<Decision, 'redactedText' | 'redactedArguments'> {
  const types = new Set<string>();
  for (const f of findings) if (f.type.startsWith('pii.') || f.type.startsWith('secret.')) types.add(f.type);
  if (types.size === 0) return {};
  const out: { redactedText?: string; redactedArguments?: string } = {};
  if (e.content?.text) {
    const r = redact(e.content.text, findings, 'content.text', types);
    if (r.redactions > 0) out.redactedText = r.text;
  }
  if (e.tool?.arguments) {
    const r = redact(e.tool.arguments, findings, 'tool.arguments', types);
    if (r.redactions > 0) out.redactedArguments = r.text;
  }
  return out;
}

/**
 * The synchronous decision for one event: standing decisions first (revoked credential, quarantined
 * agent, blocked session), then the fast detectors on content.text and tool.arguments, then the
 * agent's least-privilege policy. Pure apart from counters: no I/O, never logs content.
 * Detector chains compile their RE2 patterns here, once.
 */
export function createInlineChecker(options: InlineCheckOptions): InlineChecker {
  const o: ResolvedInlineOptions = resolveInlineOptions(options);
  const log = options.logger;
  const detectorConfig = { ...o.detectorSettings, disabled: o.disabled };
  const maxScanChars = resolveDetectorConfig(detectorConfig).maxScanChars;
  const chain: Detector[] = buildDetectorChain(detectorConfig);
  let detectorFailures = 0;

  function check(e: AgentEvent, state: StandingState, nowMs: number): Decision {
    const standing = standingDecision(e, state, nowMs);
    if (standing) return standing;
    const policy = state.control.policyFor(e.tenant_id, e.agent_id);

    const findings: Finding[] = [];
    const failed: string[] = [];
    for (const d of chain) {
      try {
        for (const f of d.detect(e)) findings.push(f);
      } catch (err) {
        detectorFailures += 1;
        failed.push(d.id);
        log?.error({ err, detector: d.id, event_id: e.event_id }, 'detector failed inline');
      }
    }
    const fromDetectors = findings.map((f) => ({ type: f.type, action: actionFor(policy, f.type, f.severity) }));
    if (failed.length > 0 && (policy?.fail_mode ?? 'closed') === 'closed') {
      fromDetectors.push({ type: 'detector.failed', action: 'block' });
    }
    const oversized =
      o.oversizedContent === 'block' &&
      ((e.content?.text.length ?? 0) > maxScanChars || (e.tool?.arguments?.length ?? 0) > maxScanChars);
    if (oversized) fromDetectors.push({ type: 'policy.content_too_large', action: 'block' });

    const violations = policyViolations(e, policy);
    const fromPolicy = violations.map((v) => ({ type: v.type, action: actionFor(policy, v.type, 'high') }));

    const d = strongest(fromDetectors);
    const p = strongest(fromPolicy);
    const byPolicy = ACTION_RANK[p.action] > ACTION_RANK[d.action];
    const decided = byPolicy ? p : d;
    const all: DecisionFinding[] = findings.map(masked);
    for (const v of violations) {
      all.push({ type: v.type, severity: 'high', score: 1, detector: 'sdk.policy', evidence: v.evidence, spans: [] });
    }
    const shadow = policy?.enforcement === 'shadow' && decided.action !== 'allow';
    return {
      action: shadow ? 'allow' : decided.action,
      reasons: decided.reasons,
      ...redactedFields(e, findings),
      findings: all,
      decidedBy: byPolicy ? 'policy' : 'detectors',
      ...(shadow ? { shadowAction: decided.action } : {}),
      ...(policy ? { policy: { id: policy.policy_id, version: policy.version } } : {}),
    };
  }

  return {
    check,
    get stats() {
      return { detectorFailures };
    },
  };
}
