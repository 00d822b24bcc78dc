import { randomUUID } from 'node:crypto';
import type { HecDestinationConfig } from '../config.ts';
import type { Destination } from '../delivery.ts';
import { DeliveryError, httpError } from '../delivery-error.ts';
import { toHecEvent } from '../formats/index.ts';
import type { ProductMeta, SiemRecord } from '../record.ts';
import { HttpPoster } from './http-post.ts';

export interface HecOptions {
  meta: ProductMeta;
  host: string;
  /** Injected so tests poll acks without waiting. */
  sleep: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Splunk HTTP Event Collector: one POST /services/collector/event per batch (events concatenated,
 * newline-separated JSON), `Authorization: Splunk <token>` and `X-Splunk-Request-Channel`. With
 * `ack: true` the answer carries an ackId and the batch counts as delivered only when
 * POST /services/collector/ack reports it indexed; an ack that does not come within ackTimeoutMs
 * fails the attempt and the whole batch is sent again (at-least-once: Splunk may then hold it twice).
 */
export function hecDestination(config: HecDestinationConfig, o: HecOptions): Destination<string> {
  const poster = new HttpPoster(config);
  const channel = config.channel ?? randomUUID();
  const now = o.now ?? Date.now;
  const headers = {
    authorization: `Splunk ${config.token}`,
    'x-splunk-request-channel': channel,
    'content-type': 'application/json',
  };
  const target = `hec ${config.name}`;

  async function waitForAck(ackId: number): Promise<void> {
    const deadline = now() + config.ackTimeoutMs;
    for (;;) {
      await o.sleep(config.ackPollIntervalMs);
      const res = await poster.post(
        `/services/collector/ack?channel=${encodeURIComponent(channel)}`,
        JSON.stringify({ acks: [ackId] }),
        headers,
      );
      if (res.status !== 200)
        throw httpError(res.status, res.body, `${target} ack`, headerOf(res.headers['retry-after']));
      const acks = parseJson(res.body)?.acks as Record<string, boolean> | undefined;
      if (acks?.[String(ackId)] === true) return;
      if (now() >= deadline) {
        throw new DeliveryError(
          'SIEM_HEC_ACK_TIMEOUT',
          `${target}: ackId ${ackId} not indexed in ${config.ackTimeoutMs} ms`,
          {
            retryable: true,
            fix: 'check indexer health or raise ackTimeoutMs; the batch is sent again',
          },
        );
      }
    }
  }

  return {
    name: config.name,
    encode(record: SiemRecord): string {
      return JSON.stringify(
        toHecEvent(record, o.meta, {
          host: o.host,
          source: config.source,
          sourcetype: config.sourcetype,
          ...(config.index ? { index: config.index } : {}),
        }),
      );
    },
    async send(batch: readonly string[]): Promise<void> {
      const res = await poster.post('/services/collector/event', batch.join('\n'), headers);
      if (res.status !== 200) throw httpError(res.status, res.body, target, headerOf(res.headers['retry-after']));
      if (!config.ack) return;
      const answer = parseJson(res.body);
      const ackId = answer?.ackId;
      if (typeof ackId !== 'number') {
        throw new DeliveryError(
          'SIEM_DESTINATION_REJECTED',
          `${target}: ack is on but the answer has no ackId: ${res.body.slice(0, 200)}`,
          {
            retryable: true,
            fix: 'enable indexer acknowledgement on the HEC token in Splunk, or set ack: false for this destination',
          },
        );
      }
      await waitForAck(ackId);
    },
    async close() {
      poster.close();
    },
  };
}

function headerOf(v: string | string[] | undefined): string | null {
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
