/**
 * Every error warden raises on purpose carries a stable code from this file. The same code is the
 * HTTP `code`, the `code` log field, a metric label and the dead-letter `reason`; docs/errors.md
 * lists each one and test/unit/errors.test.ts keeps the two in step. Retired codes are never reused.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: { message: 'configuration is invalid', statusCode: 500 },
  STACK_DEPENDENCY_MISSING: { message: 'a tool the local stack needs is not installed', statusCode: 500 },
  STACK_START_FAILED: { message: 'a local stack component did not become healthy', statusCode: 500 },
  STACK_PORT_IN_USE: { message: 'a port the local stack needs is taken by another process', statusCode: 500 },
  KAFKA_UNREACHABLE: { message: 'the Kafka brokers cannot be reached', statusCode: 503 },
  KAFKA_TOPIC_MISSING: { message: 'a warden topic does not exist', statusCode: 503 },
  REGISTRY_UNREACHABLE: { message: 'the schema registry cannot be reached', statusCode: 503 },
  CLICKHOUSE_UNREACHABLE: { message: 'ClickHouse cannot be reached', statusCode: 503 },
  CLICKHOUSE_MIGRATION_FAILED: { message: 'a ClickHouse migration failed', statusCode: 500 },
  SERDE_NOT_FRAMED: { message: 'record is not in the Confluent wire format (magic byte 0)', statusCode: 400 },
  SERDE_DECODE_FAILED: { message: 'record does not decode with its registered schema', statusCode: 400 },
  SERDE_ENCODE_FAILED: { message: 'value does not match the Avro schema', statusCode: 400 },
  SINK_INSERT_FAILED: { message: 'ClickHouse rejected a batch insert', statusCode: 503 },
  SINK_RECORD_INVALID: { message: 'record cannot be written to ClickHouse', statusCode: 400 },
  DETECT_WORKER_FAILED: { message: 'a detector worker thread died while scanning a batch', statusCode: 500 },
  SDK_OPTIONS_INVALID: { message: 'enforcer options are invalid', statusCode: 500 },
  SDK_START_TIMEOUT: {
    message: 'the enforcer did not catch up with the control and verdict topics in time',
    statusCode: 503,
  },
  SDK_TENANT_MISMATCH: { message: 'the event belongs to another tenant than the enforcer', statusCode: 403 },
  SDK_AGENT_NOT_SUBSCRIBED: { message: 'the enforcer does not follow verdicts for this agent', statusCode: 400 },
  DECISION_UNAUTHORIZED: { message: 'missing or unknown API key', statusCode: 401 },
  DECISION_FORBIDDEN: { message: 'the API key may not submit events for this tenant', statusCode: 403 },
  DECISION_BODY_INVALID: { message: 'the request body is not a valid AgentEvent', statusCode: 400 },
  DECISION_BODY_TOO_LARGE: { message: 'the request body exceeds DECISION_MAX_BODY_BYTES', statusCode: 413 },
  DECISION_NOT_READY: { message: 'the decision service is still catching up with Kafka', statusCode: 503 },
  MCP_PROXY_UPSTREAM_UNAVAILABLE: { message: 'an upstream MCP server cannot be started or reached', statusCode: 502 },
  MCP_PROXY_WARDEN_UNAVAILABLE: { message: "warden's decision endpoint did not answer", statusCode: 503 },
  MCP_PROXY_TOOL_UNKNOWN: { message: 'no upstream MCP server offers this tool', statusCode: 404 },
  MCP_PROXY_TOOL_BLOCKED: { message: 'warden refused the tool call or its result', statusCode: 403 },
  MCP_PROXY_TOOL_UNAPPROVED: { message: 'the tool definition is not approved', statusCode: 403 },
  MCP_PROXY_MIRROR_FAILED: { message: 'events could not be mirrored to the ingest API', statusCode: 503 },
  MCP_PROXY_UNAUTHORIZED: { message: 'missing or unknown proxy API key', statusCode: 401 },
  INGEST_UNAUTHENTICATED: {
    message: 'no valid API key (Authorization: Bearer <key> or X-API-Key) or client certificate',
    statusCode: 401,
  },
  INGEST_TENANT_FORBIDDEN: { message: "the API key may not write this tenant's events", statusCode: 403 },
  INGEST_BODY_TOO_LARGE: { message: 'request body is larger than INGEST_MAX_BODY_BYTES', statusCode: 413 },
  INGEST_TOO_MANY_EVENTS: {
    message: 'request carries more events than INGEST_MAX_EVENTS_PER_REQUEST',
    statusCode: 413,
  },
  INGEST_UNSUPPORTED_MEDIA_TYPE: { message: 'unsupported Content-Type or Content-Encoding', statusCode: 415 },
  INGEST_MALFORMED_BODY: { message: 'request body cannot be parsed', statusCode: 400 },
  INGEST_INVALID_EVENT: { message: 'event does not match the AgentEvent contract', statusCode: 400 },
  INGEST_SPAN_UNMAPPABLE: { message: 'a GenAI span cannot be mapped to an AgentEvent', statusCode: 400 },
  INGEST_OVERLOADED: { message: 'too many bytes in flight to Kafka; retry later', statusCode: 429 },
  INGEST_SATURATED: { message: 'ingest is saturated; retry later', statusCode: 503 },
  INGEST_KAFKA_UNAVAILABLE: { message: 'Kafka did not acknowledge the events in time; retry later', statusCode: 503 },
  INGEST_ROUTE_NOT_FOUND: { message: 'no such route', statusCode: 404 },
  INGEST_INTERNAL_ERROR: { message: 'unexpected error in the ingest service', statusCode: 500 },
  API_UNAUTHENTICATED: { message: 'no valid API key (Authorization: Bearer <key>)', statusCode: 401 },
  API_FORBIDDEN: { message: "the API key's role may not call this endpoint", statusCode: 403 },
  API_NOT_FOUND: { message: 'no such resource', statusCode: 404 },
  API_INVALID_REQUEST: { message: 'the request does not match the endpoint schema', statusCode: 400 },
  API_PARAM_TOO_LONG: { message: 'a path parameter is longer than the router accepts', statusCode: 414 },
  API_CONTROL_UNAVAILABLE: {
    message: 'Kafka did not acknowledge the control record in time; retry',
    statusCode: 503,
  },
  API_STORE_UNAVAILABLE: { message: 'ClickHouse did not answer the query', statusCode: 503 },
  API_INTERNAL_ERROR: { message: 'unexpected error in the governance API', statusCode: 500 },
  AUDIT_RECORD_INVALID: { message: 'audit record is invalid', statusCode: 400 },
  AUDIT_STREAM_INVALID: { message: 'audit stream name is invalid', statusCode: 400 },
  AUDIT_APPEND_FAILED: { message: 'ClickHouse did not acknowledge audit records', statusCode: 503 },
  AUDIT_CHAIN_BROKEN: {
    message: 'the stored audit chain does not verify; refusing to sign a checkpoint',
    statusCode: 500,
  },
  AUDIT_CHECKPOINT_FAILED: { message: 'an audit checkpoint could not be written', statusCode: 503 },
  AUDIT_SIGNING_KEY_MISSING: { message: 'no audit signing key', statusCode: 500 },
  AUDIT_SIGNING_KEY_INVALID: { message: 'the audit signing key is not an Ed25519 private key', statusCode: 500 },
  EVIDENCE_EXPORT_FAILED: { message: 'the evidence bundle could not be exported', statusCode: 503 },
  EVIDENCE_STREAM_FORBIDDEN: { message: 'the stream belongs to another tenant', statusCode: 403 },
  EVIDENCE_STREAM_NOT_FOUND: { message: 'no audit records in the requested stream', statusCode: 404 },
  EVIDENCE_OUT_DIR_NOT_EMPTY: { message: 'the output directory exists and is not empty', statusCode: 400 },
  EVIDENCE_BUNDLE_UNREADABLE: { message: 'the evidence bundle directory cannot be read', statusCode: 400 },
  POLICY_SELF_APPROVAL: {
    message: 'four-eyes rule: the proposer of a policy change may not approve it',
    statusCode: 403,
  },
  POLICY_CHANGE_NOT_FOUND: { message: 'no such policy change request in the caller tenant', statusCode: 404 },
  POLICY_CHANGE_DECIDED: { message: 'the policy change request was already approved or rejected', statusCode: 409 },
  POLICY_CHANGE_PENDING: {
    message: 'the agent already has a pending policy change; approve or reject it first',
    statusCode: 409,
  },
  INCIDENT_FINDINGS_UNKNOWN: {
    message: "a finding id given to an incident is not a finding of the caller's tenant",
    statusCode: 400,
  },
  INCIDENT_NOTIFICATION_INVALID: {
    message: 'the regime and stage do not name a notification the incident can have',
    statusCode: 400,
  },
  SIEM_RECORD_UNMAPPABLE: { message: 'a record cannot be mapped to a SIEM format', statusCode: 400 },
  SIEM_DESTINATION_UNREACHABLE: { message: 'a SIEM destination cannot be connected to', statusCode: 503 },
  SIEM_DESTINATION_TLS_FAILED: { message: 'the TLS handshake with a SIEM destination failed', statusCode: 502 },
  SIEM_DESTINATION_REJECTED: { message: 'a SIEM destination refused the request (4xx)', statusCode: 502 },
  SIEM_DESTINATION_UNAVAILABLE: { message: 'a SIEM destination is overloaded or failing (429/5xx)', statusCode: 503 },
  SIEM_DESTINATION_TIMEOUT: { message: 'a SIEM destination did not answer in time', statusCode: 504 },
  SIEM_HEC_ACK_TIMEOUT: { message: 'Splunk did not acknowledge indexing of a batch in time', statusCode: 504 },
} as const satisfies Record<string, { message: string; statusCode: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class WardenError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    const base = ERROR_CODES[code];
    super(detail ? `${base.message}: ${detail}` : base.message, options);
    this.name = 'WardenError';
    this.code = code;
    this.statusCode = base.statusCode;
  }
}

export function isWardenError(err: unknown): err is WardenError {
  return err instanceof WardenError;
}
