import { createLogger } from '../lib/logger.ts';
import { startMetricsServer } from '../lib/metrics-server.ts';
import { runService } from '../lib/service-runner.ts';
import { loadDetectConfig } from './config.ts';
import { startDetect } from './detect.ts';

runService('detect', loadDetectConfig, async (config) => {
  const log = createLogger('detect', { level: config.LOG_LEVEL });
  const running = await startDetect(config, log);
  const metrics = await startMetricsServer(running.stats.registry, config.METRICS_HOST, config.DETECT_METRICS_PORT);
  const timer = setInterval(() => log.info(running.stats.snapshot(), 'detect stats'), 30_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      metrics?.close();
      await running.stop();
    },
  };
});
