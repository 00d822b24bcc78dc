import { isWardenError } from '../lib/errors.ts';
import { createLogger } from '../lib/logger.ts';
import { loadProvisionConfig } from './config.ts';
import { provision } from './provision.ts';

/** One-shot job: `tsx services/provision/main.ts` (run by `npm start`, and in production as a pre-deploy step). */
const log = createLogger('provision');
try {
  const config = loadProvisionConfig();
  const result = await provision(config, createLogger('provision', { level: config.LOG_LEVEL }));
  log.info(result, 'provisioned');
} catch (err) {
  log.fatal({ err, code: isWardenError(err) ? err.code : undefined }, (err as Error).message);
  process.exit(1);
}
