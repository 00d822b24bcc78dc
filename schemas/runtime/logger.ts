import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths that may carry agent content, tool arguments or credentials. Redaction is compiled once
 * at construction by pino, so it costs nothing on the hot path; clear PII never reaches a log line.
 */
const REDACT_PATHS = [
  'content',
  '*.content',
  'text',
  '*.text',
  'arguments',
  '*.arguments',
  'tool.arguments',
  '*.tool.arguments',
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

export interface LoggerOptions {
  /** pino level; defaults to LOG_LEVEL read by the caller's config, else info. */
  level?: string;
  /** Write to this file descriptor or path instead of stdout (used by the local stack's supervisors). */
  destination?: number | string;
}

/** The one pino factory: every component takes a child of this with its own `component` binding. */
export function createLogger(component: string, options: LoggerOptions = {}): Logger {
  const destination = options.destination === undefined ? 1 : options.destination;
  return pino(
    {
      name: 'warden',
      level: options.level ?? 'info',
      base: { component },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ dest: destination, sync: typeof destination === 'number' }),
  );
}
