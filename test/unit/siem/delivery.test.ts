import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../services/lib/logger.ts';
import type { DestinationConfig } from '../../../services/siem/config.ts';
import { backoffMs, DeliveryQueue, type Destination, type Origin } from '../../../services/siem/delivery.ts';
import { connectionError, type DeliveryError, httpError } from '../../../services/siem/delivery-error.ts';
import { DestinationMetrics } from '../../../services/siem/metrics.ts';
import type { SiemRecord } from '../../../services/siem/record.ts';
import { testFinding } from '../../helpers/siem-findings.ts';

const log = createLogger('test', { level: 'silent' });

function config(over: Partial<DestinationConfig> = {}): DestinationConfig {
  return {
    name: 'd',
    type: 'syslog',
    host: 'h',
    port: 6514,
    body: 'cef',
    appName: 'warden',
    facility: 13,
    maxAttempts: 4,
    backoffInitialMs: 100,
    backoffMaxMs: 1000,
    bufferMaxRecords: 4,
    batchMaxRecords: 2,
    batchMaxWaitMs: 0,
    timeoutMs: 1000,
    ...over,
  } as DestinationConfig;
}

const rec = (n: number): SiemRecord => ({ kind: 'finding', finding: testFinding(n, 'u') });
const origin = (n: number): Origin => ({ topic: 't', partition: 0, offset: String(n), key: null, value: null });

/** A destination whose answers the test scripts: a list of errors to throw before it accepts. */
class Scripted implements Destination<string> {
  readonly name = 'd';
  readonly sent: string[][] = [];
  attempts = 0;
  constructor(
    private failures: (DeliveryError | null)[],
    private readonly unmappable = new Set<string>(),
  ) {}
  encode(r: SiemRecord): string {
    const id = r.kind === 'finding' ? r.finding.finding_id : '?';
    if (this.unmappable.has(id)) throw new Error('cannot map');
    return id;
  }
  async send(batch: readonly string[]): Promise<void> {
    this.attempts++;
    const f = this.failures.shift();
    if (f) throw f;
    this.sent.push([...batch]);
  }
  async close() {}
}

function harness(cfg: DestinationConfig, dest: Scripted, random = () => 0.5) {
  const sleeps: number[] = [];
  const backoffs: { attempt: number; waitMs: number; code: string }[] = [];
  const dead: { origins: Origin[]; code: string }[] = [];
  const settled: number[] = [];
  let clock = 0;
  const metrics = new DestinationMetrics([{ name: 'd', type: 'syslog' }]);
  const queue = new DeliveryQueue(cfg, dest, {
    log,
    metrics,
    deadLetters: {
      async deadLetter(_d, origins, err) {
        dead.push({ origins: [...origins], code: err.code });
      },
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random,
    now: () => clock,
    onBackoff: (e) => backoffs.push(e),
  });
  const push = (n: number) => queue.push(rec(n), origin(n), { settle: () => settled.push(n) }, 0);
  /** Waits (on the event loop, no timers) until `n` records settled, then closes the queue. */
  const drain = async (n: number) => {
    for (let i = 0; settled.length < n; i++) {
      if (i > 10_000) throw new Error(`only ${settled.length} of ${n} settled`);
      await new Promise((r) => setImmediate(r));
    }
    await queue.close();
  };
  return { queue, sleeps, backoffs, dead, settled, metrics, push, drain };
}

const unavailable = () => httpError(503, 'busy', 'd', null);

describe('DeliveryQueue', () => {
  it('full jitter stays within [0, min(max, initial * 2^(attempt-1)))', () => {
    expect(backoffMs(1, 100, 1000, () => 0.999)).toBe(99);
    expect(backoffMs(3, 100, 1000, () => 0.999)).toBe(399);
    expect(backoffMs(10, 100, 1000, () => 0.999)).toBe(999);
    expect(backoffMs(5, 100, 1000, () => 0)).toBe(0);
  });

  it('retries with growing back-off until the destination accepts, then settles each record once', async () => {
    const dest = new Scripted([unavailable(), unavailable(), unavailable()]);
    const h = harness(config(), dest, () => 0.999);
    await h.push(1);
    await h.push(2);
    await h.drain(2);
    expect(dest.sent.flat().sort()).toEqual(['u-f00001', 'u-f00002']);
    expect(h.backoffs.map((b) => [b.attempt, b.waitMs])).toEqual([
      [1, 99],
      [2, 199],
      [3, 399],
    ]);
    expect(h.settled.sort()).toEqual([1, 2]);
    expect(h.dead).toEqual([]);
    expect(h.metrics.status().destinations[0]).toMatchObject({ delivered: 2, retried: 3, deadLettered: 0 });
  });

  it('dead-letters a batch after maxAttempts with the last error code, and settles it', async () => {
    const dest = new Scripted(Array.from({ length: 10 }, unavailable));
    const h = harness(config({ maxAttempts: 3 }), dest);
    await h.push(1);
    await h.drain(1);
    expect(dest.attempts).toBe(3);
    expect(h.dead).toEqual([{ origins: [origin(1)], code: 'SIEM_DESTINATION_UNAVAILABLE' }]);
    expect(h.settled).toEqual([1]);
  });

  it('does not retry what cannot succeed (HTTP 400) and dead-letters it at once', async () => {
    const dest = new Scripted([httpError(400, 'bad', 'd', null)]);
    const h = harness(config(), dest);
    await h.push(1);
    await h.queue.close();
    expect(dest.attempts).toBe(1);
    expect(h.dead[0]!.code).toBe('SIEM_DESTINATION_REJECTED');
  });

  it('honours Retry-After up to backoffMaxMs', async () => {
    const dest = new Scripted([httpError(429, '', 'd', '0.3'), httpError(429, '', 'd', '60')]);
    const h = harness(config(), dest, () => 0);
    await h.push(1);
    await h.drain(1);
    expect(h.backoffs.map((b) => b.waitMs)).toEqual([300, 1000]);
  });

  it('dead-letters a record it cannot map, alone, and still sends the others', async () => {
    const dest = new Scripted([], new Set(['u-f00002']));
    const h = harness(config(), dest);
    await h.push(1);
    await h.push(2);
    await h.push(3);
    await h.drain(3);
    expect(h.dead).toEqual([{ origins: [origin(2)], code: 'SIEM_RECORD_UNMAPPABLE' }]);
    expect(dest.sent.flat()).toEqual(['u-f00001', 'u-f00003']);
    expect(h.settled.sort()).toEqual([1, 2, 3]);
  });

  it('batches up to batchMaxRecords and bounds the buffer at bufferMaxRecords', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const dest = new Scripted([]);
    const slow: Destination<string> = {
      name: 'd',
      encode: (r) => dest.encode(r),
      send: async (b) => {
        await gate;
        await dest.send(b);
      },
      close: async () => {},
    };
    const h = harness(config(), dest);
    const queue = new DeliveryQueue(config(), slow, {
      log,
      metrics: h.metrics,
      deadLetters: { deadLetter: async () => {} },
      sleep: async () => {},
    });
    for (let i = 0; i < 4; i++) await queue.push(rec(i), origin(i), { settle() {} }, 0);
    expect(queue.depth).toBe(4);
    expect(queue.hasSpace).toBe(false);
    let roomAgain = false;
    const waiting = queue.waitForSpace().then(() => {
      roomAgain = true;
    });
    await Promise.resolve();
    expect(roomAgain).toBe(false);
    release();
    await waiting;
    expect(roomAgain).toBe(true);
    await queue.close();
    expect(dest.sent.flat().length).toBe(4);
    expect(dest.sent.every((b) => b.length <= 2)).toBe(true);
  });

  it('rate-limits to rateLimitPerSec records per second', async () => {
    const dest = new Scripted([]);
    const h = harness(config({ rateLimitPerSec: 2, batchMaxRecords: 2, bufferMaxRecords: 10 }), dest);
    for (let i = 0; i < 6; i++) await h.push(i);
    await h.drain(6);
    expect(dest.sent.flat().length).toBe(6);
    // 6 records at 2/s with a full bucket of 2 at the start: at least 2 s of (injected) waiting.
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2000);
    expect(h.metrics.status().destinations[0]!.rateLimited).toBeGreaterThanOrEqual(2);
  });
});

describe('delivery errors', () => {
  it('names the fix for TLS and connection failures', () => {
    const tls = connectionError(
      Object.assign(new Error('unable to verify'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
      'x',
    );
    expect(tls.code).toBe('SIEM_DESTINATION_TLS_FAILED');
    expect(tls.fix).toContain('caFile');
    const refused = connectionError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'x');
    expect(refused.code).toBe('SIEM_DESTINATION_UNREACHABLE');
    expect(httpError(401, '', 'x', null).fix).toContain('token');
    expect(httpError(404, '', 'x', null).fix).toContain('URL');
  });
});
