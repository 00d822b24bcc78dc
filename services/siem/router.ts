import type { Logger } from '../lib/logger.ts';
import type { DeadLetterSink, DeliveryQueue, Origin } from './delivery.ts';
import type { DeliveryError } from './delivery-error.ts';
import type { RecordFilter } from './filter.ts';
import type { DestinationMetrics } from './metrics.ts';
import type { SiemRecord } from './record.ts';

export interface Route {
  readonly queue: DeliveryQueue<unknown>;
  readonly filter: RecordFilter;
}

/** Callback of a source: the record is done at every destination it was routed to. */
export type Done = () => void;

/**
 * Fans a decoded record out to every destination whose filter matches. Before pushing into a
 * destination's buffer it waits for room (backpressure: the source stops reading while any matching
 * buffer is full), heartbeating through `keepAlive` so the consumer keeps its partitions meanwhile.
 */
export class Router {
  constructor(
    private readonly routes: readonly Route[],
    private readonly deadLetters: DeadLetterSink,
    private readonly metrics: DestinationMetrics,
    private readonly log: Logger,
  ) {}

  /** Resolves once the record is buffered everywhere it goes; `done` fires when all delivered it. */
  async route(
    source: string,
    record: SiemRecord,
    origin: Origin,
    done: Done,
    keepAlive: () => Promise<void>,
  ): Promise<void> {
    this.metrics.sourceRead(source, 1);
    let matching: Route[];
    try {
      matching = this.routes.filter((r) => r.filter(record));
    } catch (err) {
      // A filter that throws cannot read the record (e.g. an unknown severity): no destination gets it.
      this.log.error({ err, source, offset: origin.offset }, 'filter failed on a record; dead-lettering it');
      matching = [];
    }
    if (matching.length === 0) {
      done();
      return;
    }
    let open = matching.length;
    const ticket = {
      settle() {
        open -= 1;
        if (open === 0) done();
      },
    };
    const readAt = Date.now();
    for (const r of matching) {
      while (!r.queue.hasSpace) {
        await Promise.race([r.queue.waitForSpace(), new Promise((res) => setTimeout(res, 1000))]);
        await keepAlive();
      }
      await r.queue.push(record, origin, ticket, readAt);
    }
  }

  /** A record that did not decode: to the DLQ with its reason before its offset may be committed. */
  async deadLetterUndecodable(source: string, origin: Origin, err: DeliveryError): Promise<void> {
    await this.deadLetters.deadLetter('', [origin], err);
    this.metrics.sourceDeadLettered(source, err.code, 1);
  }
}
