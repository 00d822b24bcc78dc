import type { FastifyInstance } from 'fastify';
import { WardenError } from '../../lib/errors.ts';
import { type Authenticator, verifiedPeerCn } from '../auth.ts';
import { mediaTypeOf, parseJsonArray, parseNdjson } from '../body-parsing.ts';
import type { EventPublisher } from '../event-publisher.ts';
import type { EventValidator } from '../event-validation.ts';

export interface EventsRouteDeps {
  authenticator: Authenticator;
  validator: EventValidator;
  publisher: EventPublisher;
}

/**
 * POST /v1/events: a JSON array of AgentEvents, or NDJSON (Content-Type: application/x-ndjson).
 * All or nothing: 202 {accepted} only after Kafka acknowledged every event; any invalid event rejects
 * the request with 400 naming `events[i].field`; an event of another tenant than the key's, 403.
 */
export function eventsRoute(app: FastifyInstance, deps: EventsRouteDeps): void {
  app.post(
    '/v1/events',
    {
      onRequest: async (request) => {
        request.caller = deps.authenticator.authenticate(request.headers, () => verifiedPeerCn(request.raw.socket));
      },
    },
    async (request, reply) => {
      const caller = request.caller!;
      const body = request.body;
      if (!Buffer.isBuffer(body)) throw new WardenError('INGEST_MALFORMED_BODY', 'empty body');
      const type = mediaTypeOf(request.headers['content-type']);
      let raw: unknown[];
      if (type === 'application/json') raw = parseJsonArray(body);
      else if (type === 'application/x-ndjson') raw = parseNdjson(body);
      else
        throw new WardenError(
          'INGEST_UNSUPPORTED_MEDIA_TYPE',
          `${type} (accepted: application/json, application/x-ndjson)`,
        );
      const events = deps.validator.prepareAll(raw, caller);
      await deps.publisher.publish(events, 'events');
      return reply.code(202).send({ accepted: events.length });
    },
  );
}
