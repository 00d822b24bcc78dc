import type { Decision } from '../../detectors/policy/index.ts';
import type { AgentEvent, Verdict } from '../../schemas/generated/index.ts';
import type { EventDetection } from './detection-task.ts';

/**
 * One verdict per event. Its id is derived from the event id, so a verdict re-issued after a
 * crash or rebalance is the same record downstream (ReplacingMergeTree on verdict_id).
 */
export function buildVerdict(event: AgentEvent, d: Decision, detection: EventDetection, issuedAt: number): Verdict {
  return {
    verdict_id: `v-${event.event_id}`,
    event_id: event.event_id,
    tenant_id: event.tenant_id,
    agent_id: event.agent_id,
    session_id: event.session_id,
    credential_id: event.principal?.credential_id ?? null,
    action: d.action,
    scope: d.scope,
    reasons: d.reasons,
    policy_id: d.policy_id,
    policy_version: d.policy_version,
    issued_at: issuedAt,
    expires_at: d.expires_at,
    // Not clamped: a negative value is clock skew between the enforcement point and warden, worth
    // seeing, and issued_at - latency_ms must give back the event's time exactly (verdicts table key).
    latency_ms: issuedAt - event.ts,
    shadow_action: d.shadow_action,
    redacted_text: detection.redactedText,
    redacted_arguments: detection.redactedArguments,
  };
}
