import { tokenStandsAlone } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { maskSecret } from '../mask.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';

const VERSION = '1.0.0';

export const githubRules: readonly PatternRule[] = [
  {
    // Classic tokens: ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_ (server), ghr_ (refresh).
    id: 'secret.github_token',
    version: VERSION,
    type: 'secret.github_token',
    severity: 'critical',
    score: 0.98,
    priority: 30,
    pattern: '(?P<v>gh[opusr]_[A-Za-z0-9]{36})',
    validate: (m) => tokenStandsAlone(m.text, m.start, m.end),
    mask: maskSecret,
  },
  {
    // Fine-grained personal access tokens: github_pat_<22>_<59>.
    id: 'secret.github_token',
    version: VERSION,
    type: 'secret.github_token',
    severity: 'critical',
    score: 0.98,
    priority: 30,
    pattern: '(?P<v>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})',
    validate: (m) => tokenStandsAlone(m.text, m.start, m.end),
    mask: maskSecret,
  },
];

export const createGithubDetector: DetectorFactory = (cfg) =>
  createPatternDetector('secret.github_token', VERSION, githubRules, cfg);
