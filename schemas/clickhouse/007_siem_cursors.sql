-- Durable read positions of the SIEM forwarder's ClickHouse sources (services/siem/sources/
-- clickhouse-source.ts): one row per (consumer, source), the latest updated_at wins (read with FINAL).
-- consumer = SIEM_GROUP_ID, so two forwarders with different groups each forward everything.
-- source = incidents | audit_checkpoints, position = the last forwarded row's sort key; clock
-- warnings store one row per warning sent (source = clock:<tenant>/<incident>/<regime>/<stage>/<status>)
-- so a warning goes out once per status, across restarts.
CREATE TABLE IF NOT EXISTS siem_cursors
(
    consumer    String,
    source      String,
    position    String,
    updated_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (consumer, source);
