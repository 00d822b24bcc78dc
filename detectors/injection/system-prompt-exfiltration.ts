import type { PatternRule } from '../pattern-detector.ts';
import { phraseRules } from './phrase-rules.ts';

const VERSION = '1.0.0';
const TYPE = 'injection.system_prompt_exfiltration';

const TARGET =
  '(?:system\\s*prompt|system\\s+(?:message|instructions)|initial\\s+(?:prompt|instructions)|original\\s+(?:prompt|instructions)|hidden\\s+(?:prompt|instructions)|secret\\s+(?:prompt|instructions)|pre-?prompt|meta-?prompt|(?:previous|prior|above|first)\\s+(?:prompt|instructions)|(?:your|the)\\s+(?:instructions|prompt|rules|guidelines|configuration)\\s+(?:verbatim|word\\s+for\\s+word|exactly|in\\s+full)|(?:your|all\\s+your)\\s+(?:instructions|prompt|rules))';

const PATTERNS: readonly string[] = [
  `(?i)\\b(?:reveal|show|print|display|output|repeat|recite|tell|give|share|leak|dump|disclose|expose|write\\s+(?:out|down)|spell\\s+out|list|type\\s+out|return|paste)\\b[^.\\n?!]{0,30}?${TARGET}`,
  `(?i)\\bwhat\\s+(?:is|are|was|were)\\s+(?:your|the)\\s+(?:exact\\s+|full\\s+|original\\s+|initial\\s+)?(?:system\\s*prompt|initial\\s+(?:prompt|instructions)|original\\s+instructions|instructions\\s+(?:above|you\\s+were\\s+given)|first\\s+(?:instructions|prompt)|hidden\\s+instructions)`,
  '(?i)\\b(?:repeat|print|output|copy|echo)\\s+(?:all\\s+)?(?:of\\s+)?(?:the\\s+)?(?:words|text|everything|content|lines?)\\s+(?:above|before\\s+this|prior\\s+to\\s+this|starting\\s+with)',
  // German
  '(?i)\\b(?:zeig(?:e)?|gib|nenne|verrate|wiederhole|schreib(?:e)?|drucke?)\\b[^.\\n?!]{0,30}?(?:dein(?:en|e|er)?|die|alle)\\s+(?:system-?\\s?prompt|anweisungen|instruktionen|(?:urspr(?:ü|ue)nglichen|ersten|geheimen|versteckten)\\s+(?:anweisungen|instruktionen))',
];

export const systemPromptExfiltrationRules: readonly PatternRule[] = phraseRules(TYPE, VERSION, PATTERNS, 'high', 0.85);

export const systemPromptExfiltrationPatterns = PATTERNS;
