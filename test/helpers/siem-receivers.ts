import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestPki } from './tls-certs.ts';

/**
 * Local HTTPS receivers that check the documented request formats, for the SIEM HEC and webhook
 * tests (no Splunk here; the OpenTelemetry Collector contrib's splunkhec receiver would need a
 * custom collector build from hundreds of Go modules). Each answers by a switchable `mode` so a test
 * can make it fail, throttle, hang or go away, and counts what it accepted.
 */
export type Mode = 'ok' | 'busy' | 'throttle' | 'hang' | 'reject';

interface Held {
  release(): void;
}

abstract class HttpsReceiver {
  mode: Mode = 'ok';
  /** Requests seen per mode answer (for "was it retried"). */
  requests = 0;
  protected server: Server | null = null;
  private readonly held: Held[] = [];
  port = 0;

  constructor(private readonly pki: TestPki) {}

  async start(port = this.port): Promise<void> {
    const server = createServer(
      { cert: readFileSync(this.pki.serverCert), key: readFileSync(this.pki.serverKey) },
      (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          this.requests++;
          const body = Buffer.concat(chunks).toString('utf8');
          if (this.mode === 'hang') {
            this.held.push({ release: () => this.handle(req, res, body) });
            return;
          }
          this.handle(req, res, body);
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Answers the requests held while hanging (with the mode then in force). */
  releaseHeld(): void {
    for (const h of this.held.splice(0)) h.release();
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** Returns true so handlers can `return this.reply(…)`. */
  protected reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): true {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
    return true;
  }

  protected abstract handle(req: IncomingMessage, res: ServerResponse, body: string): true | undefined;
}

/**
 * Splunk HEC as documented (docs.splunk.com, "Format events for HTTP Event Collector" and "About
 * HTTP Event Collector Indexer Acknowledgment"): POST /services/collector/event with
 * `Authorization: Splunk <token>`, events as concatenated JSON objects each with `event` (and
 * optional time, host, source, sourcetype, index, fields); with acks on, a channel header is
 * required, the answer carries `ackId`, and POST /services/collector/ack?channel= with
 * {"acks":[ids]} answers {"acks":{"id":bool}}. An ack turns true on the poll after `indexAfterPolls`
 * polls; `holdAcks` keeps them false (indexer lagging).
 */
export class HecReceiver extends HttpsReceiver {
  holdAcks = false;
  indexAfterPolls = 1;
  readonly indexed: Record<string, unknown>[] = [];
  readonly problems: string[] = [];
  readonly channels = new Set<string>();
  private nextAck = 0;
  private readonly pending = new Map<string, { events: Record<string, unknown>[]; polls: number; done: boolean }>();

  constructor(
    pki: TestPki,
    private readonly token: string,
    private readonly ackEnabled: boolean,
  ) {
    super(pki);
  }

  protected handle(req: IncomingMessage, res: ServerResponse, body: string): true | undefined {
    const url = new URL(req.url ?? '/', 'https://x');
    if (req.headers.authorization !== `Splunk ${this.token}`) {
      this.reply(res, 401, { text: 'Invalid authorization', code: 3 });
      return;
    }
    if (this.mode === 'busy') return this.reply(res, 503, { text: 'Server is busy', code: 9 });
    if (this.mode === 'throttle')
      return this.reply(res, 429, { text: 'Too many requests', code: 9 }, { 'retry-after': '1' });
    if (this.mode === 'reject') return this.reply(res, 403, { text: 'Token disabled', code: 1 });
    const channel = req.headers['x-splunk-request-channel'];
    if (this.ackEnabled && typeof channel !== 'string') {
      return this.reply(res, 400, { text: 'Data channel is missing', code: 10 });
    }
    if (typeof channel === 'string') this.channels.add(channel);
    if (url.pathname === '/services/collector/event') {
      let events: Record<string, unknown>[];
      try {
        events = parseConcatenated(body);
      } catch (err) {
        this.problems.push(`bad body: ${(err as Error).message}`);
        return this.reply(res, 400, { text: 'Invalid data format', code: 6 });
      }
      for (const e of events) {
        if (!('event' in e)) return this.reply(res, 400, { text: 'Event field is required', code: 12 });
        if (e.time !== undefined && typeof e.time !== 'number') this.problems.push('time is not epoch seconds');
      }
      if (!this.ackEnabled) {
        this.indexed.push(...events);
        return this.reply(res, 200, { text: 'Success', code: 0 });
      }
      const id = this.nextAck++;
      this.pending.set(`${channel}/${id}`, { events, polls: 0, done: false });
      return this.reply(res, 200, { text: 'Success', code: 0, ackId: id });
    }
    if (url.pathname === '/services/collector/ack') {
      const ch = url.searchParams.get('channel') ?? channel;
      const asked = (JSON.parse(body) as { acks: number[] }).acks;
      const acks: Record<string, boolean> = {};
      for (const id of asked) {
        const p = this.pending.get(`${ch}/${id}`);
        if (!p) {
          acks[String(id)] = false;
          continue;
        }
        p.polls++;
        if (!p.done && !this.holdAcks && p.polls >= this.indexAfterPolls) {
          p.done = true;
          this.indexed.push(...p.events);
        }
        acks[String(id)] = p.done;
      }
      return this.reply(res, 200, { acks });
    }
    this.reply(res, 404, { text: 'The requested URL was not found on this server.', code: 404 });
  }
}

/** Splits HEC's batch format: JSON objects one after another (whitespace between allowed). */
function parseConcatenated(body: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) out.push(JSON.parse(body.slice(start, i + 1)) as Record<string, unknown>);
    }
  }
  if (depth !== 0 || out.length === 0) throw new Error('not a sequence of JSON objects');
  return out;
}

/**
 * A webhook receiver that verifies warden's signature as docs/siem.md tells a receiver to:
 * HMAC-SHA256 over `<X-Warden-Timestamp>.<raw body>` with the shared key, compared in constant
 * time, timestamps older than 5 minutes refused (replay).
 */
export class WebhookReceiver extends HttpsReceiver {
  readonly records: Record<string, unknown>[] = [];
  readonly deliveries: string[] = [];
  readonly problems: string[] = [];

  constructor(
    pki: TestPki,
    private readonly secret: string,
  ) {
    super(pki);
  }

  protected handle(req: IncomingMessage, res: ServerResponse, body: string): true | undefined {
    const ts = String(req.headers['x-warden-timestamp'] ?? '');
    const sig = String(req.headers['x-warden-signature'] ?? '');
    const want = `v1=${createHmac('sha256', this.secret).update(`${ts}.${body}`).digest('hex')}`;
    if (sig.length !== want.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(want))) {
      this.problems.push('bad signature');
      return this.reply(res, 401, { error: 'bad signature' });
    }
    if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) {
      this.problems.push('stale timestamp');
      return this.reply(res, 401, { error: 'stale timestamp' });
    }
    if (this.mode === 'busy') return this.reply(res, 500, { error: 'internal' });
    if (this.mode === 'throttle') return this.reply(res, 429, { error: 'slow down' }, { 'retry-after': '1' });
    if (this.mode === 'reject') return this.reply(res, 401, { error: 'unknown key' });
    if (req.headers['content-type'] !== 'application/json') this.problems.push('content-type');
    this.deliveries.push(String(req.headers['x-warden-delivery-id']));
    this.records.push(...(JSON.parse(body) as Record<string, unknown>[]));
    this.reply(res, 202, { accepted: true });
  }
}
