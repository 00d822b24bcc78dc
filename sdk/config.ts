import type { DetectorConfig } from '../detectors/detector.ts';
import { WardenError } from '../schemas/runtime/errors.ts';
import type { KafkaConnection } from '../schemas/runtime/kafka/client.ts';
import type { Logger } from '../schemas/runtime/logger.ts';
import type { RegistryConnection } from '../schemas/runtime/serde/avro-codec.ts';

/** Which detectors run inline. The ML injection classifier is off by default: the detect service runs it. */
export interface DetectorOptions {
  /** Run the injection classifier (`injection.ml`) inline too. Default false. */
  readonly mlClassifier?: boolean;
  /** Detector families or rule ids to switch off, e.g. `pii.ip_address`. */
  readonly disabled?: readonly string[];
  /** Other detector settings (`maxScanChars`, …); see detectors/detector.ts. */
  readonly settings?: Partial<Omit<DetectorConfig, 'disabled'>>;
}

/** Options of the pure, synchronous part: detectors and the local decision. */
export interface InlineCheckOptions {
  readonly tenantId: string;
  /** Agents whose events this enforcer checks and whose verdicts it keeps. Default `'all'`. */
  readonly agentIds?: readonly string[] | 'all';
  readonly detectors?: DetectorOptions;
  /**
   * A content.text or tool.arguments longer than the detectors scan (`maxScanChars`, 64 Ki chars by
   * default): `'block'` (default; the unscanned tail could carry anything) or `'scan_prefix'`.
   */
  readonly oversizedContent?: 'block' | 'scan_prefix';
  readonly logger?: Logger;
}

/** Bounds of the decision cache (standing decisions from the verdicts topic). */
export interface CacheOptions {
  /** Most standing decisions kept; the least recently used one goes first when full. Default 100 000. */
  readonly maxEntries?: number;
  /** Lifetime of a standing verdict without expires_at. Default 24 h, the verdicts topic's retention. */
  readonly defaultTtlMs?: number;
}

export interface EnforcerOptions extends InlineCheckOptions {
  /** Kafka connection, named like the environment variables of services/lib/connections.ts. */
  readonly kafka: Partial<KafkaConnection> & Pick<KafkaConnection, 'KAFKA_BROKERS'>;
  /** Schema registry: its Confluent-compatible base URL, or a connection with credentials. */
  readonly registry: RegistryConnection | string;
  /** Prefix of every warden topic (KAFKA_TOPIC_PREFIX). Default empty. */
  readonly topicPrefix?: string;
  readonly cache?: CacheOptions;
  /** Longest `start` waits for the control topic to be read and the verdicts topic joined. Default 30 s. */
  readonly startTimeoutMs?: number;
}

export interface ResolvedInlineOptions {
  readonly tenantId: string;
  readonly agentIds: ReadonlySet<string> | 'all';
  readonly mlClassifier: boolean;
  readonly disabled: readonly string[];
  readonly detectorSettings: Partial<Omit<DetectorConfig, 'disabled'>>;
  readonly oversizedContent: 'block' | 'scan_prefix';
}

export interface ResolvedEnforcerOptions extends ResolvedInlineOptions {
  readonly kafka: KafkaConnection;
  readonly registry: RegistryConnection;
  readonly topicPrefix: string;
  readonly cacheMaxEntries: number;
  readonly cacheDefaultTtlMs: number;
  readonly startTimeoutMs: number;
}

export const ENFORCER_DEFAULTS = Object.freeze({
  cacheMaxEntries: 100_000,
  cacheDefaultTtlMs: 86_400_000,
  startTimeoutMs: 30_000,
  kafkaClientId: 'warden-sdk',
  kafkaConnectTimeoutMs: 5000,
});

function positiveInt(name: string, v: unknown, problems: string[]): void {
  if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)) {
    problems.push(`${name} must be a positive integer (got ${JSON.stringify(v)})`);
  }
}

function nonEmptyString(name: string, v: unknown, problems: string[]): void {
  if (typeof v !== 'string' || v.trim() === '') problems.push(`${name} must be a non-empty string`);
}

function checkInline(o: InlineCheckOptions, problems: string[]): void {
  nonEmptyString('tenantId', o.tenantId, problems);
  const a = o.agentIds;
  if (a !== undefined && a !== 'all') {
    if (!Array.isArray(a) || a.length === 0 || a.some((x) => typeof x !== 'string' || x === '')) {
      problems.push("agentIds must be 'all' or a non-empty array of agent ids");
    }
  }
  const d = o.detectors;
  if (d?.mlClassifier !== undefined && typeof d.mlClassifier !== 'boolean') {
    problems.push('detectors.mlClassifier must be a boolean');
  }
  if (d?.disabled !== undefined && (!Array.isArray(d.disabled) || d.disabled.some((x) => typeof x !== 'string'))) {
    problems.push('detectors.disabled must be an array of detector ids');
  }
  if (o.oversizedContent !== undefined && o.oversizedContent !== 'block' && o.oversizedContent !== 'scan_prefix') {
    problems.push("oversizedContent must be 'block' or 'scan_prefix'");
  }
}

function fail(problems: string[]): never {
  throw new WardenError('SDK_OPTIONS_INVALID', `\n  - ${problems.join('\n  - ')}`);
}

function inlinePart(o: InlineCheckOptions): ResolvedInlineOptions {
  const ml = o.detectors?.mlClassifier ?? false;
  const disabled = [...(o.detectors?.disabled ?? [])];
  if (!ml && !disabled.includes('injection.ml')) disabled.push('injection.ml');
  return {
    tenantId: o.tenantId,
    agentIds: o.agentIds === undefined || o.agentIds === 'all' ? 'all' : new Set(o.agentIds),
    mlClassifier: ml,
    disabled: Object.freeze(disabled),
    detectorSettings: Object.freeze({ ...o.detectors?.settings }),
    oversizedContent: o.oversizedContent ?? 'block',
  };
}

/** Validates the options of the pure checker; every bad option is reported at once, by name. */
export function resolveInlineOptions(o: InlineCheckOptions): Readonly<ResolvedInlineOptions> {
  const problems: string[] = [];
  checkInline(o, problems);
  if (problems.length > 0) fail(problems);
  return Object.freeze(inlinePart(o));
}

/** Validates `Enforcer.start` options and fills the defaults; every bad option is reported at once. */
export function resolveEnforcerOptions(o: EnforcerOptions): Readonly<ResolvedEnforcerOptions> {
  const problems: string[] = [];
  checkInline(o, problems);
  nonEmptyString('kafka.KAFKA_BROKERS', o.kafka?.KAFKA_BROKERS, problems);
  const registryUrl = typeof o.registry === 'string' ? o.registry : o.registry?.SCHEMA_REGISTRY_URL;
  if (typeof registryUrl !== 'string' || !URL.canParse(registryUrl)) problems.push('registry must be a URL');
  if (o.topicPrefix !== undefined && typeof o.topicPrefix !== 'string') problems.push('topicPrefix must be a string');
  positiveInt('cache.maxEntries', o.cache?.maxEntries, problems);
  positiveInt('cache.defaultTtlMs', o.cache?.defaultTtlMs, problems);
  positiveInt('startTimeoutMs', o.startTimeoutMs, problems);
  positiveInt('kafka.KAFKA_CONNECT_TIMEOUT_MS', o.kafka?.KAFKA_CONNECT_TIMEOUT_MS, problems);
  if (problems.length > 0) fail(problems);
  return Object.freeze({
    ...inlinePart(o),
    kafka: {
      KAFKA_CLIENT_ID: ENFORCER_DEFAULTS.kafkaClientId,
      KAFKA_SSL: false,
      KAFKA_CONNECT_TIMEOUT_MS: ENFORCER_DEFAULTS.kafkaConnectTimeoutMs,
      ...o.kafka,
    },
    registry: typeof o.registry === 'string' ? { SCHEMA_REGISTRY_URL: o.registry } : o.registry,
    topicPrefix: o.topicPrefix ?? '',
    cacheMaxEntries: o.cache?.maxEntries ?? ENFORCER_DEFAULTS.cacheMaxEntries,
    cacheDefaultTtlMs: o.cache?.defaultTtlMs ?? ENFORCER_DEFAULTS.cacheDefaultTtlMs,
    startTimeoutMs: o.startTimeoutMs ?? ENFORCER_DEFAULTS.startTimeoutMs,
  });
}
