import { createLogger } from '../lib/logger.ts';
import { runService } from '../lib/service-runner.ts';
import { loadDetectConfig } from './config.ts';
import { startDetect } from './detect.ts';

runService('detect', loadDetectConfig, async (config) => {
  const log = createLogger('detect', { level: config.LOG_LEVEL });
  const running = await startDetect(config, log);
  const timer = setInterval(() => log.info(running.stats.snapshot(), 'detect stats'), 30_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running.stop();
    },
  };
});
