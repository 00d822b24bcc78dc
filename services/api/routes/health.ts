import type { FastifyInstance } from 'fastify';

/** Liveness, unauthenticated: tells a load balancer the process answers, nothing about tenants. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', { config: { public: true } }, async () => ({ status: 'ok' }));
}
