import type { EachBatchPayload, Message } from 'kafkajs';
import type { AgentEvent } from '../../schemas/generated/index.ts';
import type { ControlState } from '../lib/control/control-state.ts';
import { withDeadline } from '../lib/deadline.ts';
import { isWardenError } from '../lib/errors.ts';
import type { Consumer, Producer } from '../lib/kafka/client.ts';
import { commitBatch, KAFKA_CALL_DEADLINE_MS } from '../lib/kafka/commit-batch.ts';
import { type DeadLetter, deadLetterOf, sendDeadLetters } from '../lib/kafka/dead-letter.ts';
import { topicName } from '../lib/kafka/topics.ts';
import type { Logger } from '../lib/logger.ts';
import { type AvroCodec, FRAME_HEADER_BYTES } from '../lib/serde/avro-codec.ts';
import { AgentGovernor } from './agent-governor.ts';
import type { BaselineLoader } from './baseline-loader.ts';
import type { EventDetection, HandOff } from './detection-task.ts';
import type { DetectorPool } from './detector-pool.ts';
import type { DetectStats } from './stats.ts';
import { buildVerdict } from './verdict.ts';

export interface ProcessorDeps {
  consumer: Consumer;
  producer: Producer;
  pool: DetectorPool;
  control: ControlState;
  codecs: { events: AvroCodec<'events'>; verdicts: AvroCodec<'verdicts'>; findings: AvroCodec<'findings'> };
  topicPrefix: string;
  log: Logger;
  stats: DetectStats;
  /** Null disables the warm-up from ClickHouse (the stateful checks then start from scratch). */
  baselines: BaselineLoader | null;
}

/**
 * One partition's batch: decode → stateless detectors in the pool, task by task → for each task as
 * it finishes, stateful checks and the decision in offset order and its verdicts and findings
 * produced → once every produce is acknowledged, the offset committed. A crash anywhere re-delivers
 * the batch (at-least-once; verdict and finding ids are deterministic, so downstream de-duplicates).
 */
export function batchProcessor(deps: ProcessorDeps) {
  const governors = new Map<number, AgentGovernor>();
  /** Last offset judged per partition: the state in `governors` covers exactly the events up to it. */
  const judgedUpTo = new Map<number, bigint>();
  const dlqTopic = topicName(deps.topicPrefix, 'dlq');
  const governorFor = (partition: number) => {
    let g = governors.get(partition);
    if (!g) {
      g = new AgentGovernor(deps.control, (policyId, err) =>
        deps.log.error({ err, policyId, code: 'CONFIG_INVALID' }, 'policy thresholds rejected; defaults apply'),
      );
      governors.set(partition, g);
    }
    return g;
  };

  /**
   * A batch that does not start right after the last one judged here means other events of the
   * partition were judged elsewhere (it moved to another detect instance and came back) or are
   * judged again (redelivery after a failed commit). Either way the in-memory state no longer
   * matches the partition: drop it, so every agent is warmed up again from ClickHouse.
   */
  function continuityCheck(partition: number, firstOffset: bigint) {
    const last = judgedUpTo.get(partition);
    if (last === undefined || firstOffset === last + 1n) return;
    governors.delete(partition);
    deps.stats.partitionStateResets++;
    deps.log.info(
      { partition, judgedUpTo: last.toString(), firstOffset: firstOffset.toString() },
      'partition state dropped: offsets are not contiguous with what this process judged; warming up again',
    );
  }

  /** First sight of an agent in this partition: replay its recent history before judging its events. */
  async function warmUp(governor: AgentGovernor, events: AgentEvent[]) {
    const first = new Map<string, AgentEvent>();
    for (const e of events) {
      const key = `${e.tenant_id}:${e.agent_id}`;
      if (!first.has(key) && governor.needsWarmUp(e.tenant_id, e.agent_id)) first.set(key, e);
    }
    if (first.size === 0) return;
    await Promise.all(
      [...first.values()].map(async (e) => {
        let history: AgentEvent[] = [];
        if (deps.baselines) {
          try {
            history = await deps.baselines.history(e.tenant_id, e.agent_id, e.ts);
          } catch (err) {
            // Enforcement must not wait on the history store: judge from scratch, and say so.
            deps.log.warn({ err, code: 'CLICKHOUSE_UNREACHABLE', agent: e.agent_id }, 'baseline not restored');
            deps.stats.baselineFailures++;
          }
        }
        governor.warmUp(e.tenant_id, e.agent_id, history);
        deps.stats.baselineEventsReplayed += history.length;
      }),
    );
  }

  return async function eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const events: AgentEvent[] = [];
    const handOffs: HandOff[] = [];
    const letters: DeadLetter[] = [];
    for (const m of batch.messages) {
      try {
        const event = await deps.codecs.events.decode(m.value);
        events.push(event);
        // Decoded, so framed and known good; workers get the bytes when they are this build's contract.
        const own = deps.codecs.events.contractId;
        const body = own !== null && m.value!.readUInt32BE(1) === own ? m.value!.subarray(FRAME_HEADER_BYTES) : null;
        handOffs.push({ event, body });
      } catch (err) {
        if (!isWardenError(err)) throw err;
        letters.push(deadLetterOf(err, batch, m));
      }
    }

    const started = performance.now();
    continuityCheck(batch.partition, BigInt(batch.firstOffset() ?? batch.lastOffset()));
    const governor = governorFor(batch.partition);
    // Scanning starts before the warm-up's ClickHouse reads, which overlap with it.
    const chunks = deps.pool.detectChunks(handOffs);
    await warmUp(governor, events);
    const sends: Promise<unknown>[] = [];
    let findingCount = 0;
    // Streaming: each task's verdicts are produced as soon as it is scanned, in offset order (the
    // idempotent producer keeps that order per partition); the commit still waits for every ack.
    for (const chunk of chunks) {
      let detections: EventDetection[];
      try {
        const result = await chunk.result;
        detections = result.detections;
        for (const [id, us] of Object.entries(result.detectorMicros)) deps.stats.addDetectorMicros(id, us);
        for (const [why, n] of Object.entries(result.onnxFallbacks ?? {})) deps.stats.addOnnxFallbacks(why, n);
      } catch (err) {
        // A worker died mid-task: every event of the task still gets a verdict, decided by fail_mode.
        deps.log.error({ err, code: 'DETECT_WORKER_FAILED', events: chunk.events.length }, 'detector pool failed');
        deps.stats.workerFailures++;
        detections = chunk.events.map(() => ({
          findings: [],
          failed: ['worker'],
          redactedText: null,
          redactedArguments: null,
        }));
      }
      const verdicts: Message[] = [];
      const findings: Message[] = [];
      const issuedAt = Date.now();
      for (let i = 0; i < chunk.events.length; i++) {
        const event = chunk.events[i]!;
        const { findings: all, decision } = governor.evaluate(event, detections[i]!);
        const key = `${event.tenant_id}:${event.agent_id}`;
        verdicts.push({
          key,
          value: await deps.codecs.verdicts.encode(buildVerdict(event, decision, detections[i]!, issuedAt)),
        });
        for (const f of all) findings.push({ key, value: await deps.codecs.findings.encode(f) });
        deps.stats.countAction(decision.action);
      }
      findingCount += findings.length;
      const topicMessages = [
        { topic: deps.codecs.verdicts.topic, messages: verdicts },
        { topic: deps.codecs.findings.topic, messages: findings },
      ].filter((t) => t.messages.length > 0);
      if (topicMessages.length > 0) {
        const sent = withDeadline(
          deps.producer.sendBatch({ topicMessages, acks: -1 }),
          KAFKA_CALL_DEADLINE_MS,
          'KAFKA_UNREACHABLE',
          'producing verdicts and findings',
        );
        // Awaited below, after the rest of the batch is on its way.
        sent.catch(() => undefined);
        sends.push(sent);
      }
    }
    deps.stats.batchSeconds.observe((performance.now() - started) / 1000);

    await sendDeadLetters(deps.producer, dlqTopic, 'detect', letters);
    await Promise.all(sends);
    deps.stats.events += events.length;
    deps.stats.findings += findingCount;
    deps.stats.deadLetters += letters.length;

    judgedUpTo.set(batch.partition, BigInt(batch.lastOffset()));
    await commitBatch(deps.consumer, { batch, resolveOffset, heartbeat });
  };
}
