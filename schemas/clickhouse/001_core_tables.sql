-- Core tables: one row per event, finding and verdict (DESIGN.md §5).
-- Partitioned by day, ordered for the common filters (tenant, agent, time). ReplacingMergeTree on the
-- contract's id makes a record delivered twice (at-least-once) collapse to one row; the sink also
-- sends an insert_deduplication_token so a retried batch is dropped at insert time.
-- retention_days is per row, set by the sink from the tenant's retention, so TTL is per tenant.
-- Content is never stored in clear in `events`: only its hash and length. The text as warden keeps
-- it, with every PII and secret span replaced, arrives with the event's verdict (verdicts.content_redacted).

CREATE TABLE IF NOT EXISTS events
(
    event_id              String,
    ts                    DateTime64(3, 'UTC'),
    tenant_id             LowCardinality(String),
    agent_id              LowCardinality(String),
    agent_version         LowCardinality(String) DEFAULT '',
    owner                 LowCardinality(String) DEFAULT '',
    environment           LowCardinality(String),
    session_id            String,
    trace_id              String DEFAULT '',
    span_id               String DEFAULT '',
    kind                  LowCardinality(String),
    model_system          LowCardinality(String) DEFAULT '',
    model_name            LowCardinality(String) DEFAULT '',
    tool_name             LowCardinality(String) DEFAULT '',
    tool_target           String DEFAULT '',
    tool_mode             LowCardinality(String) DEFAULT '',
    content_sha256        String DEFAULT '',
    content_length        UInt64 DEFAULT 0,
    content_truncated     Bool DEFAULT false,
    input_tokens          UInt64 DEFAULT 0,
    output_tokens         UInt64 DEFAULT 0,
    cost_usd              Float64 DEFAULT 0,
    user_id               String DEFAULT '',
    credential_id         String DEFAULT '',
    enforcement_point_id  LowCardinality(String),
    source_mode           LowCardinality(String),
    data_classes          Array(LowCardinality(String)),
    attributes            Map(String, String),
    retention_days        UInt16 DEFAULT 90,
    kafka_partition       UInt32 DEFAULT 0,
    kafka_offset          UInt64 DEFAULT 0,
    ingested_at           DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toDate(ts)
ORDER BY (tenant_id, agent_id, ts, event_id)
TTL toDateTime(ts) + toIntervalDay(retention_days)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS findings
(
    finding_id        String,
    event_id          String,
    ts                DateTime64(3, 'UTC'),
    tenant_id         LowCardinality(String),
    agent_id          LowCardinality(String),
    session_id        String,
    detector          LowCardinality(String),
    detector_version  LowCardinality(String),
    type              LowCardinality(String),
    severity          LowCardinality(String),
    score             Float64,
    spans             Array(Tuple(field String, start UInt32, end UInt32)),
    evidence          String,
    attributes        Map(String, String),
    retention_days    UInt16 DEFAULT 365,
    ingested_at       DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toDate(ts)
ORDER BY (tenant_id, agent_id, ts, finding_id)
TTL toDateTime(ts) + toIntervalDay(retention_days)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS verdicts
(
    verdict_id      String,
    event_id        String DEFAULT '',
    tenant_id       LowCardinality(String),
    agent_id        LowCardinality(String),
    session_id      String DEFAULT '',
    credential_id   String DEFAULT '',
    action          LowCardinality(String),
    scope           LowCardinality(String),
    reasons         Array(LowCardinality(String)),
    policy_id       LowCardinality(String),
    policy_version  UInt32,
    issued_at       DateTime64(3, 'UTC'),
    -- The decided event's time (issued_at - latency_ms): a verdict re-issued after a crash or a
    -- rebalance keeps its key, so ReplacingMergeTree collapses the copies; issued_at would not.
    event_ts        DateTime64(3, 'UTC') DEFAULT issued_at,
    expires_at      Nullable(DateTime64(3, 'UTC')),
    latency_ms      Float64,
    shadow_action   LowCardinality(String) DEFAULT '',
    content_redacted    String DEFAULT '',
    arguments_redacted  String DEFAULT '',
    retention_days  UInt16 DEFAULT 365,
    ingested_at     DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toDate(event_ts)
ORDER BY (tenant_id, agent_id, event_ts, verdict_id)
TTL toDateTime(issued_at) + toIntervalDay(retention_days)
SETTINGS non_replicated_deduplication_window = 1000;
