import { isWardenError, WardenError } from '../../../services/lib/errors.ts';
import { createLogger } from '../../../services/lib/logger.ts';
import { loadConfig } from './config.ts';
import { startClickHouseServer } from './server.ts';

/**
 * Local stand-in for a ClickHouse server: chDB behind ClickHouse's HTTP interface, one process
 * owning the data folder. Wiring only; see server.ts.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    createLogger('clickhouse-server').fatal({ err, code: isWardenError(err) ? err.code : undefined }, 'bad config');
    process.exit(1);
  }
  const log = createLogger('clickhouse-server', { level: config.logLevel });
  let server: Awaited<ReturnType<typeof startClickHouseServer>>;
  try {
    server = await startClickHouseServer(config, log);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'EADDRINUSE'
        ? new WardenError('STACK_PORT_IN_USE', `${config.httpHost}:${config.httpPort} (set CLICKHOUSE_HTTP_PORT)`, {
            cause: err,
          })
        : err;
    log.fatal(
      { err: reason, code: isWardenError(reason) ? reason.code : code },
      'ClickHouse HTTP server did not start',
    );
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
