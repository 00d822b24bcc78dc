import type { FastifyInstance } from 'fastify';
import type { IngestMetrics } from '../metrics.ts';

export interface ReadinessProbe {
  /** Each dependency with whether it answers now. */
  check(): Promise<Record<string, boolean>>;
}

/**
 * Unauthenticated: liveness, readiness (Kafka producer connected, registry reachable) and Prometheus metrics.
 * Never shed (load-shedding.ts): a saturated instance must still be seen alive and its metrics scraped.
 */
export function healthRoutes(app: FastifyInstance, deps: { readiness: ReadinessProbe; metrics: IngestMetrics }): void {
  app.get('/healthz', { config: { shed: false } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { shed: false } }, async (_request, reply) => {
    const checks = await deps.readiness.check();
    const ready = Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', { config: { shed: false } }, async (_request, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
}
