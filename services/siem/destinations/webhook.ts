import { createHash, createHmac } from 'node:crypto';
import type { WebhookDestinationConfig } from '../config.ts';
import type { Destination } from '../delivery.ts';
import { httpError } from '../delivery-error.ts';
import { recordId, toCef, toOcsf } from '../formats/index.ts';
import type { ProductMeta, SiemRecord } from '../record.ts';
import { HttpPoster } from './http-post.ts';

export const WEBHOOK_HEADERS = {
  timestamp: 'x-warden-timestamp',
  signature: 'x-warden-signature',
  delivery: 'x-warden-delivery-id',
} as const;

/**
 * The signature a receiver recomputes: HMAC-SHA256 with the shared key over
 * `<timestamp>.<raw body>`, hex, sent as `X-Warden-Signature: v1=<hex>`. The timestamp (Unix seconds,
 * `X-Warden-Timestamp`) is inside the MAC, so a receiver that rejects timestamps older than a few
 * minutes cannot be fed a replayed request. `X-Warden-Delivery-Id` is the same on every retry of the
 * same batch, so a receiver can drop duplicates of an at-least-once delivery.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

interface Encoded {
  id: string;
  text: string;
}

/**
 * HTTPS webhook (Sentinel / Elastic ingestion endpoints, any HTTP collector): one POST per batch,
 * OCSF body as a JSON array (application/json) or CEF lines (text/plain), HMAC-signed.
 */
export function webhookDestination(
  config: WebhookDestinationConfig,
  o: { meta: ProductMeta; now?: () => number },
): Destination<Encoded> {
  const poster = new HttpPoster(config);
  const now = o.now ?? Date.now;
  const target = `webhook ${config.name}`;
  return {
    name: config.name,
    encode(record: SiemRecord): Encoded {
      const text = config.body === 'cef' ? toCef(record, o.meta) : JSON.stringify(toOcsf(record, o.meta));
      return { id: recordId(record), text };
    },
    async send(batch: readonly Encoded[]): Promise<void> {
      const body =
        config.body === 'cef' ? `${batch.map((e) => e.text).join('\n')}\n` : `[${batch.map((e) => e.text).join(',')}]`;
      const timestamp = String(Math.floor(now() / 1000));
      const delivery = createHash('sha256')
        .update(batch.map((e) => e.id).join('\n'))
        .digest('hex')
        .slice(0, 32);
      const res = await poster.post(new URL(config.url).pathname + new URL(config.url).search, body, {
        ...(config.headers ?? {}),
        'content-type': config.body === 'cef' ? 'text/plain; charset=utf-8' : 'application/json',
        [WEBHOOK_HEADERS.timestamp]: timestamp,
        [WEBHOOK_HEADERS.signature]: webhookSignature(config.secret, timestamp, body),
        [WEBHOOK_HEADERS.delivery]: delivery,
      });
      if (res.status < 200 || res.status >= 300) {
        const ra = res.headers['retry-after'];
        throw httpError(res.status, res.body, target, Array.isArray(ra) ? (ra[0] ?? null) : (ra ?? null));
      }
    },
    async close() {
      poster.close();
    },
  };
}
