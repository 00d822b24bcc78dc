import type { DetectorFactory } from '../detector.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';
import { encodedPayloadRules } from './encoded-payload.ts';
import { indirectRules } from './indirect.ts';
import { invisibleUnicodeRules } from './invisible-unicode.ts';
import { markdownExfiltrationRules } from './markdown-exfiltration.ts';
import { overrideInstructionRules } from './override-instructions.ts';
import { createPhraseMatcher } from './phrase-set.ts';
import { roleHijackRules } from './role-hijack.ts';
import { systemPromptExfiltrationRules } from './system-prompt-exfiltration.ts';
import { toolAbuseRules } from './tool-abuse.ts';

export const INJECTION_RULES_VERSION = '1.0.0';

export function injectionRules(): PatternRule[] {
  const phrases = createPhraseMatcher();
  return [
    ...overrideInstructionRules,
    ...roleHijackRules,
    ...systemPromptExfiltrationRules,
    ...toolAbuseRules,
    ...indirectRules,
    ...markdownExfiltrationRules,
    ...encodedPayloadRules(phrases),
    ...invisibleUnicodeRules(phrases),
  ];
}

/** Heuristic prompt-injection rules, one RE2.Set pass; severity rises on tool results. */
export const createInjectionRulesDetector: DetectorFactory = (cfg, shared) =>
  createPatternDetector('injection.rules', INJECTION_RULES_VERSION, injectionRules(), cfg, shared?.prefilter);
