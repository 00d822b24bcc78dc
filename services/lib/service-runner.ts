import { isWardenError } from './errors.ts';
import { createLogger } from './logger.ts';

/**
 * Shared start-up and shutdown for every service's main.ts: configuration errors are printed whole
 * with their code and exit 78 (EX_CONFIG); SIGTERM/SIGINT stop the service cleanly, once.
 */
export function runService<C, S extends { stop(): Promise<void> }>(
  name: string,
  loadConfig: () => C,
  start: (config: C) => Promise<S>,
): void {
  const log = createLogger(name);
  let config: C;
  try {
    config = loadConfig();
  } catch (err) {
    log.fatal({ err, code: isWardenError(err) ? err.code : 'CONFIG_INVALID' }, `${name}: ${(err as Error).message}`);
    process.exit(78);
  }
  start(config).then(
    (service) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'stopping');
        service.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            log.error({ err }, 'error while stopping');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    },
    (err: unknown) => {
      log.fatal(
        { err, code: isWardenError(err) ? err.code : undefined },
        `${name} failed to start: ${(err as Error).message}`,
      );
      process.exit(1);
    },
  );
}
