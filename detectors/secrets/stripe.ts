import { tokenStandsAlone } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';

const VERSION = '1.0.0';

export const stripeRules: readonly PatternRule[] = [
  {
    // Live secret and restricted keys. Test-mode keys (sk_test_) move no money and are not reported.
    id: 'secret.stripe_key',
    version: VERSION,
    type: 'secret.stripe_key',
    severity: 'critical',
    score: 0.98,
    priority: 30,
    pattern: '(?P<v>(?:sk|rk)_live_[0-9A-Za-z]{24,99})',
    validate: (m) => tokenStandsAlone(m.text, m.start, m.end),
    mask: (v) => `${v.slice(0, 8)}…`,
  },
];

export const createStripeDetector: DetectorFactory = (cfg) =>
  createPatternDetector('secret.stripe_key', VERSION, stripeRules, cfg);
