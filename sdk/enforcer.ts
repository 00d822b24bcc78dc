import type { AgentEvent } from '../schemas/generated/agent-event.ts';
import type { ControlRecord } from '../schemas/generated/control-record.ts';
import type { Verdict } from '../schemas/generated/verdict.ts';
import { ControlState } from '../schemas/runtime/control/control-state.ts';
import { type ControlSubscription, subscribeControl } from '../schemas/runtime/control/control-subscriber.ts';
import { WardenError } from '../schemas/runtime/errors.ts';
import { createKafka } from '../schemas/runtime/kafka/client.ts';
import { createLogger, type Logger } from '../schemas/runtime/logger.ts';
import { AvroCodec, createRegistryClient } from '../schemas/runtime/serde/avro-codec.ts';
import {
  ENFORCER_DEFAULTS,
  type EnforcerOptions,
  type InlineCheckOptions,
  type ResolvedInlineOptions,
  resolveEnforcerOptions,
  resolveInlineOptions,
} from './config.ts';
import { DecisionCache, type DecisionCacheStats } from './decision-cache.ts';
import { createInlineChecker, type Decision, type InlineChecker } from './inline-check.ts';
import { subscribeVerdicts, type VerdictSubscription } from './verdict-subscriber.ts';

export type VerdictListener = (v: Verdict) => void;

/** Options of an enforcer without Kafka: standing decisions are pushed with applyVerdict / applyControl. */
export interface DetachedEnforcerOptions extends InlineCheckOptions {
  readonly cache?: EnforcerOptions['cache'];
  readonly clock?: () => number;
}

export interface EnforcerStats {
  readonly checks: number;
  readonly cache: DecisionCacheStats;
  readonly controlRecords: number;
  readonly verdictsKept: number;
  readonly detectorFailures: number;
}

interface Connections {
  readonly control: ControlSubscription;
  readonly verdicts: VerdictSubscription;
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WardenError('SDK_START_TIMEOUT', `${what} after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The in-process enforcement point: `check(event)` decides synchronously from cached standing
 * decisions, the fast detectors and the agent's policy; Kafka subscriptions keep the standing
 * decisions current in the background (verdicts topic and the compacted control topic).
 */
export class Enforcer {
  private readonly listeners = new Set<VerdictListener>();
  private checks = 0;
  private verdictsKept = 0;

  private constructor(
    private readonly inline: ResolvedInlineOptions,
    private readonly checker: InlineChecker,
    private readonly cache: DecisionCache,
    private readonly control: ControlState,
    private readonly log: Logger,
    private readonly clock: () => number,
    private connections: Connections | null,
  ) {}

  /**
   * Subscribes to the control topic (read to its end before this resolves) and to the verdicts topic
   * (joined and positioned at its end offsets before this resolves), then returns a ready enforcer.
   */
  static async start(options: EnforcerOptions): Promise<Enforcer> {
    const o = resolveEnforcerOptions(options);
    const log = (options.logger ?? createLogger('sdk')).child({ tenant_id: o.tenantId });
    // Both subscriptions are partition tails (librdkafka's manual assignment when it is installed):
    // no group to join, so a gateway is ready in the time of one metadata and offsets lookup.
    const kafka = createKafka(o.kafka, log, 'sdk');
    const registry = createRegistryClient(o.registry);
    const cache = new DecisionCache({ maxEntries: o.cacheMaxEntries, defaultTtlMs: o.cacheDefaultTtlMs });
    let control: ControlSubscription | null = null;
    let verdicts: VerdictSubscription | null = null;
    try {
      control = await subscribeControl(kafka, o.topicPrefix, new AvroCodec(registry, o.topicPrefix, 'control'), log);
      const state = control.state;
      const e = new Enforcer(o, createInlineChecker(options), cache, state, log, Date.now, null);
      verdicts = await subscribeVerdicts({
        kafka,
        topicPrefix: o.topicPrefix,
        codec: new AvroCodec(registry, o.topicPrefix, 'verdicts'),
        log,
        accept: (v) => e.follows(v.tenant_id, v.agent_id),
        onVerdict: (v) => e.applyVerdict(v),
      });
      await withTimeout(
        Promise.all([control.caughtUp, verdicts.ready]),
        o.startTimeoutMs,
        'reading the control topic and joining the verdicts topic',
      );
      e.connections = { control, verdicts };
      log.info(
        { controlRecords: state.size, agents: o.agentIds === 'all' ? 'all' : [...o.agentIds] },
        'enforcer ready',
      );
      return e;
    } catch (err) {
      await Promise.allSettled([control?.stop(), verdicts?.stop()]);
      if (err instanceof WardenError) throw err;
      throw new WardenError('KAFKA_UNREACHABLE', `enforcer start: ${(err as Error).message}`, { cause: err });
    }
  }

  /** An enforcer without Kafka (tests, benchmarks, or a gateway that receives verdicts another way). */
  static detached(options: DetachedEnforcerOptions): Enforcer {
    const o = resolveInlineOptions(options);
    const cache = new DecisionCache({
      maxEntries: options.cache?.maxEntries ?? ENFORCER_DEFAULTS.cacheMaxEntries,
      defaultTtlMs: options.cache?.defaultTtlMs ?? ENFORCER_DEFAULTS.cacheDefaultTtlMs,
    });
    const log = (options.logger ?? createLogger('sdk', { level: 'warn' })).child({ tenant_id: o.tenantId });
    return new Enforcer(
      o,
      createInlineChecker(options),
      cache,
      new ControlState(),
      log,
      options.clock ?? Date.now,
      null,
    );
  }

  /**
   * The decision for one event, synchronously. Throws SDK_TENANT_MISMATCH for another tenant's event
   * and SDK_AGENT_NOT_SUBSCRIBED for an agent outside `agentIds` (its standing decisions are unknown).
   */
  check(event: AgentEvent): Decision {
    if (event.tenant_id !== this.inline.tenantId) {
      throw new WardenError('SDK_TENANT_MISMATCH', `enforcer of ${this.inline.tenantId}`);
    }
    if (!this.follows(event.tenant_id, event.agent_id)) {
      throw new WardenError('SDK_AGENT_NOT_SUBSCRIBED', event.agent_id);
    }
    this.checks += 1;
    const decision = this.checker.check(event, { cache: this.cache, control: this.control }, this.clock());
    if (this.log.isLevelEnabled('debug')) {
      this.log.debug(
        { event_id: event.event_id, action: decision.action, reasons: decision.reasons, decidedBy: decision.decidedBy },
        'inline decision',
      );
    }
    return decision;
  }

  /** Observes every verdict of this enforcer's tenant and agents; returns the function that unsubscribes. */
  onVerdict(listener: VerdictListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies a verdict to the decision cache and tells the listeners (called by the Kafka subscription). */
  applyVerdict(v: Verdict): void {
    if (!this.follows(v.tenant_id, v.agent_id)) return;
    this.verdictsKept += 1;
    const changed = this.cache.applyVerdict(v, this.clock());
    if (changed !== null) {
      this.log.info(
        { verdict_id: v.verdict_id, kind: changed, action: v.action, reasons: v.reasons },
        'standing decision',
      );
    }
    for (const listener of this.listeners) {
      try {
        listener(v);
      } catch (err) {
        this.log.error({ err, verdict_id: v.verdict_id }, 'verdict listener threw');
      }
    }
  }

  /** Applies a control record (policy, quarantine, revocation); the Kafka subscription does this itself. */
  applyControl(record: ControlRecord): void {
    this.control.apply(record);
  }

  /** Whether this enforcer keeps standing decisions for the agent. */
  follows(tenant: string, agent: string): boolean {
    if (tenant !== this.inline.tenantId) return false;
    return this.inline.agentIds === 'all' || this.inline.agentIds.has(agent);
  }

  get tenantId(): string {
    return this.inline.tenantId;
  }

  get stats(): EnforcerStats {
    return {
      checks: this.checks,
      cache: this.cache.stats,
      controlRecords: this.control.size,
      verdictsKept: this.verdictsKept,
      detectorFailures: this.checker.stats.detectorFailures,
    };
  }

  async stop(): Promise<void> {
    const c = this.connections;
    this.connections = null;
    this.listeners.clear();
    if (c) await Promise.all([c.verdicts.stop(), c.control.stop()]);
  }
}
