import { tokenStandsAlone } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { maskSecret } from '../mask.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';

const VERSION = '1.0.0';

export const gitlabRules: readonly PatternRule[] = [
  {
    // Personal, project and group access tokens: glpat- + 20 chars (newer routable tokens are longer).
    id: 'secret.gitlab_token',
    version: VERSION,
    type: 'secret.gitlab_token',
    severity: 'critical',
    score: 0.97,
    priority: 30,
    pattern: '(?P<v>gl(?:pat|dt|rt|cbt|ptt|oas)-[A-Za-z0-9_.-]{20,64})',
    validate: (m) => tokenStandsAlone(m.text, m.start, m.end),
    mask: maskSecret,
  },
];

export const createGitlabDetector: DetectorFactory = (cfg) =>
  createPatternDetector('secret.gitlab_token', VERSION, gitlabRules, cfg);
