-- Per-agent rollups for the inventory (GET /v1/agents, `warden agents`), so a listing reads one row
-- per agent and day instead of scanning every event and finding of the tenant.
-- Every aggregate is idempotent (min, max, argMax, distinct sets, uniqCombined of event ids), so an
-- event delivered twice, or counted by both the view and the backfill below, changes nothing.
-- `events` is uniqCombined: exact for small counts, within about 1 % once an agent has tens of
-- thousands of events (docs/api.md).

CREATE TABLE IF NOT EXISTS agent_activity_daily
(
    tenant_id          LowCardinality(String),
    agent_id           String,
    day                Date,
    owner              AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    environment        AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    models             AggregateFunction(groupUniqArray, String),
    tools              AggregateFunction(groupUniqArray, String),
    destinations       AggregateFunction(groupUniqArray, String),
    declared_classes   AggregateFunction(groupUniqArrayArray, Array(String)),
    first_seen         SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen          SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    events             AggregateFunction(uniqCombined, String),
    retention_days     SimpleAggregateFunction(max, UInt16)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (tenant_id, agent_id, day)
TTL day + toIntervalDay(retention_days);

CREATE MATERIALIZED VIEW IF NOT EXISTS agent_activity_daily_mv TO agent_activity_daily AS
SELECT
    tenant_id,
    toString(agent_id) AS agent_id,
    toDate(ts) AS day,
    argMaxState(toString(owner), ts) AS owner,
    argMaxState(toString(environment), ts) AS environment,
    groupUniqArrayStateIf(toString(model_name), model_name != '') AS models,
    groupUniqArrayStateIf(toString(tool_name), tool_name != '') AS tools,
    groupUniqArrayStateIf(tool_target, tool_target != '') AS destinations,
    groupUniqArrayArrayState(arrayMap(c -> toString(c), data_classes)) AS declared_classes,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
    uniqCombinedState(event_id) AS events,
    max(retention_days) AS retention_days
FROM events
GROUP BY tenant_id, agent_id, day;

-- Finding types seen per agent: the inventory's data classes come from them.
CREATE TABLE IF NOT EXISTS agent_finding_types
(
    tenant_id   LowCardinality(String),
    agent_id    String,
    type        LowCardinality(String),
    last_seen   SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY (tenant_id, agent_id, type);

CREATE MATERIALIZED VIEW IF NOT EXISTS agent_finding_types_mv TO agent_finding_types AS
SELECT tenant_id, toString(agent_id) AS agent_id, type, max(ts) AS last_seen
FROM findings
GROUP BY tenant_id, agent_id, type;

-- Backfill what was stored before the views existed (once; duplicates with the views are harmless).
INSERT INTO agent_activity_daily
SELECT
    tenant_id,
    toString(agent_id) AS agent_id,
    toDate(ts) AS day,
    argMaxState(toString(owner), ts),
    argMaxState(toString(environment), ts),
    groupUniqArrayStateIf(toString(model_name), model_name != ''),
    groupUniqArrayStateIf(toString(tool_name), tool_name != ''),
    groupUniqArrayStateIf(tool_target, tool_target != ''),
    groupUniqArrayArrayState(arrayMap(c -> toString(c), data_classes)),
    min(ts),
    max(ts),
    uniqCombinedState(event_id),
    max(retention_days)
FROM events
GROUP BY tenant_id, agent_id, day;

INSERT INTO agent_finding_types
SELECT tenant_id, toString(agent_id) AS agent_id, type, max(ts)
FROM findings
GROUP BY tenant_id, agent_id, type;
