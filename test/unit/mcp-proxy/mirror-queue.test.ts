import { describe, expect, it } from 'vitest';
import { EventFactory } from '../../../gateways/mcp-proxy/events.ts';
import { ProxyMetrics } from '../../../gateways/mcp-proxy/metrics.ts';
import { MirrorQueue } from '../../../gateways/mcp-proxy/mirror-queue.ts';
import type { AgentEvent } from '../../../schemas/generated/agent-event.ts';
import { WardenError } from '../../../services/lib/errors.ts';
import { createLogger } from '../../../services/lib/logger.ts';
import { pollUntil } from '../../helpers/poll.ts';

const log = createLogger('test', { level: 'silent' });
const factory = new EventFactory(
  {
    tenant_id: 't',
    agent_id: 'a',
    agent_version: null,
    owner: null,
    environment: 'e',
    enforcement_point_id: 'p',
    mode: 'mirror',
  },
  100,
);
const ev = (n: number) => factory.build({ kind: 'tool_call', sessionId: 's', attributes: { n: String(n) } });
const counter = async (m: ProxyMetrics, name: string) =>
  (await m.registry.getSingleMetric(name)!.get()).values.reduce((s, v) => s + v.value, 0);

describe('mirror queue', () => {
  it('sends in batches and retries what ingest asked to retry, in order', async () => {
    const sent: number[][] = [];
    let fail = 2;
    const metrics = new ProxyMetrics();
    const q = new MirrorQueue(
      {
        mirror: async (events: readonly AgentEvent[]) => {
          if (fail-- > 0) return 'retry';
          sent.push(events.map((e) => Number(e.attributes.n)));
          return 'ok';
        },
      },
      { maxQueue: 100, maxBatch: 3, flushIntervalMs: 1, log, metrics },
    );
    for (let i = 0; i < 7; i++) q.push(ev(i));
    await pollUntil(
      async () => sent.flat().length,
      (n) => n === 7,
      { what: 'all events sent', timeoutMs: 10_000, intervalMs: 10 },
    );
    expect(sent.flat()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Math.max(...sent.map((b) => b.length))).toBeLessThanOrEqual(3);
    expect(await counter(metrics, 'mcp_proxy_mirror_retries_total')).toBe(2);
    expect(await counter(metrics, 'mcp_proxy_mirrored_events_total')).toBe(7);
  });

  it('drops the oldest events when full, counting them', async () => {
    const metrics = new ProxyMetrics();
    const sent: number[] = [];
    const q = new MirrorQueue(
      {
        mirror: async (events) => {
          sent.push(...events.map((e) => Number(e.attributes.n)));
          return 'ok';
        },
      },
      { maxQueue: 2, maxBatch: 10, flushIntervalMs: 1000, log, metrics },
    );
    for (let i = 0; i < 5; i++) q.push(ev(i));
    expect(q.pending).toBe(2);
    await q.drain(1000);
    expect(sent).toEqual([3, 4]);
    expect(await counter(metrics, 'mcp_proxy_mirror_dropped_total')).toBe(3);
  });

  it('counts a batch ingest refuses for good and moves on', async () => {
    const metrics = new ProxyMetrics();
    const q = new MirrorQueue(
      {
        mirror: async () => {
          throw new WardenError('MCP_PROXY_MIRROR_FAILED', '401 INGEST_UNAUTHENTICATED');
        },
      },
      { maxQueue: 10, maxBatch: 10, flushIntervalMs: 1000, log, metrics },
    );
    q.push(ev(1));
    await q.drain(1000);
    expect(q.pending).toBe(0);
    expect(await counter(metrics, 'mcp_proxy_mirror_dropped_total')).toBe(1);
  });
});
