import type { FastifyInstance } from 'fastify';
import type { AgentEvent } from '../../../schemas/generated/index.ts';
import { WardenError } from '../../lib/errors.ts';
import { type Authenticator, verifiedPeerCn } from '../auth.ts';
import { decodeUtf8, mediaTypeOf } from '../body-parsing.ts';
import type { EventPublisher } from '../event-publisher.ts';
import { type EventValidator, formatProblem } from '../event-validation.ts';
import type { IngestMetrics } from '../metrics.ts';
import { mapGenAiSpan } from '../otlp-mapping.ts';
import { decodeTraceRequest, encodeTraceResponse, type PartialSuccess } from '../otlp-protobuf.ts';
import { readSpans } from '../otlp-spans.ts';

export interface OtlpRouteDeps {
  authenticator: Authenticator;
  validator: EventValidator;
  publisher: EventPublisher;
  metrics: IngestMetrics;
  maxEventsPerRequest: number;
}

/** How many reasons a partial_success error_message lists. */
const MAX_REASONS = 3;

/**
 * POST /v1/otlp/traces (OTLP/HTTP, protobuf or JSON). GenAI spans become AgentEvents of the key's tenant;
 * spans without gen_ai.* attributes are skipped and counted; GenAI spans that cannot be mapped or fail
 * validation are rejected and reported in partial_success, the rest are written. The answer (an
 * ExportTraceServiceResponse in the request's encoding) comes only after Kafka acknowledged them.
 */
export function otlpRoute(app: FastifyInstance, deps: OtlpRouteDeps): void {
  app.post(
    '/v1/otlp/traces',
    {
      onRequest: async (request) => {
        request.caller = deps.authenticator.authenticate(request.headers, () => verifiedPeerCn(request.raw.socket));
      },
    },
    async (request, reply) => {
      const caller = request.caller!;
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const type = mediaTypeOf(request.headers['content-type']);
      let spans: ReturnType<typeof readSpans>;
      if (type === 'application/x-protobuf') {
        spans = readSpans(decodeTraceRequest(body), 'base64');
      } else if (type === 'application/json') {
        let parsed: unknown;
        try {
          parsed = body.length === 0 ? {} : JSON.parse(decodeUtf8(body));
        } catch (err) {
          if (err instanceof WardenError) throw err;
          throw new WardenError('INGEST_MALFORMED_BODY', `body is not valid JSON: ${(err as Error).message}`);
        }
        spans = readSpans(parsed, 'hex');
      } else {
        throw new WardenError(
          'INGEST_UNSUPPORTED_MEDIA_TYPE',
          `${type} (accepted: application/x-protobuf, application/json)`,
        );
      }

      const events: AgentEvent[] = [];
      const reasons: string[] = [];
      let rejected = 0;
      let skipped = 0;
      spans.forEach((span, index) => {
        const mapping = mapGenAiSpan(span, caller.tenantId);
        if (mapping.outcome === 'skipped') {
          skipped++;
          return;
        }
        if (mapping.outcome === 'unmappable') {
          rejected++;
          deps.metrics.rejected.inc({ code: 'INGEST_SPAN_UNMAPPABLE' });
          if (reasons.length < MAX_REASONS) reasons.push(`spans[${index}] (${span.name}): ${mapping.reason}`);
          return;
        }
        const prepared = mapping.events.map((raw) => deps.validator.prepare(raw, caller, index));
        const failed = prepared.find((p) => !p.ok);
        if (failed && !failed.ok) {
          rejected++;
          deps.metrics.rejected.inc({ code: 'INGEST_INVALID_EVENT' });
          if (reasons.length < MAX_REASONS) reasons.push(formatProblem(failed.problem, 'spans'));
          return;
        }
        for (const p of prepared) if (p.ok) events.push(p.event);
      });
      if (events.length > deps.maxEventsPerRequest) {
        throw new WardenError(
          'INGEST_TOO_MANY_EVENTS',
          `${events.length} events from ${spans.length} spans, at most ${deps.maxEventsPerRequest}`,
        );
      }
      if (skipped > 0) deps.metrics.spansSkipped.inc(skipped);
      await deps.publisher.publish(events, 'otlp');
      request.log.debug({ spans: spans.length, events: events.length, skipped, rejected }, 'otlp export');

      const partial: PartialSuccess | undefined =
        rejected > 0 ? { rejectedSpans: rejected, errorMessage: reasons.join('; ') } : undefined;
      if (type === 'application/x-protobuf') {
        return reply.code(200).type('application/x-protobuf').send(encodeTraceResponse(partial));
      }
      return reply
        .code(200)
        .send(
          partial ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: partial.errorMessage } } : {},
        );
    },
  );
}
