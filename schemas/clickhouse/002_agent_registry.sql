-- Registered agents (issue 6: inventory and discovery). One row per (tenant, agent); a new
-- registration replaces the previous one (ReplacingMergeTree on updated_at; read with FINAL).
-- An agent seen in `events` without a row here is a shadow agent.
-- risk_tier: high = EU AI Act high-risk system (Annex III), limited, minimal.

CREATE TABLE IF NOT EXISTS agent_registry
(
    tenant_id      LowCardinality(String),
    agent_id       String,
    owner          String,
    purpose        String,
    risk_tier      LowCardinality(String),
    registered_by  String,
    registered_at  DateTime64(3, 'UTC'),
    updated_at     DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (tenant_id, agent_id);
