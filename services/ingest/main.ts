import { createLogger } from '../lib/logger.ts';
import { runService } from '../lib/service-runner.ts';
import { loadIngestConfig } from './config.ts';
import { startIngest } from './ingest.ts';

runService('ingest', loadIngestConfig, (config) =>
  startIngest(config, createLogger('ingest', { level: config.LOG_LEVEL })),
);
