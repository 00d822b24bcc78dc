/**
 * ClickHouse's own error contract, as its HTTP interface shows it: a numeric code, a symbolic
 * name, the text `Code: N. DB::Exception: <message>. (NAME) (version V)` in the body, the code in
 * `X-ClickHouse-Exception-Code`, and an HTTP status derived from the code. Clients (clickhouse-js,
 * Grafana) parse the text, so it must match byte for byte in shape.
 */

/** The codes this adapter raises itself, by ClickHouse's names (src/Common/ErrorCodes.cpp). */
export const CH = {
  SYNTAX_ERROR: 62,
  UNKNOWN_SETTING: 115,
  TOO_MANY_SIMULTANEOUS_QUERIES: 202,
  ZLIB_INFLATE_FAILED: 354,
  SESSION_IS_LOCKED: 373,
  QUERY_IS_TOO_LARGE: 393,
  AUTHENTICATION_FAILED: 516,
} as const;

const NAME_BY_CODE = new Map<number, string>(Object.entries(CH).map(([name, code]) => [code, name]));

// HTTPHandler.cpp: exceptionCodeToHTTPStatus in ClickHouse. Codes not listed map to 500.
// Parse failures, SYNTAX_ERROR, TYPE_MISMATCH, INCORRECT_DATA, AST too deep/big → 400.
const BAD_REQUEST = [6, 25, 26, 27, 38, 41, 53, 62, 72, 117, 167, 168, 376];
// UNKNOWN_{FUNCTION,IDENTIFIER,TYPE,STORAGE,TABLE,AGGREGATE_FUNCTION,FORMAT,DATABASE,...} → 404.
const NOT_FOUND = [46, 47, 50, 56, 60, 63, 73, 81, 113, 115, 336, 511];
const STATUS_BY_CODE = new Map<number, number>([
  ...BAD_REQUEST.map((c): [number, number] => [c, 400]),
  ...NOT_FOUND.map((c): [number, number] => [c, 404]),
  [194, 401], // REQUIRED_PASSWORD
  [192, 403], // UNKNOWN_USER
  [193, 403], // WRONG_PASSWORD
  [516, 403], // AUTHENTICATION_FAILED
  [497, 403], // ACCESS_DENIED
  [393, 413], // QUERY_IS_TOO_LARGE
  [48, 501], // NOT_IMPLEMENTED
  [209, 503], // SOCKET_TIMEOUT
  [76, 503], // CANNOT_OPEN_FILE
  [159, 408], // TIMEOUT_EXCEEDED
  [439, 503], // CANNOT_SCHEDULE_TASK
  // The real server answers 500 here; 503 tells load balancers and retrying clients that the
  // condition is transient, which is what an overloaded local adapter means.
  [202, 503], // TOO_MANY_SIMULTANEOUS_QUERIES
]);

export function httpStatusForCode(code: number): number {
  return STATUS_BY_CODE.get(code) ?? 500;
}

/** An error already in ClickHouse's shape; `text` is the body up to and excluding the version. */
export class ClickHouseHttpError extends Error {
  readonly code: number;
  readonly text: string;
  readonly httpStatus: number;

  constructor(code: number, text: string, options?: { cause?: unknown; httpStatus?: number }) {
    super(text, options);
    this.name = 'ClickHouseHttpError';
    this.code = code;
    this.text = text;
    this.httpStatus = options?.httpStatus ?? httpStatusForCode(code);
  }

  /** Builds the engine's exact phrasing for an error the adapter raises on its own. */
  static of(code: number, message: string, options?: { cause?: unknown; httpStatus?: number }): ClickHouseHttpError {
    const name = NAME_BY_CODE.get(code) ?? 'UNKNOWN_EXCEPTION';
    const sentence = /[.!?]$/.test(message) ? message : `${message}.`;
    return new ClickHouseHttpError(code, `Code: ${code}. DB::Exception: ${sentence} (${name})`, options);
  }
}

// Anchored at the innermost "Code: N." like clickhouse-js's parser, so wrapped errors keep their code.
const CODE_RE = /Code: (\d+)\. /;

/**
 * Turns anything chDB throws into a ClickHouseHttpError. chDB's messages already carry
 * `Code: N. DB::Exception: ... (NAME)`; only the code needs lifting out. Errors without a code
 * (the binding's own, e.g. a closed session) become 1001 STD_EXCEPTION like the server's.
 */
export function toClickHouseError(err: unknown): ClickHouseHttpError {
  if (err instanceof ClickHouseHttpError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const match = CODE_RE.exec(message);
  if (match?.[1] !== undefined) {
    const text = message.slice(match.index).trimEnd();
    return new ClickHouseHttpError(Number(match[1]), text, { cause: err });
  }
  return new ClickHouseHttpError(1001, `Code: 1001. DB::Exception: ${message.trimEnd()} (STD_EXCEPTION)`, {
    cause: err,
  });
}

/** The body the real server writes: the exception text, its version, and a newline. */
export function errorBody(err: ClickHouseHttpError, version: string): string {
  return `${err.text} (version ${version} (official build))\n`;
}
