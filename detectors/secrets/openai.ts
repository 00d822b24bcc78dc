import { shannonEntropy, tokenStandsAlone } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';
import { hasLettersAndDigits } from './placeholder.ts';

const VERSION = '1.0.0';

export const openaiRules: readonly PatternRule[] = [
  {
    // sk-<48>, sk-proj-…, sk-svcacct-…, sk-admin-…; `sk-ant-` belongs to Anthropic and is excluded.
    id: 'secret.openai_api_key',
    version: VERSION,
    type: 'secret.openai_api_key',
    severity: 'critical',
    score: 0.95,
    priority: 25,
    pattern: '(?P<v>sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{32,200})',
    validate: (m) => {
      const v = m.value;
      if (v.startsWith('sk-ant-') || !tokenStandsAlone(m.text, m.start, m.end)) return false;
      // Identifiers like sk-learn-compatible-estimator-wrapper are words, not keys.
      if (!hasLettersAndDigits(v) || shannonEntropy(v) < 4) return false;
      return v.includes('T3BlbkFJ') ? { score: 0.99 } : true;
    },
    mask: (v) => `${v.slice(0, v.startsWith('sk-proj-') ? 8 : 4)}…`,
  },
];

export const createOpenaiDetector: DetectorFactory = (cfg) =>
  createPatternDetector('secret.openai_api_key', VERSION, openaiRules, cfg);
