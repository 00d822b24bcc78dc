import type { FastifyRequest } from 'fastify';
import { WardenError } from '../lib/errors.ts';
import type { Principal, Role } from './auth.ts';

/**
 * What the server's auth hook attaches to every request, in a module of its own: routes read it
 * from here, so a route never imports the server that registers it.
 */
declare module 'fastify' {
  interface FastifyRequest {
    /** Who called, set by the onRequest hook from the API key; null only on public routes. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Roles allowed to call the route. Every route must declare them, or be `public`. */
    roles?: readonly Role[];
    public?: boolean;
  }
}

/** The caller of a request that passed the role check (never null on a non-public route). */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new WardenError('API_UNAUTHENTICATED', 'route did not authenticate');
  return request.principal;
}
