import { createLogger } from '../lib/logger.ts';
import { runService } from '../lib/service-runner.ts';
import { loadSinkConfig } from './config.ts';
import { startSink } from './sink.ts';

runService('sink', loadSinkConfig, (config) => startSink(config, createLogger('sink', { level: config.LOG_LEVEL })));
