-- Incidents (issue 6 item 4; docs/incidents.md). One row per version of an incident: every change
-- (open, classify, notification recorded) inserts the whole incident again with version + 1, and
-- ReplacingMergeTree(version) keeps the latest; read with FINAL. Every change is also appended to the
-- audit log, stream tenant:<id>/incidents, before the row is written.
-- *_classified_at: when that classification flag was set (the DORA clock runs from it); NULL = not
-- classified under that regime. notifications: JSON array of {regime, stage, sent_at, reference,
-- recorded_by, recorded_at}. No TTL: incidents are evidence and outlive the findings they cite.

CREATE TABLE IF NOT EXISTS incidents
(
    tenant_id                  LowCardinality(String),
    incident_id                String,
    version                    UInt64,
    title                      String,
    description                String DEFAULT '',
    detected_at                DateTime64(3, 'UTC'),
    opened_by                  String,
    opened_at                  DateTime64(3, 'UTC'),
    updated_at                 DateTime64(3, 'UTC'),
    agent_ids                  Array(String),
    finding_ids                Array(String),
    gdpr_personal_data_breach  Bool DEFAULT false,
    nis2_significant           Bool DEFAULT false,
    dora_major_ict             Bool DEFAULT false,
    gdpr_classified_at         Nullable(DateTime64(3, 'UTC')),
    nis2_classified_at         Nullable(DateTime64(3, 'UTC')),
    dora_classified_at         Nullable(DateTime64(3, 'UTC')),
    notifications              String DEFAULT '[]'
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant_id, incident_id);
