import { codeAt, isAsciiWord, shannonEntropy } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { maskSecret } from '../mask.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';
import { isPlaceholder } from './placeholder.ts';

const VERSION = '1.0.0';

export const awsRules: readonly PatternRule[] = [
  {
    // Access key ids: 4-letter type prefix + 16 base32 characters. AKIA = long-term, ASIA = STS.
    id: 'secret.aws_access_key',
    version: VERSION,
    type: 'secret.aws_access_key',
    severity: 'high',
    score: 0.95,
    priority: 30,
    pattern: '(?P<v>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})',
    validate: (m) => {
      if (isAsciiWord(codeAt(m.text, m.start - 1)) || isAsciiWord(codeAt(m.text, m.end))) return false;
      const example = m.value.endsWith('EXAMPLE');
      return example ? { score: 0.5, severity: 'low', attributes: { documentation_example: 'true' } } : true;
    },
    mask: maskSecret,
  },
  {
    // Secret access key: 40 base64 characters, only next to an AWS-ish name.
    id: 'secret.aws_secret_key',
    version: VERSION,
    type: 'secret.aws_secret_key',
    severity: 'critical',
    score: 0.95,
    priority: 30,
    pattern:
      '(?i)aws[a-z0-9_. -]{0,20}(?:secret|private)?[a-z0-9_. -]{0,20}(?:key|secret)["\']?\\s*(?:[:=]|=>|:=)\\s*["\']?(?P<v>[A-Za-z0-9/+]{40})',
    validate: (m) => {
      const after = codeAt(m.text, m.end);
      if (isAsciiWord(after) || after === 43 || after === 47) return false;
      if (isPlaceholder(m.value) || shannonEntropy(m.value) < 4) return false;
      return true;
    },
    mask: maskSecret,
  },
];

export const createAwsDetector: DetectorFactory = (cfg) => createPatternDetector('secret.aws', VERSION, awsRules, cfg);
