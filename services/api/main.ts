import { createLogger } from '../lib/logger.ts';
import { runService } from '../lib/service-runner.ts';
import { startApi } from './api.ts';
import { loadApiConfig } from './config.ts';

runService('api', loadApiConfig, (config) => startApi(config, createLogger('api', { level: config.LOG_LEVEL })));
