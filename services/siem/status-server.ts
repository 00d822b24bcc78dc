import { createServer, type Server } from 'node:http';
import type { DestinationMetrics } from './metrics.ts';

/**
 * The forwarder's HTTP side on SIEM_METRICS_PORT: `/metrics` (Prometheus), `/healthz` (200 once
 * consuming, 503 while starting or stopping) and `/status` (JSON per destination, what
 * `warden siem status` prints).
 */
export async function startStatusServer(
  metrics: DestinationMetrics,
  ready: () => boolean,
  host: string,
  port: number,
): Promise<Server | null> {
  if (port === 0) return null;
  const server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed\n');
    if (req.url === '/healthz')
      return ready() ? send(200, 'text/plain', 'ok\n') : send(503, 'text/plain', 'starting\n');
    if (req.url === '/status') return send(200, 'application/json', `${JSON.stringify(metrics.status())}\n`);
    if (req.url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => send(200, metrics.registry.contentType, text),
        (err: Error) => send(500, 'text/plain', `metrics failed: ${err.message}\n`),
      );
      return;
    }
    send(404, 'text/plain', 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
