import type { FastifyInstance } from 'fastify';
import type { IngestMetrics } from '../metrics.ts';

export interface ReadinessProbe {
  /** Each dependency with whether it answers now. */
  check(): Promise<Record<string, boolean>>;
}

/** Unauthenticated: liveness, readiness (Kafka producer connected, registry reachable) and Prometheus metrics. */
export function healthRoutes(app: FastifyInstance, deps: { readiness: ReadinessProbe; metrics: IngestMetrics }): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const checks = await deps.readiness.check();
    const ready = Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', async (_request, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
}
