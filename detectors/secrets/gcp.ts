import { tokenStandsAlone } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { maskSecret } from '../mask.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';

const VERSION = '1.0.0';

export const gcpRules: readonly PatternRule[] = [
  {
    id: 'secret.gcp_api_key',
    version: VERSION,
    type: 'secret.gcp_api_key',
    severity: 'high',
    score: 0.95,
    priority: 30,
    pattern: '(?P<v>AIza[0-9A-Za-z_-]{35})',
    validate: (m) => tokenStandsAlone(m.text, m.start, m.end),
    mask: maskSecret,
  },
  {
    // Service-account key file: the private_key member of a JSON key (escaped newlines included).
    id: 'secret.gcp_service_account_key',
    version: VERSION,
    type: 'secret.gcp_service_account_key',
    severity: 'critical',
    score: 0.98,
    priority: 40,
    pattern: '"private_key"\\s*:\\s*"(?P<v>-----BEGIN (?:RSA )?PRIVATE KEY-----)',
    validate: (m) => {
      // Only a service-account file, not any JSON with a PEM in it.
      const window = m.text.slice(Math.max(0, m.start - 2048), m.end + 4096);
      const serviceAccount = window.includes('service_account') || window.includes('client_email');
      // The key runs to the closing quote of the JSON string.
      const close = m.text.indexOf('"', m.end);
      const end = close !== -1 && close - m.end <= 16 * 1024 ? close : m.end;
      return { end, score: serviceAccount ? 0.98 : 0.9 };
    },
    mask: () => '-----BEGIN PRIVATE KEY-----…',
  },
];

export const createGcpDetector: DetectorFactory = (cfg) => createPatternDetector('secret.gcp', VERSION, gcpRules, cfg);
