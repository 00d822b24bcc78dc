import { createLogger } from '../lib/logger.ts';
import { runService } from '../lib/service-runner.ts';
import { loadSiemConfig } from './config.ts';
import { startForwarder } from './forwarder.ts';
import { startStatusServer } from './status-server.ts';

runService('siem', loadSiemConfig, async (config) => {
  const forwarder = await startForwarder(config, createLogger('siem', { level: config.LOG_LEVEL }));
  const server = await startStatusServer(
    forwarder.metrics,
    forwarder.ready,
    config.METRICS_HOST,
    config.SIEM_METRICS_PORT,
  );
  return {
    async stop() {
      server?.close();
      await forwarder.stop();
    },
  };
});
