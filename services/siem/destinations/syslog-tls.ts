import { readFileSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';
import type { SyslogDestinationConfig } from '../config.ts';
import type { Destination } from '../delivery.ts';
import { connectionError, DeliveryError } from '../delivery-error.ts';
import { frameOctetCounting, toSyslog } from '../formats/index.ts';
import type { ProductMeta, SiemRecord } from '../record.ts';

/**
 * syslog RFC 5424 messages over TLS (RFC 5425) with octet-counting framing (RFC 6587 §3.4.1), body
 * OCSF JSON or CEF. One long-lived connection, re-opened on the next batch after any error.
 *
 * What "accepted" means here: syslog over TCP has no application-level acknowledgement, so a batch
 * counts as delivered once TLS has handed all its frames to the kernel (write callback). If the
 * receiver dies right after, frames still in the socket buffers are lost; that is the protocol's
 * limit (RELP would close it). A connection the receiver closed is noticed before the next batch,
 * and that batch goes out on a new connection.
 */
export function syslogDestination(
  config: SyslogDestinationConfig,
  o: { meta: ProductMeta; hostname: string },
): Destination<Buffer> {
  const tlsOptions = {
    host: config.host,
    port: config.port,
    servername: config.serverName ?? (isIp(config.host) ? undefined : config.host),
    ...(config.caFile ? { ca: readFileSync(config.caFile) } : {}),
    ...(config.certFile ? { cert: readFileSync(config.certFile) } : {}),
    ...(config.keyFile ? { key: readFileSync(config.keyFile) } : {}),
  };
  const target = `syslog ${config.name} ${config.host}:${config.port}`;
  let socket: TLSSocket | null = null;
  let broken: Error | null = null;

  function open(): Promise<TLSSocket> {
    return new Promise((resolve, reject) => {
      const s = connect(tlsOptions);
      const timer = setTimeout(() => {
        s.destroy(Object.assign(new Error(`TLS connect not done in ${config.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
      }, config.timeoutMs);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        s.setKeepAlive(true, 30_000);
        s.on('error', (err) => {
          broken = err;
        });
        s.on('close', () => {
          if (socket === s) socket = null;
        });
        // The receiver never talks back on syslog; reading keeps 'end' (its close) observable.
        s.on('data', () => {});
        s.on('end', () => {
          broken = new Error('receiver closed the connection');
          s.destroy();
        });
        if (!config.certFile) return resolve(s);
        // TLS 1.3 finishes the client's handshake before the server has checked the client
        // certificate: a refused certificate shows up only as an alert or reset a round trip later,
        // after writes have "succeeded". So a new mutual-TLS connection waits that long before use.
        const settle = setTimeout(() => {
          s.off('close', refused);
          resolve(s);
        }, MTLS_SETTLE_MS);
        const refused = () => {
          clearTimeout(settle);
          reject(
            new DeliveryError(
              'SIEM_DESTINATION_TLS_FAILED',
              `${target}: the receiver closed the connection after the handshake (${broken?.message ?? 'no reason given'})`,
              {
                retryable: true,
                cause: broken,
                fix: 'the receiver refused the client certificate: check certFile/keyFile and that the receiver trusts their CA',
              },
            ),
          );
        };
        s.once('close', refused);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(connectionError(err, target));
      });
    });
  }

  return {
    name: config.name,
    encode(record: SiemRecord): Buffer {
      return frameOctetCounting(
        toSyslog(record, o.meta, {
          hostname: o.hostname,
          appName: config.appName,
          body: config.body,
          facility: config.facility,
          procId: String(process.pid),
        }),
      );
    },
    async send(batch: readonly Buffer[]): Promise<void> {
      if (socket && (broken || socket.destroyed || !socket.writable)) {
        socket.destroy();
        socket = null;
      }
      broken = null;
      if (!socket) socket = await open();
      const s = socket;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          s.destroy();
          reject(
            new DeliveryError('SIEM_DESTINATION_TIMEOUT', `${target}: write not drained in ${config.timeoutMs} ms`, {
              retryable: true,
              fix: 'the receiver reads too slowly; check its load or raise timeoutMs',
            }),
          );
        }, config.timeoutMs);
        s.write(Buffer.concat(batch), (err) => {
          clearTimeout(timer);
          if (err) {
            s.destroy();
            reject(connectionError(err, target));
          } else if (broken) {
            s.destroy();
            reject(connectionError(broken, target));
          } else resolve();
        });
      });
    },
    async close() {
      const s = socket;
      socket = null;
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.end(() => resolve());
        setTimeout(resolve, 1000).unref();
      });
      s.destroy();
    },
  };
}

/** How long a new mutual-TLS connection waits for the receiver to refuse the client certificate. */
export const MTLS_SETTLE_MS = 500;

function isIp(host: string): boolean {
  // The host comes from the operator's destination config, not from agent content.
  return /^[0-9.]+$/.test(host) || host.includes(':');
}
