import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connectionError, DeliveryError } from '../delivery-error.ts';

export interface HttpTarget {
  url: string;
  timeoutMs: number;
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  serverName?: string | undefined;
}

export interface HttpAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * One keep-alive HTTP(S) client per destination, with the destination's own CA and client
 * certificate (node's https, because fetch cannot take a per-request CA without undici's Agent).
 * Socket and TLS failures become DeliveryErrors with the cause and the fix; the caller maps statuses.
 */
export class HttpPoster {
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly https: boolean;

  constructor(private readonly target: HttpTarget) {
    this.https = target.url.startsWith('https:');
    this.agent = this.https
      ? new HttpsAgent({
          keepAlive: true,
          maxSockets: 4,
          ...(target.caFile ? { ca: readFileSync(target.caFile) } : {}),
          ...(target.certFile ? { cert: readFileSync(target.certFile) } : {}),
          ...(target.keyFile ? { key: readFileSync(target.keyFile) } : {}),
          ...(target.serverName ? { servername: target.serverName } : {}),
        })
      : new HttpAgent({ keepAlive: true, maxSockets: 4 });
  }

  post(path: string, body: Buffer | string, headers: Record<string, string>): Promise<HttpAnswer> {
    const url = new URL(path, this.target.url);
    const shown = `${url.origin}${url.pathname}`;
    const request = this.https ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          timeout: this.target.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              headers: res.headers,
            }),
          );
          res.on('error', (err) => reject(connectionError(err, shown)));
        },
      );
      req.on('timeout', () => {
        req.destroy(
          new DeliveryError('SIEM_DESTINATION_TIMEOUT', `${shown}: no answer in ${this.target.timeoutMs} ms`, {
            retryable: true,
            fix: 'check the receiver load or raise timeoutMs',
          }),
        );
      });
      req.on('error', (err) => reject(connectionError(err, shown)));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
