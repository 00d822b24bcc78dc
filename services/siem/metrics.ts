import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What `warden siem status` shows per destination (GET /status on the metrics port). */
export interface DestinationStatus {
  name: string;
  type: string;
  delivered: number;
  retried: number;
  deadLettered: number;
  /** Records routed to the destination and not yet delivered or dead-lettered. */
  lag: number;
  /** Mean seconds per accepted batch (send to accept/ack), 0 before the first. */
  meanLatencySeconds: number;
  rateLimited: number;
  lastError: { code: string; at: string } | null;
}

export interface SiemStatus {
  destinations: DestinationStatus[];
  sources: { source: string; forwarded: number; deadLettered: number; lag: number; polls: number }[];
}

/**
 * The forwarder's numbers, kept as plain counters (what tests and /status read) and exported to
 * Prometheus as siem_* series labelled by destination. Metric names follow STYLE.md
 * (<service>_<name>_<unit>[_total]).
 */
export class DestinationMetrics {
  readonly registry = new Registry();
  private readonly state = new Map<string, DestinationStatus & { latencySum: number; batches: number }>();
  private readonly sourceState = new Map<
    string,
    { forwarded: number; deadLettered: number; lag: number; polls: number }
  >();
  private readonly deliveredC: Counter<'destination'>;
  private readonly retriedC: Counter<'destination' | 'code'>;
  private readonly deadC: Counter<'destination' | 'code'>;
  private readonly lagG: Gauge<'destination'>;
  private readonly latencyH: Histogram<'destination'>;
  private readonly e2eH: Histogram<'destination'>;
  private readonly rateLimitedC: Counter<'destination'>;
  private readonly sourceLagG: Gauge<'source'>;
  private readonly sourceForwardedC: Counter<'source'>;
  private readonly sourceDeadC: Counter<'source' | 'code'>;

  constructor(destinations: readonly { name: string; type: string }[]) {
    const registers = [this.registry];
    this.deliveredC = new Counter({
      name: 'siem_delivered_records_total',
      help: 'Records the destination accepted (HEC with acks: acknowledged)',
      labelNames: ['destination'],
      registers,
    });
    this.retriedC = new Counter({
      name: 'siem_retried_batches_total',
      help: 'Failed delivery attempts that were retried, by error code',
      labelNames: ['destination', 'code'],
      registers,
    });
    this.deadC = new Counter({
      name: 'siem_dead_lettered_records_total',
      help: 'Records written to the DLQ instead of the destination, by reason',
      labelNames: ['destination', 'code'],
      registers,
    });
    this.lagG = new Gauge({
      name: 'siem_destination_lag_records',
      help: 'Records routed to the destination and not yet delivered or dead-lettered',
      labelNames: ['destination'],
      registers,
    });
    this.latencyH = new Histogram({
      name: 'siem_delivery_duration_seconds',
      help: 'Send of one batch until the destination accepted (or acked) it, including retries',
      labelNames: ['destination'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.e2eH = new Histogram({
      name: 'siem_record_latency_seconds',
      help: 'Read from the source until delivered, per record',
      labelNames: ['destination'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.rateLimitedC = new Counter({
      name: 'siem_rate_limited_total',
      help: 'Times a batch waited for the destination rate limit',
      labelNames: ['destination'],
      registers,
    });
    this.sourceLagG = new Gauge({
      name: 'siem_source_lag_records',
      help: 'Kafka: records behind the partition end; ClickHouse: rows not yet read',
      labelNames: ['source'],
      registers,
    });
    this.sourceForwardedC = new Counter({
      name: 'siem_source_records_total',
      help: 'Records read and routed',
      labelNames: ['source'],
      registers,
    });
    this.sourceDeadC = new Counter({
      name: 'siem_source_dead_lettered_total',
      help: 'Records that did not decode, dead-lettered before routing',
      labelNames: ['source', 'code'],
      registers,
    });
    for (const d of destinations) {
      this.state.set(d.name, {
        name: d.name,
        type: d.type,
        delivered: 0,
        retried: 0,
        deadLettered: 0,
        lag: 0,
        meanLatencySeconds: 0,
        rateLimited: 0,
        lastError: null,
        latencySum: 0,
        batches: 0,
      });
      this.deliveredC.inc({ destination: d.name }, 0);
      this.lagG.set({ destination: d.name }, 0);
    }
  }

  private of(name: string) {
    const s = this.state.get(name);
    if (!s) throw new Error(`unknown destination ${name}`);
    return s;
  }

  delivered(name: string, records: number, seconds: number): void {
    const s = this.of(name);
    s.delivered += records;
    s.latencySum += seconds;
    s.batches += 1;
    s.meanLatencySeconds = s.latencySum / s.batches;
    this.deliveredC.inc({ destination: name }, records);
    this.latencyH.observe({ destination: name }, seconds);
  }

  endToEnd(name: string, seconds: number): void {
    this.e2eH.observe({ destination: name }, seconds);
  }

  retried(name: string, code: string): void {
    const s = this.of(name);
    s.retried += 1;
    s.lastError = { code, at: new Date().toISOString() };
    this.retriedC.inc({ destination: name, code });
  }

  deadLettered(name: string, code: string, records: number): void {
    const s = this.of(name);
    s.deadLettered += records;
    s.lastError = { code, at: new Date().toISOString() };
    this.deadC.inc({ destination: name, code }, records);
  }

  depth(name: string, records: number): void {
    this.of(name).lag = records;
    this.lagG.set({ destination: name }, records);
  }

  rateLimited(name: string): void {
    this.of(name).rateLimited += 1;
    this.rateLimitedC.inc({ destination: name });
  }

  private src(source: string) {
    let s = this.sourceState.get(source);
    if (!s) {
      s = { forwarded: 0, deadLettered: 0, lag: 0, polls: 0 };
      this.sourceState.set(source, s);
    }
    return s;
  }

  sourceRead(source: string, records: number): void {
    this.src(source).forwarded += records;
    this.sourceForwardedC.inc({ source }, records);
  }

  sourceDeadLettered(source: string, code: string, records: number): void {
    this.src(source).deadLettered += records;
    this.sourceDeadC.inc({ source, code }, records);
  }

  /** A ClickHouse source finished one poll (rows or not). */
  sourcePolled(source: string): void {
    this.src(source).polls += 1;
  }

  sourceLag(source: string, records: number): void {
    this.src(source).lag = records;
    this.sourceLagG.set({ source }, records);
  }

  status(): SiemStatus {
    return {
      destinations: [...this.state.values()].map(({ latencySum: _l, batches: _b, ...rest }) => ({ ...rest })),
      sources: [...this.sourceState.entries()].map(([source, s]) => ({ source, ...s })),
    };
  }
}
