import { createLogger } from '../lib/logger.ts';
import { runService } from '../lib/service-runner.ts';
import { loadDecisionConfig } from './config.ts';
import { startDecisionService } from './decision-service.ts';

runService('decision', loadDecisionConfig, (config) =>
  startDecisionService(config, createLogger('decision', { level: config.LOG_LEVEL })),
);
