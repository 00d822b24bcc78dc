import { isWardenError } from '../../services/lib/errors.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadProxyConfig } from './config.ts';
import { startMcpProxy } from './mcp-proxy.ts';

// Logs go to stderr (fd 2): with the stdio listener, stdout is the MCP channel to the agent's client.
const boot = createLogger('mcp-proxy', { destination: 2 });

let config: ReturnType<typeof loadProxyConfig>;
try {
  config = loadProxyConfig();
} catch (err) {
  boot.fatal({ err, code: isWardenError(err) ? err.code : 'CONFIG_INVALID' }, `mcp-proxy: ${(err as Error).message}`);
  process.exit(78);
}
const log = createLogger('mcp-proxy', { level: config.logLevel, destination: 2 });

startMcpProxy(config, log).then(
  (running) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      running.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'error while stopping');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    // The agent's client closing stdin ends a stdio session, and with it the proxy.
    if (config.listen.stdio) process.stdin.once('end', () => stop('stdin closed'));
  },
  (err: unknown) => {
    log.fatal(
      { err, code: isWardenError(err) ? err.code : undefined },
      `mcp-proxy failed to start: ${(err as Error).message}`,
    );
    process.exit(1);
  },
);
