-- Append-only audit log with a hash chain per stream, and signed checkpoints (DESIGN.md §5; docs/evidence.md).
-- A stream is `tenant:<id>/<name>` (tenant:acme/approvals, tenant:acme/session:<id>); seq is gap-free per
-- stream from 1; hash = sha256(canonical JSON of stream, seq, ts, actor, action, subject, payload, prev_hash)
-- and prev_hash is the hash of seq - 1 (64 zeros for seq 1). payload is that canonical JSON, masked data only.
-- Plain MergeTree: rows are never replaced or merged away. No TTL on purpose: evidence must outlive the
-- retention of events, findings and verdicts; deleting audit rows is a deliberate, separate act.
-- The deduplication window makes an insert retried with the same insert_deduplication_token a no-op.

CREATE TABLE IF NOT EXISTS audit_log
(
    tenant_id    LowCardinality(String),
    stream       String,
    seq          UInt64,
    ts           DateTime64(3, 'UTC'),
    actor        String,
    action       LowCardinality(String),
    subject      String,
    payload      String,
    prev_hash    String,
    hash         String,
    inserted_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (stream, seq)
SETTINGS non_replicated_deduplication_window = 10000;

-- One row per signed checkpoint: the Ed25519 signature (base64) covers the canonical JSON of
-- stream, seq, hash, ts and key_id; key_id = first 16 hex of sha256(SPKI DER of the public key).
CREATE TABLE IF NOT EXISTS audit_checkpoints
(
    tenant_id    LowCardinality(String),
    stream       String,
    seq          UInt64,
    hash         String,
    ts           DateTime64(3, 'UTC'),
    key_id       LowCardinality(String),
    signature    String,
    inserted_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (stream, seq, ts);
