import type { Severity } from '../finding.ts';
import { excerpt } from '../mask.ts';
import type { PatternRule } from '../pattern-detector.ts';
import { escalate } from './escalation.ts';

export interface PhraseRuleOptions {
  /** Overlap priority against other rules (default 10). */
  readonly priority?: number;
  /** Default: the given severity and score, one step up on indirect channels (`escalate`). */
  readonly validate?: PatternRule['validate'];
}

/**
 * The rules of one injection type, one per phrase pattern: the finding shows an excerpt of the
 * matched instruction, and its severity rises when the words arrive in fetched content.
 */
export function phraseRules(
  type: string,
  version: string,
  patterns: readonly string[],
  severity: Severity,
  score: number,
  { priority = 10, validate = (m) => escalate(m.kind, severity, score) }: PhraseRuleOptions = {},
): PatternRule[] {
  return patterns.map((pattern) => ({
    id: type,
    version,
    type,
    severity,
    score,
    priority,
    pattern,
    validate,
    mask: (v: string) => excerpt(v),
  }));
}
