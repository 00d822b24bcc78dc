import { createServer, type Server } from 'node:http';
import { Counter, type Registry } from 'prom-client';

/**
 * Serves a service's Prometheus registry on `GET /metrics` (and `GET /healthz`) for the services
 * that have no HTTP API of their own (detect, sink). Port 0 in config means "do not listen".
 */
export async function startMetricsServer(registry: Registry, host: string, port: number): Promise<Server | null> {
  if (port === 0) return null;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        },
        (err: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics failed: ${err.message}\n`);
        },
      );
      return;
    }
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/**
 * A Prometheus counter whose value is read from a plain number at scrape time, so a service keeps one
 * set of counters (the ones its tests and logs read) and exports them as they are.
 */
export function counterFrom(registry: Registry, name: string, help: string, read: () => number): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}
