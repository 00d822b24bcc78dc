import { tokenStandsAlone } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { maskSecret } from '../mask.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';

const VERSION = '1.0.0';

export const slackRules: readonly PatternRule[] = [
  {
    // Bot (xoxb), user (xoxp), app-level (xoxa), refresh (xoxr) tokens.
    id: 'secret.slack_token',
    version: VERSION,
    type: 'secret.slack_token',
    severity: 'critical',
    score: 0.97,
    priority: 30,
    pattern: '(?P<v>xox[abpr]-[0-9]{8,13}-[0-9A-Za-z-]{8,80})',
    validate: (m) => tokenStandsAlone(m.text, m.start, m.end),
    mask: maskSecret,
  },
  {
    id: 'secret.slack_webhook',
    version: VERSION,
    type: 'secret.slack_webhook',
    severity: 'high',
    score: 0.98,
    priority: 30,
    pattern:
      '(?P<v>https://hooks\\.slack\\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,12}/[A-Z0-9]{6,12}/[A-Za-z0-9]{16,48})',
    mask: (v) => `${v.slice(0, 'https://hooks.slack.com/'.length)}…`,
  },
];

export const createSlackDetector: DetectorFactory = (cfg) =>
  createPatternDetector('secret.slack', VERSION, slackRules, cfg);
