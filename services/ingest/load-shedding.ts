import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { WardenError } from '../lib/errors.ts';
import type { IngestMetrics } from './metrics.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false keeps a route answering under any load (health, readiness, metrics). */
    shed?: boolean;
  }
}

/** Thresholds from config.ts; 0 turns a check off. */
export interface LoadSheddingOptions {
  /** Requests being handled at once (received, not yet answered) above which new ones get 503. */
  maxInFlightRequests: number;
  /** Mean event-loop delay over the last sample above which new requests get 503. */
  maxEventLoopDelayMs: number;
  /** Event-loop utilisation (0–1) over the last sample above which new requests get 503. */
  maxEventLoopUtilization: number;
  /** How often under-pressure samples the event loop. */
  sampleIntervalMs: number;
}

/** Low-cardinality `reason` label of ingest_shed_requests_total. */
export type ShedReason = 'in_flight_requests' | 'event_loop_delay' | 'event_loop_utilization';

const sheddable = (request: FastifyRequest): boolean => request.routeOptions.config?.shed !== false;

/**
 * Refuses new work with 503 INGEST_SATURATED (Retry-After from sendError) while the process is
 * saturated, before the body is read, so nothing of a shed request is parsed, produced or queued.
 * Kafka's in-flight byte limit (producer.ts) only trips when Kafka is the bottleneck; ingest itself
 * is CPU-bound, and without this an offered load above saturation queues in the event loop and in
 * socket buffers while latency and RSS grow. Two signals: the number of requests in flight (exact,
 * checked on every request) and @fastify/under-pressure's sampled event-loop delay and utilisation.
 * A shed request was never acknowledged, so a client retry cannot duplicate anything.
 */
export function registerLoadShedding(app: FastifyInstance, options: LoadSheddingOptions, metrics: IngestMetrics): void {
  let inFlight = 0;
  const shed = (reason: ShedReason, detail: string): WardenError => {
    metrics.shedRequests.inc({ reason });
    return new WardenError('INGEST_SATURATED', detail);
  };

  if (options.maxInFlightRequests > 0) {
    const limit = options.maxInFlightRequests;
    app.addHook('onRequest', async (request, reply) => {
      if (!sheddable(request)) return;
      if (inFlight >= limit) throw shed('in_flight_requests', `${inFlight} requests in flight (limit ${limit})`);
      inFlight++;
      // 'close' fires once for every response, sent or aborted; onResponse misses aborted requests.
      reply.raw.once('close', () => {
        inFlight--;
      });
    });
  }

  if (options.maxEventLoopDelayMs > 0 || options.maxEventLoopUtilization > 0) {
    app.register(underPressure, {
      maxEventLoopDelay: options.maxEventLoopDelayMs,
      maxEventLoopUtilization: options.maxEventLoopUtilization,
      // The library's default averages utilisation since start-up, which never recovers after a burst.
      eventLoopUtilizationMode: 'interval',
      sampleInterval: options.sampleIntervalMs,
      // A rejected promise reaches the error handler (sendError): the project's error body, OTLP's
      // google.rpc.Status and Retry-After, like every other refusal.
      pressureHandler: async (request, _reply, type, value) => {
        if (!sheddable(request)) return;
        // Only the two event-loop checks are configured, so `type` is one of them.
        if (type === underPressure.TYPE_EVENT_LOOP_UTILIZATION) {
          throw shed('event_loop_utilization', `event-loop utilisation ${Number(value).toFixed(2)}`);
        }
        throw shed('event_loop_delay', `event-loop delay ${Number(value).toFixed(0)} ms`);
      },
    });
  }
}
