import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConnectionEnv } from '../lib/connections.ts';
import { readEnv, splitList } from '../lib/env-config.ts';
import { WardenError } from '../lib/errors.ts';
import { DEFAULT_HEC_SOURCETYPE } from './formats/index.ts';

/**
 * The SIEM forwarder's configuration: the connection variables every service shares, a few SIEM_*
 * variables, and the destinations as one JSON document (SIEM_DESTINATIONS, or a file named by
 * SIEM_DESTINATIONS_FILE, e.g. a mounted ConfigMap). Secrets (HEC tokens, webhook keys) are never in
 * that document: a destination names the environment variable that holds them (`tokenEnv`,
 * `secretEnv`), so they come from a Kubernetes Secret as env. Every problem is reported at once,
 * each with the JSON path and what to change.
 */

export const SIEM_SOURCES = ['findings', 'verdicts', 'incidents', 'clock_warnings', 'audit_checkpoints'] as const;
export type SiemSource = (typeof SIEM_SOURCES)[number];

const SiemEnv = Type.Object({
  ...ConnectionEnv,
  SIEM_GROUP_ID: Type.String({ default: 'warden-siem', description: 'Kafka consumer group of the forwarder' }),
  SIEM_SOURCES: Type.String({
    default: SIEM_SOURCES.join(','),
    description:
      'What to forward: findings, verdicts (Kafka), incidents, clock_warnings, audit_checkpoints (ClickHouse)',
  }),
  SIEM_DESTINATIONS: Type.Optional(Type.String({ description: 'JSON array of destinations (see docs/siem.md)' })),
  SIEM_DESTINATIONS_FILE: Type.Optional(Type.String({ description: 'Path of a JSON file with the destinations' })),
  SIEM_FROM_BEGINNING: Type.Boolean({
    default: true,
    description: 'A new consumer group starts at the oldest retained record (at-least-once from day one)',
  }),
  SIEM_POLL_INTERVAL_MS: Type.Integer({
    minimum: 100,
    default: 5000,
    description: 'How often the ClickHouse sources (incidents, clocks, checkpoints) look for new rows',
  }),
  SIEM_CLOCK_WARNING_MS: Type.Integer({
    minimum: 0,
    default: 6 * 3_600_000,
    description: 'A regulatory clock with less than this left (or overdue) is forwarded as a clock warning',
  }),
  SIEM_HOSTNAME: Type.String({ default: hostname(), description: 'HOSTNAME of syslog messages and HEC host' }),
  SIEM_METRICS_PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 9466,
    description: 'Prometheus /metrics, /healthz and /status; 0 = off',
  }),
  METRICS_HOST: Type.String({ default: '127.0.0.1' }),
});

const Severity = Type.Union([
  Type.Literal('info'),
  Type.Literal('low'),
  Type.Literal('medium'),
  Type.Literal('high'),
  Type.Literal('critical'),
]);
const Kind = Type.Union([
  Type.Literal('finding'),
  Type.Literal('verdict'),
  Type.Literal('incident_opened'),
  Type.Literal('clock_warning'),
  Type.Literal('audit_checkpoint'),
]);
const Body = Type.Union([Type.Literal('ocsf'), Type.Literal('cef')]);

const Common = {
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description: 'Metric label and DLQ header' }),
  filter: Type.Optional(
    Type.Object(
      {
        minSeverity: Type.Optional(Severity),
        tenants: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
        kinds: Type.Optional(Type.Array(Kind, { minItems: 1 })),
        /** Finding types or family prefixes ending in '.': 'pii.' matches pii.email. Other kinds pass. */
        findingTypes: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
      },
      { additionalProperties: false },
    ),
  ),
  rateLimitPerSec: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Records per second, sustained' })),
  maxAttempts: Type.Integer({ minimum: 1, default: 8, description: 'Attempts per batch before it is dead-lettered' }),
  backoffInitialMs: Type.Integer({ minimum: 1, default: 200 }),
  backoffMaxMs: Type.Integer({ minimum: 1, default: 30_000 }),
  bufferMaxRecords: Type.Integer({
    minimum: 1,
    default: 10_000,
    description: 'Records waiting for this destination; when full the Kafka consumer pauses',
  }),
  batchMaxRecords: Type.Integer({ minimum: 1, default: 500 }),
  batchMaxWaitMs: Type.Integer({ minimum: 0, default: 200 }),
  timeoutMs: Type.Integer({ minimum: 100, default: 10_000, description: 'Per request / connection attempt' }),
};

const Tls = {
  caFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM CA bundle that signs the receiver' })),
  certFile: Type.Optional(Type.String({ minLength: 1, description: 'Client certificate (mutual TLS)' })),
  keyFile: Type.Optional(Type.String({ minLength: 1 })),
  serverName: Type.Optional(Type.String({ minLength: 1, description: 'SNI and certificate name to check' })),
};

const SyslogDestination = Type.Object(
  {
    type: Type.Literal('syslog'),
    ...Common,
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 6514 }),
    body: Type.Union([Type.Literal('ocsf'), Type.Literal('cef')], { default: 'cef' }),
    appName: Type.String({ default: 'warden', pattern: '^[!-~]{1,48}$' }),
    facility: Type.Integer({ minimum: 0, maximum: 23, default: 13 }),
    ...Tls,
  },
  { additionalProperties: false },
);

const HecDestination = Type.Object(
  {
    type: Type.Literal('hec'),
    ...Common,
    url: Type.String({ pattern: '^https?://', description: 'Base URL, e.g. https://splunk:8088' }),
    tokenEnv: Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', description: 'Env variable holding the HEC token' }),
    channel: Type.Optional(Type.String({ minLength: 1, description: 'GUID; default: one per forwarder start' })),
    index: Type.Optional(Type.String({ minLength: 1 })),
    sourcetype: Type.String({ default: DEFAULT_HEC_SOURCETYPE }),
    source: Type.String({ default: 'warden' }),
    ack: Type.Boolean({ default: false, description: 'Indexer acknowledgement: delivered only once acked' }),
    ackPollIntervalMs: Type.Integer({ minimum: 10, default: 1000 }),
    ackTimeoutMs: Type.Integer({ minimum: 100, default: 60_000 }),
    ...Tls,
  },
  { additionalProperties: false },
);

const WebhookDestination = Type.Object(
  {
    type: Type.Literal('webhook'),
    ...Common,
    url: Type.String({ pattern: '^https?://' }),
    secretEnv: Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', description: 'Env variable holding the HMAC key' }),
    body: Type.Union([Type.Literal('ocsf'), Type.Literal('cef')], { default: 'ocsf' }),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    ...Tls,
  },
  { additionalProperties: false },
);

const Destinations = Type.Array(Type.Union([SyslogDestination, HecDestination, WebhookDestination]), {
  minItems: 1,
});

export type SyslogDestinationConfig = Static<typeof SyslogDestination>;
export type HecDestinationConfig = Static<typeof HecDestination> & { token: string };
export type WebhookDestinationConfig = Static<typeof WebhookDestination> & { secret: string };
export type DestinationConfig = SyslogDestinationConfig | HecDestinationConfig | WebhookDestinationConfig;
export type SeverityName = Static<typeof Severity>;
export type SiemBody = Static<typeof Body>;

export type SiemConfig = ReturnType<typeof loadSiemConfig>;

export function loadSiemConfig(env: NodeJS.ProcessEnv = process.env) {
  const values = readEnv(SiemEnv, env);
  const problems: string[] = [];
  const sources = splitList(values.SIEM_SOURCES);
  for (const s of sources) {
    if (!(SIEM_SOURCES as readonly string[]).includes(s)) {
      problems.push(`SIEM_SOURCES: unknown source "${s}" (allowed: ${SIEM_SOURCES.join(', ')})`);
    }
  }
  const destinations = parseDestinations(values, env, problems);
  if (problems.length > 0) throw new WardenError('CONFIG_INVALID', `\n  - ${problems.join('\n  - ')}`);
  return Object.freeze({
    ...values,
    sources: Object.freeze(sources as SiemSource[]),
    destinations: Object.freeze(destinations),
  });
}

function parseDestinations(
  values: { SIEM_DESTINATIONS?: string; SIEM_DESTINATIONS_FILE?: string },
  env: NodeJS.ProcessEnv,
  problems: string[],
): DestinationConfig[] {
  let text: string;
  let from: string;
  if (values.SIEM_DESTINATIONS && values.SIEM_DESTINATIONS_FILE) {
    problems.push('SIEM_DESTINATIONS and SIEM_DESTINATIONS_FILE are both set: keep one');
    return [];
  }
  if (values.SIEM_DESTINATIONS_FILE) {
    from = 'SIEM_DESTINATIONS_FILE';
    try {
      text = readFileSync(values.SIEM_DESTINATIONS_FILE, 'utf8');
    } catch (err) {
      problems.push(`SIEM_DESTINATIONS_FILE: cannot read ${values.SIEM_DESTINATIONS_FILE} (${(err as Error).message})`);
      return [];
    }
  } else if (values.SIEM_DESTINATIONS) {
    from = 'SIEM_DESTINATIONS';
    text = values.SIEM_DESTINATIONS;
  } else {
    problems.push(
      'SIEM_DESTINATIONS: no destinations; set it to a JSON array such as ' +
        '[{"name":"soc","type":"syslog","host":"siem.example","port":6514,"caFile":"/etc/warden/siem-ca.pem"}] ' +
        'or point SIEM_DESTINATIONS_FILE at a file with one (docs/siem.md)',
    );
    return [];
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    problems.push(`${from}: not JSON (${(err as Error).message}); it must be a JSON array of destinations`);
    return [];
  }
  const withDefaults = Value.Default(Destinations, Value.Clone(raw));
  const errors = [...Value.Errors(Destinations, withDefaults)];
  if (errors.length > 0) {
    // A union reports every branch; name the destination's own type where it has one.
    const seen = new Set<string>();
    for (const e of errors) {
      const line = `${from}${e.path || ''}: ${e.message}${hint(e.schema)}`;
      if (!seen.has(line)) problems.push(line);
      seen.add(line);
      if (seen.size >= 12) break;
    }
    if (Array.isArray(raw)) {
      raw.forEach((d: unknown, i: number) => {
        const t = (d as { type?: unknown } | null)?.type;
        if (t !== 'syslog' && t !== 'hec' && t !== 'webhook') {
          problems.push(`${from}/${i}/type: must be "syslog", "hec" or "webhook" (got ${JSON.stringify(t)})`);
        }
      });
    }
    return [];
  }
  const parsed = withDefaults as Static<typeof Destinations>;
  const names = new Set<string>();
  const out: DestinationConfig[] = [];
  parsed.forEach((d, i) => {
    const at = `${from}/${i}`;
    if (names.has(d.name))
      problems.push(`${at}/name: "${d.name}" is used twice; names label metrics and must be unique`);
    names.add(d.name);
    if (d.backoffMaxMs < d.backoffInitialMs) problems.push(`${at}/backoffMaxMs: must be >= backoffInitialMs`);
    if (d.batchMaxRecords > d.bufferMaxRecords) problems.push(`${at}/batchMaxRecords: must be <= bufferMaxRecords`);
    if ((d.certFile === undefined) !== (d.keyFile === undefined)) {
      problems.push(`${at}: certFile and keyFile go together (mutual TLS needs both)`);
    }
    for (const f of ['caFile', 'certFile', 'keyFile'] as const) {
      const path = d[f];
      if (path === undefined) continue;
      try {
        readFileSync(path);
      } catch (err) {
        problems.push(`${at}/${f}: cannot read ${path} (${(err as Error).message})`);
      }
    }
    if (d.type === 'hec') {
      const token = env[d.tokenEnv];
      if (!token) problems.push(`${at}/tokenEnv: ${d.tokenEnv} is not set; put the HEC token in that variable`);
      if (d.ack && !d.channel) {
        // A random channel per start is fine: acks are polled on the channel that sent the batch.
      }
      out.push({ ...d, token: token ?? '' });
    } else if (d.type === 'webhook') {
      const secret = env[d.secretEnv];
      if (!secret || secret.length < 16) {
        problems.push(`${at}/secretEnv: ${d.secretEnv} must hold the HMAC key (at least 16 characters)`);
      }
      out.push({ ...d, secret: secret ?? '' });
    } else {
      out.push(d);
    }
  });
  return out;
}

function hint(schema: TSchema): string {
  return typeof schema.description === 'string' ? ` (${schema.description})` : '';
}
