import type { DetectorFactory } from '../detector.ts';
import { maskSecret } from '../mask.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';
import { isPlaceholder } from './placeholder.ts';

const VERSION = '1.0.0';

export const azureRules: readonly PatternRule[] = [
  {
    // Storage account key in a connection string: AccountKey=<88 base64 chars>.
    id: 'secret.azure_storage_key',
    version: VERSION,
    type: 'secret.azure_storage_key',
    severity: 'critical',
    score: 0.97,
    priority: 30,
    pattern: '(?i)AccountKey\\s*=\\s*(?P<v>[A-Za-z0-9+/]{86}==)',
    validate: (m) => !isPlaceholder(m.value),
    mask: maskSecret,
  },
  {
    // Service Bus / Event Hubs / IoT shared access keys: SharedAccessKey=<44 base64 chars>.
    id: 'secret.azure_shared_access_key',
    version: VERSION,
    type: 'secret.azure_shared_access_key',
    severity: 'critical',
    score: 0.95,
    priority: 30,
    pattern: '(?i)SharedAccessKey\\s*=\\s*(?P<v>[A-Za-z0-9+/]{42,43}=)',
    validate: (m) => !isPlaceholder(m.value),
    mask: maskSecret,
  },
];

export const createAzureDetector: DetectorFactory = (cfg) =>
  createPatternDetector('secret.azure', VERSION, azureRules, cfg);
