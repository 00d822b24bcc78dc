-- Versioned per-agent policies and their change requests (issue 6 item 2; docs/policies.md).
-- One row per proposed version of an agent's policy: version = previous version of that agent + 1,
-- whatever became of the previous one. A row starts `pending` and ends `applied` or `rejected`;
-- each state change re-inserts the row with a later updated_at (ReplacingMergeTree; read with FINAL).
-- change_id is the change request id approvers use (POST /v1/change-requests/:id/approve).
-- policy is the canonical JSON of the Policy payload of control-record.avsc, version included.
-- requires_approval = the agent was high-risk (or the tenant default '*') when proposed: four-eyes.
-- The audit trail of every proposal and decision is in audit_log (stream tenant:<id>/policies).

CREATE TABLE IF NOT EXISTS policy_versions
(
    tenant_id          LowCardinality(String),
    agent_id           String,
    version            UInt32,
    change_id          String,
    status             LowCardinality(String),
    policy             String,
    reason             String,
    risk_tier          LowCardinality(String) DEFAULT '',
    requires_approval  Bool,
    proposed_by        String,
    proposed_at        DateTime64(3, 'UTC'),
    decided_by         String DEFAULT '',
    decided_at         Nullable(DateTime64(3, 'UTC')),
    decision_comment   String DEFAULT '',
    applied_at         Nullable(DateTime64(3, 'UTC')),
    control_offset     String DEFAULT '',
    updated_at         DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (tenant_id, agent_id, version);
