import type { AgentEvent, Finding, Verdict } from '../../schemas/generated/index.ts';

/**
 * Flattens each contract into its ClickHouse row (schemas/clickhouse/001_core_tables.sql).
 * Timestamps stay numbers (epoch milliseconds): RowBinary writes them as DateTime64 ticks and
 * JSONEachRow reads an integer into DateTime64(3) as milliseconds, so neither side parses dates.
 */
export interface RowContext {
  partition: number;
  offset: string;
  retentionDays: number;
}

export function eventRow(e: AgentEvent, ctx: RowContext): Record<string, unknown> {
  return {
    event_id: e.event_id,
    ts: e.ts,
    tenant_id: e.tenant_id,
    agent_id: e.agent_id,
    agent_version: e.agent_version ?? '',
    owner: e.owner ?? '',
    environment: e.environment,
    session_id: e.session_id,
    trace_id: e.trace_id ?? '',
    span_id: e.span_id ?? '',
    kind: e.kind,
    model_system: e.model?.system ?? '',
    model_name: e.model?.name ?? '',
    tool_name: e.tool?.name ?? '',
    tool_target: e.tool?.target ?? '',
    tool_mode: e.tool?.mode ?? '',
    // Clear content and tool arguments are deliberately not stored: only hash and length.
    content_sha256: e.content?.sha256 ?? '',
    content_length: e.content?.length ?? 0,
    content_truncated: e.content?.truncated ?? false,
    input_tokens: e.usage?.input_tokens ?? 0,
    output_tokens: e.usage?.output_tokens ?? 0,
    cost_usd: e.usage?.cost_usd ?? 0,
    user_id: e.principal?.user_id ?? '',
    credential_id: e.principal?.credential_id ?? '',
    enforcement_point_id: e.source.enforcement_point_id,
    source_mode: e.source.mode,
    data_classes: e.data_classes,
    attributes: e.attributes,
    retention_days: ctx.retentionDays,
    kafka_partition: ctx.partition,
    kafka_offset: ctx.offset,
  };
}

export function findingRow(f: Finding, ctx: RowContext): Record<string, unknown> {
  return {
    finding_id: f.finding_id,
    event_id: f.event_id,
    ts: f.ts,
    tenant_id: f.tenant_id,
    agent_id: f.agent_id,
    session_id: f.session_id,
    detector: f.detector,
    detector_version: f.detector_version,
    type: f.type,
    severity: f.severity,
    score: f.score,
    spans: f.spans.map((s) => ({ field: s.field, start: s.start, end: s.end })),
    evidence: f.evidence,
    attributes: f.attributes,
    retention_days: ctx.retentionDays,
  };
}

export function verdictRow(v: Verdict, ctx: RowContext): Record<string, unknown> {
  return {
    verdict_id: v.verdict_id,
    event_id: v.event_id ?? '',
    tenant_id: v.tenant_id,
    agent_id: v.agent_id,
    session_id: v.session_id ?? '',
    credential_id: v.credential_id ?? '',
    action: v.action,
    scope: v.scope,
    reasons: v.reasons,
    policy_id: v.policy_id,
    policy_version: v.policy_version,
    issued_at: v.issued_at,
    // The verdict's key time: the event's, identical for every re-issue of the same verdict.
    event_ts: v.issued_at - v.latency_ms,
    expires_at: v.expires_at,
    latency_ms: v.latency_ms,
    shadow_action: v.shadow_action ?? '',
    content_redacted: v.redacted_text ?? '',
    arguments_redacted: v.redacted_arguments ?? '',
    retention_days: ctx.retentionDays,
  };
}
