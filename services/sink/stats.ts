import { Registry } from 'prom-client';
import { counterFrom } from '../lib/metrics-server.ts';

/**
 * Counters of one sink process: read by tests and the shutdown log line, and exported to
 * Prometheus (`sink_*`) from the same numbers at scrape time.
 */
export class SinkStats {
  rowsInserted = 0;
  batchesInserted = 0;
  deadLetters = 0;
  insertFailures = 0;
  readonly registry = new Registry();

  constructor() {
    const total = (name: string, help: string, read: () => number) => counterFrom(this.registry, name, help, read);
    total('sink_rows_inserted_total', 'Rows ClickHouse acknowledged', () => this.rowsInserted);
    total('sink_batches_inserted_total', 'Batch inserts ClickHouse acknowledged', () => this.batchesInserted);
    total(
      'sink_dead_letters_total',
      'Records sent to the DLQ (undecodable or refused by ClickHouse)',
      () => this.deadLetters,
    );
    total('sink_insert_failures_total', 'Batch inserts that failed and will be retried', () => this.insertFailures);
  }

  snapshot() {
    const { rowsInserted, batchesInserted, deadLetters, insertFailures } = this;
    return { rowsInserted, batchesInserted, deadLetters, insertFailures };
  }
}
