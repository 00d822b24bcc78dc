import { createLogger } from '../lib/logger.ts';
import { startMetricsServer } from '../lib/metrics-server.ts';
import { runService } from '../lib/service-runner.ts';
import { loadSinkConfig } from './config.ts';
import { startSink } from './sink.ts';

runService('sink', loadSinkConfig, async (config) => {
  const sink = await startSink(config, createLogger('sink', { level: config.LOG_LEVEL }));
  const metrics = await startMetricsServer(sink.stats.registry, config.METRICS_HOST, config.SINK_METRICS_PORT);
  return {
    async stop() {
      metrics?.close();
      await sink.stop();
    },
  };
});
