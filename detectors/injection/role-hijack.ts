import type { PatternRule } from '../pattern-detector.ts';
import { escalate } from './escalation.ts';
import { phraseRules } from './phrase-rules.ts';

const VERSION = '1.0.0';
const TYPE = 'injection.role_hijack';

const STRONG: readonly string[] = [
  '(?i)\\byou\\s+are\\s+(?:now|no\\s+longer|from\\s+now\\s+on)\\s+(?:an?\\s+|the\\s+|my\\s+|in\\s+|called\\s+|named\\s+)?(?:dan|free|unrestricted|unfiltered|uncensored|jailbroken|evil|rogue|developer\\s+mode|god\\s+mode|bound|restricted|an?\\s+ai\\s+without|not\\b|going\\s+to)',
  '(?i)\\b(?:act|behave|respond|answer|function)\\s+as\\s+(?:if\\s+you\\s+(?:were|are)\\s+)?(?:the\\s+|an?\\s+)?(?:system|root|admin(?:istrator)?|superuser|sudo|unrestricted|unfiltered|uncensored|jailbroken|evil|dan\\b)',
  '\\bDAN\\b',
  '(?i)(?:^|[.!?]\\s*)(?:ok(?:ay)?[.,!]?\\s+)?(?:now|and\\s+now)\\s*,?\\s+you\\s+are\\s+(?:[A-Z]|an?\\s|the\\s)',
  '(?i)(?:^|[.!?]\\s*)(?:ok[.,!]?\\s+)?(?:nun|jetzt)\\s+bist\\s+du\\b',
  '(?i)\\b(?:do\\s+anything\\s+now|developer\\s+mode\\s+(?:enabled|on|activated)|jailbreak(?:ed)?\\s+mode|god\\s*mode\\s+(?:enabled|on)|no\\s+(?:ethical|moral)\\s+(?:guidelines|restrictions|constraints))\\b',
  '(?i)\\bfrom\\s+now\\s+on\\s*,?\\s+you\\s+(?:are|will|must|shall|should|can|may|have\\s+to|answer|respond|act)\\b',
  '(?i)\\b(?:your\\s+new|a\\s+new)\\s+(?:role|persona|identity|name)\\s+(?:is|will\\s+be|:)',
  // Fake chat-template role markers injected into content.
  '(?i)(?:<\\|im_start\\|>\\s*system|<\\|system\\|>|\\[/?(?:system|inst)\\]|<<sys>>|###\\s*(?:system|instruction)\\s*:|\\bsystem\\s*(?:override|message|prompt)\\s*:)',
  // German
  '(?i)\\b(?:du\\s+bist\\s+(?:jetzt|nun|ab\\s+sofort|ab\\s+jetzt)|ab\\s+(?:jetzt|sofort)\\s+bist\\s+du|tu\\s+so\\s*,?\\s+als\\s+(?:ob|w(?:ä|ae)rst)|stell\\s+dir\\s+vor\\s*,?\\s+du\\s+(?:bist|w(?:ä|ae)rst)|verhalte\\s+dich\\s+wie)',
  // French / Spanish
  '(?i)\\b(?:tu\\s+es\\s+maintenant|fais\\s+comme\\s+si\\s+tu|a\\s+partir\\s+de\\s+maintenant\\s*,?\\s+tu|ahora\\s+eres|a\\s+partir\\s+de\\s+ahora\\s*,?\\s+(?:eres|vas|debes))',
];

/** Role-play openers are common in benign prompts; below the decision threshold unless they co-occur. */
const WEAK: readonly string[] = [
  '(?i)\\bi\\s+want\\s+you\\s+to\\s+act\\s+as\\b',
  '(?i)\\bich\\s+m(?:ö|oe)chte\\s*,?\\s+dass\\s+(?:du|sie)\\s+als\\b',
  '(?i)\\bpretend\\s+(?:to\\s+be|you\\s+are|that\\s+you\\s+are|you\\s+were)\\b',
  '(?i)\\b(?:imagine|suppose)\\s+you\\s+are\\b',
];

export const roleHijackRules: readonly PatternRule[] = [
  ...phraseRules(TYPE, VERSION, STRONG, 'high', 0.85),
  ...phraseRules(TYPE, VERSION, WEAK, 'low', 0.4, {
    priority: 9,
    validate: (m) => escalate(m.kind, 'low', 0.4, { attributes: { strength: 'weak' } }),
  }),
];

export const roleHijackPatterns = STRONG;
