import { excerpt } from '../mask.ts';
import type { PatternRule } from '../pattern-detector.ts';
import { isIndirectChannel } from './escalation.ts';

const VERSION = '1.0.0';
const TYPE = 'injection.indirect';

const ADDRESSEE =
  '(?:ai|a\\.i\\.|assistant|ai\\s+assistant|chatbot|llm|language\\s+model|ai\\s+agent|agent|claude|chatgpt|gpt(?:-?[0-9][a-z0-9.]*)?|copilot|gemini|bot|model)s?';

const PATTERNS: readonly string[] = [
  // "Assistant, you must …", "AI: ignore …", "Dear AI agent, please forward …"
  `(?i)\\b(?:dear\\s+|hey\\s+|hello\\s+|attention\\s+)?${ADDRESSEE}\\b\\s*[,:!-]?\\s*(?:you\\s+must|you\\s+should|you\\s+(?:are|have\\s+been)\\s+(?:required|instructed|ordered|authorized)|you\\s+will\\s+now|please\\s+(?:ignore|disregard|send|forward|email|upload|delete|do\\s+not|don't|execute|run|visit|open|include|append|output|reply)|ignore|disregard|do\\s+not\\s+(?:tell|mention|inform|reveal|summari[sz]e)|don't\\s+(?:tell|mention|inform|reveal|summari[sz]e)|instead\\b|must\\s+now|now\\s+(?:must|should|need\\s+to))`,
  `(?i)\\b(?:note|message|instructions?|attention|important|notice|reminder|directive)\\s+(?:to|for)\\s+(?:the\\s+|any\\s+|all\\s+)?${ADDRESSEE}\\b`,
  `(?i)\\bif\\s+you\\s+are\\s+(?:an?\\s+)?(?:ai|llm|large\\s+language\\s+model|language\\s+model|assistant|ai\\s+assistant|chatbot|agent|ai\\s+agent|gpt|claude|bot)\\b`,
  "(?i)\\b(?:do\\s+not|don't|never)\\s+(?:tell|inform|notify|alert|warn|mention\\s+(?:this|it)\\s+to|reveal\\s+(?:this|it)\\s+to|let)\\s+(?:the\\s+)?(?:user|human|operator)\\b",
  '(?i)\\bwithout\\s+(?:telling|informing|notifying|asking|alerting)\\s+(?:the\\s+)?(?:user|human|operator)\\b',
  '(?i)\\bthe\\s+(?:user|human)\\s+(?:must|should)\\s+not\\s+(?:know|see|be\\s+(?:told|informed))\\b',
  '(?i)(?:<!--|/\\*|//|#)\\s*(?:ai|assistant|llm|agent|system)\\s*(?:instructions?|note|:)',
  // German
  '(?i)\\b(?:liebe[rs]?\\s+|hallo\\s+)?(?:ki|assistent|sprachmodell|ki-assistent|bot)\\s*[,:]\\s*(?:du\\s+musst|bitte\\s+(?:ignoriere|sende|leite)|ignoriere)',
  '(?i)\\b(?:sag|erz(?:ä|ae)hl|verrate)\\s+(?:es\\s+)?(?:dem|den)\\s+(?:nutzer|benutzer|anwender)\\s+nicht',
];

export const indirectRules: readonly PatternRule[] = PATTERNS.map((pattern) => ({
  id: TYPE,
  version: VERSION,
  type: TYPE,
  severity: 'high',
  score: 0.9,
  priority: 10,
  pattern,
  // Only meaningful where the text came from somewhere else; a model answer quoting it is weaker.
  validate: (m) => {
    if (isIndirectChannel(m.kind)) return { severity: 'high', score: 0.9, attributes: { channel: 'indirect' } };
    if (m.kind === 'model_response') return { severity: 'medium', score: 0.6, attributes: { channel: 'model_output' } };
    return false;
  },
  mask: (v: string) => excerpt(v),
}));

export const indirectPatterns = PATTERNS;
