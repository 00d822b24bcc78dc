import type { DetectorFactory } from '../detector.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';
import { isPlaceholder } from './placeholder.ts';

const VERSION = '1.0.0';

export const connectionStringRules: readonly PatternRule[] = [
  {
    // scheme://user:password@host — the span covers the password only, so redaction keeps the host.
    id: 'secret.connection_string',
    version: VERSION,
    type: 'secret.connection_string',
    severity: 'critical',
    score: 0.95,
    priority: 30,
    pattern:
      '(?i)(?P<scheme>postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?|mssql|sqlserver|jdbc:[a-z]+|clickhouse|cockroachdb|oracle)://(?P<user>[^:@/\\s\'"]{1,128}):(?P<v>[^@/\\s\'"]{1,256})@(?P<host>[^\\s\'"/:?,;)]{1,255})',
    validate: (m) => {
      const pw = m.value;
      if (isPlaceholder(pw) || pw.length < 4) return false;
      const scheme = (m.groups['scheme'] ?? '').toLowerCase();
      return {
        attributes: { scheme },
        evidence: `${scheme}://${(m.groups['user'] ?? '').slice(0, 1)}***:****@${m.groups['host'] ?? ''}`,
      };
    },
    mask: () => '****',
  },
];

export const createConnectionStringDetector: DetectorFactory = (cfg) =>
  createPatternDetector('secret.connection_string', VERSION, connectionStringRules, cfg);
