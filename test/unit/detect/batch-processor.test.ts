import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FLEET, generateFleet } from '../../../deploy/demo/fleet.ts';
import { buildDetectorChain } from '../../../detectors/index.ts';
import type { AgentEvent } from '../../../schemas/generated/index.ts';
import type { BaselineLoader } from '../../../services/detect/baseline-loader.ts';
import { batchProcessor, type ProcessorDeps } from '../../../services/detect/batch-processor.ts';
import type { HandOff } from '../../../services/detect/detection-task.ts';
import type { DetectorPool } from '../../../services/detect/detector-pool.ts';
import { runDetectors } from '../../../services/detect/detector-runner.ts';
import { DetectStats } from '../../../services/detect/stats.ts';
import { ControlState } from '../../../services/lib/control/control-state.ts';
import { createLogger } from '../../../services/lib/logger.ts';

/**
 * The processor with in-memory stand-ins for Kafka, the codecs, the pool and ClickHouse: this test
 * is about which state judges which offsets, not about I/O (integration tests cover that).
 */
function harness() {
  const byValue = new Map<string, AgentEvent>();
  const commits: string[] = [];
  const historyCalls: string[] = [];
  const chain = buildDetectorChain({ disabled: ['injection.ml'] });
  const stats = new DetectStats();
  const deps = {
    consumer: {
      commitOffsets: async (o: { partition: number; offset: string }[]) => {
        commits.push(`${o[0]!.partition}@${o[0]!.offset}`);
      },
    },
    producer: { sendBatch: async () => [], send: async () => [] },
    pool: {
      detectChunks: (items: HandOff[]) => {
        const events = items.map((it) => it.event);
        return [{ events, result: Promise.resolve(runDetectors(chain, events)) }];
      },
    } as unknown as DetectorPool,
    control: new ControlState(),
    codecs: {
      events: { decode: async (v: Buffer) => byValue.get(v.toString())!, contractId: null },
      verdicts: { topic: 'verdicts', encode: async () => Buffer.from('v') },
      findings: { topic: 'findings', encode: async () => Buffer.from('f') },
    },
    topicPrefix: 'test.',
    log: createLogger('test', { level: 'silent' }),
    stats,
    baselines: {
      history: async (_tenant: string, agent: string) => {
        historyCalls.push(agent);
        return [];
      },
    } as unknown as BaselineLoader,
  } as unknown as ProcessorDeps;
  const eachBatch = batchProcessor(deps);
  const fleet = generateFleet({ ...DEFAULT_FLEET, seed: 3 }, 1_764_000_000_000);

  async function deliver(partition: number, firstOffset: number, n: number) {
    const messages: KafkaMessage[] = [];
    const agents = new Set<string>();
    for (let i = 0; i < n; i++) {
      const { event } = fleet.next().value!;
      byValue.set(event.event_id, event);
      agents.add(event.agent_id);
      messages.push({ offset: String(firstOffset + i), value: Buffer.from(event.event_id) } as KafkaMessage);
    }
    await eachBatch({
      batch: {
        topic: 'test.events',
        partition,
        messages,
        firstOffset: () => messages[0]!.offset,
        lastOffset: () => messages.at(-1)!.offset,
      },
      resolveOffset: () => undefined,
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload);
    return agents;
  }
  return { deliver, stats, commits, historyCalls };
}

describe('detect batch processor: per-partition state follows the offsets', () => {
  it('keeps state over contiguous batches and warms each agent up once', async () => {
    const h = harness();
    const agents = new Set([...(await h.deliver(0, 0, 10)), ...(await h.deliver(0, 10, 10))]);
    for (const a of await h.deliver(0, 20, 5)) agents.add(a);
    expect(h.stats.events).toBe(25);
    expect(h.stats.partitionStateResets).toBe(0);
    expect([...h.historyCalls].sort()).toEqual([...agents].sort());
    expect(h.commits).toEqual(['0@10', '0@20', '0@25']);
  });

  it('drops the state and warms up again when the partition comes back after others judged a stretch of it', async () => {
    const h = harness();
    const before = await h.deliver(0, 0, 10);
    // Offsets 10–39 went to another detect instance during a rebalance.
    const after = await h.deliver(0, 40, 10);
    expect(h.stats.partitionStateResets).toBe(1);
    // Every agent of the returning partition is replayed from ClickHouse again, including known ones.
    expect(h.historyCalls).toHaveLength(before.size + after.size);
  });

  it('drops the state when a batch is delivered again (a commit that did not land)', async () => {
    const h = harness();
    await h.deliver(0, 0, 10);
    await h.deliver(0, 0, 10);
    expect(h.stats.partitionStateResets).toBe(1);
  });

  it('tracks partitions independently', async () => {
    const h = harness();
    await h.deliver(0, 0, 5);
    await h.deliver(1, 100, 5);
    await h.deliver(0, 5, 5);
    await h.deliver(1, 105, 5);
    expect(h.stats.partitionStateResets).toBe(0);
  });
});
