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
  REGISTRY_UNREACHABLE: { message: 'the schema registry cannot be reached', statusCode: 503 },
  CLICKHOUSE_UNREACHABLE: { message: 'ClickHouse cannot be reached', statusCode: 503 },
  CLICKHOUSE_MIGRATION_FAILED: { message: 'a ClickHouse migration failed', statusCode: 500 },
  SERDE_NOT_FRAMED: { message: 'record is not in the Confluent wire format (magic byte 0)', statusCode: 400 },
  SERDE_DECODE_FAILED: { message: 'record does not decode with its registered schema', statusCode: 400 },
  SERDE_ENCODE_FAILED: { message: 'value does not match the Avro schema', statusCode: 400 },
  SINK_INSERT_FAILED: { message: 'ClickHouse rejected a batch insert', statusCode: 503 },
  SINK_RECORD_INVALID: { message: 'record cannot be written to ClickHouse', statusCode: 400 },
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
