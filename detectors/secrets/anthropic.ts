import { tokenStandsAlone } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';

const VERSION = '1.0.0';

export const anthropicRules: readonly PatternRule[] = [
  {
    // sk-ant-api03-…, sk-ant-admin01-…, sk-ant-oat01-…
    id: 'secret.anthropic_api_key',
    version: VERSION,
    type: 'secret.anthropic_api_key',
    severity: 'critical',
    score: 0.98,
    priority: 30,
    pattern: '(?P<v>sk-ant-[a-z]{2,8}[0-9]{2}-[A-Za-z0-9_-]{32,200})',
    validate: (m) => tokenStandsAlone(m.text, m.start, m.end),
    mask: (v) => `${v.slice(0, 7)}…`,
  },
];

export const createAnthropicDetector: DetectorFactory = (cfg) =>
  createPatternDetector('secret.anthropic_api_key', VERSION, anthropicRules, cfg);
