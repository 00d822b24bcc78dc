import type { PatternRule } from '../pattern-detector.ts';
import { phraseRules } from './phrase-rules.ts';

const VERSION = '1.0.0';
const TYPE = 'injection.override_instructions';

const VERBS_EN = '(?:ignore|disregard|forget|skip|override|bypass|neglect|abandon|dismiss|discard|drop)';
const TARGETS_EN =
  '(?:instructions?|prompts?|rules?|directions?|directives?|guidelines?|commands?|context|tasks?|messages?|constraints?|restrictions?|orders?|assignments?|programming|policies|polic(?:y|ies)|guardrails?|input|information|conversation)';

const PATTERNS: readonly string[] = [
  // "ignore all previous instructions", "disregard the above rules", "forget your prior guidelines"
  `(?i)\\b${VERBS_EN}\\s+(?:(?:all|any|every|each|the|your|my|of|these|those|that|what)\\s+){0,3}(?:(?:previous|prior|preceding|above|earlier|former|initial|original|old|system|given|existing|current|foregoing|last)\\s+)+${TARGETS_EN}`,
  // "ignore your instructions", "bypass all rules", "override the system prompt"
  `(?i)\\b${VERBS_EN}\\s+(?:all\\s+(?:of\\s+)?)?(?:your|the|all|any)\\s+(?:system\\s+)?(?:instructions|rules|guidelines|programming|prompt|restrictions|guardrails|safety\\s+(?:rules|guidelines|filters))\\b`,
  // "forget everything (before that / above / you were told)"
  '(?i)\\b(?:forget|ignore|disregard)\\s+(?:about\\s+)?(?:all\\s+)?(?:everything|all\\s+(?:of\\s+)?(?:that|this|the\\s+above|before))\\b',
  "(?i)\\b(?:forget|ignore|disregard)\\s+(?:all\\s+)?(?:what|everything|anything)\\s+(?:you(?:'ve|\\s+have|\\s+were|\\s+was)?\\s+)?(?:been\\s+)?(?:told|said|instructed|learned|taught|given)",
  // "now focus on your new task", "here are your new instructions:"
  '(?i)\\b(?:now|here\\s+(?:is|are))\\s+(?:focus\\s+on\\s+)?(?:your|a|the|my)\\s+new\\s+(?:task|instructions?|assignment|mission|orders?|rules)\\b',
  '(?i)\\bnew\\s+(?:instructions?|task|rules|orders)\\s*:',
  "(?i)\\b(?:do\\s+not|don't|stop)\\s+(?:follow(?:ing)?|obey(?:ing)?)\\s+(?:any\\s+(?:of\\s+)?)?(?:your|the|all|any)\\s+(?:previous\\s+|prior\\s+|original\\s+)?(?:instructions|rules|guidelines|programming)",
  '(?i)\\b(?:ignore|disregard)\\s+(?:the\\s+|all\\s+)?(?:above|(?:provided|given)\\s+context)\\b',
  '(?i)\\b(?:leave|put|remove|delete|erase|clear|wipe)\\s+(?:all\\s+)?(?:of\\s+)?(?:the\\s+|your\\s+)?(?:previous|prior|earlier|old)\\s+(?:information|tasks|instructions|context|rules)',
  "(?i)\\b(?:despite|regardless\\s+of)\\s+what\\s+you(?:'ve|\\s+have|\\s+were)?\\s+(?:been\\s+)?(?:told|instructed)",
  '(?i)\\byour\\s+(?:new\\s+)?instructions\\s+are\\s+now\\b',
  '(?i)\\bnew\\s+instructions\\s+follow\\b',
  "(?i)\\b(?:do\\s+not|don't)\\s+answer\\s+(?:this|the)\\s+question\\s*(?:,\\s*)?(?:but|and|just|instead)",
  '(?i)\\bchange\\s+your\\s+(?:instructions|rules|programming|guidelines)\\s+(?:to|as\\s+follows)\\b',
  // Grounding override (RAG): answer from somewhere other than the supplied documents.
  '(?i)\\b(?:disregard(?:ing)?|ignor(?:e|ing)|regardless\\s+of|without\\s+(?:looking\\s+at|reading|using))\\s+(?:all\\s+)?(?:the\\s+|these\\s+|those\\s+)?(?:provided\\s+|given\\s+|supplied\\s+|retrieved\\s+)?(?:articles?|documents?|sources?|search\\s+results)\\b',
  "(?i)\\b(?:do\\s+not|don't)\\s+(?:look|rely)\\s+(?:in|at|on)\\s+(?:the\\s+)?(?:provided\\s+|given\\s+)?(?:articles?|documents?|context|sources?)\\b",
  '(?i)\\b(?:answer|respond|reply)\\s+(?:by|from|with|using)\\s+your\\s+own\\s+knowledge\\s*,?\\s+(?:and\\s+)?(?:not|instead\\s+of)\\b',
  '(?i)\\bnow\\s+i\\s+have\\s+(?:a|an)\\s+(?:great\\s+|new\\s+|another\\s+|different\\s+)*(?:challenge|task|assignment)\\s+for\\s+you\\b',
  '(?i)\\b(?:attention|achtung)\\s*[-!:]+\\s*(?:stop|stopp)\\s*[-!:]',
  '(?i)\\b(?:secret|hidden)\\s+instructions?\\s*(?:-|:|\\x{2013})',
  // German
  '(?i)\\babweichend\\s+(?:zu|von)\\s+(?:den\\s+)?(?:vorherigen|bisherigen|obigen|vorigen)\\s+(?:instruktionen|anweisungen|vorgaben|regeln)',
  '(?i)\\b(?:alle\\s+)?(?:vorherigen|bisherigen|obigen)\\s+(?:informationen|anweisungen|instruktionen)\\s*,?\\s+(?:die\\s+(?:du|sie)\\s+erhalten\\s+(?:hast|haben)\\s*,?\\s+)?sind\\s+(?:irrelevant|ung(?:ü|ue)ltig|nicht\\s+(?:mehr\\s+)?(?:g(?:ü|ue)ltig|wichtig|relevant|ganz))',
  '(?i)\\bjetzt\\s+habe\\s+ich\\s+eine\\s+(?:\\S+\\s+){0,2}?(?:herausforderung|aufgabe)\\s+f(?:ü|ue)r\\s+dich\\b',
  // Russian
  // RE2's \b is ASCII-only, so Cyrillic words start after a space or the text's start.
  '(?i)(?:^|\\s)(?:забудь(?:те)?|игнорируй(?:те)?|проигнорируй(?:те)?)\\s+(?:все\\s+|всё\\s+)?(?:предыдущие\\s+|прежние\\s+)?(?:инструкции|указания|правила|команды)',
  // German
  '(?i)(?:vorherigen|vorangegangenen|bisherigen|obigen)\\s+(?:informationen|aufgaben|anweisungen|ausf(?:ü|ue)hrungen)\\s+(?:hinter\\s+sich|aus\\s+dem\\s+kopf|vergessen|ignorieren)',
  '(?i)(?:ignorier(?:e|en)?|vergiss|vergessen\\s+sie|missachte|(?:ü|ue)bergehe|verwirf)\\b[^.\\n!?]{0,60}?(?:anweisungen|instruktionen|befehle|regeln|vorgaben|aufgaben?|auftr(?:ä|ae)ge?|alles|vorherigen?|bisherigen?|obigen?|vorangegangenen?|zuvor|davor)',
  '(?i)\\b(?:neue|deine\\s+neue)\\s+(?:aufgabe|anweisung(?:en)?)\\s*(?::|lautet|ist)',
  '(?i)\\b(?:nun|jetzt)\\s+(?:folgen?\\s+)?(?:neue|eine\\s+neue)\\s+(?:aufgabe|anweisung(?:en)?)',
  // French, Spanish, Italian, Portuguese, Dutch
  '(?i)\\b(?:ignore[rsz]?|oublie[rsz]?)\\s+(?:toutes?\\s+)?(?:les\\s+|tes\\s+|vos\\s+)?(?:instructions|consignes|r(?:è|e)gles)(?:\\s+pr(?:é|e)c(?:é|e)dentes)?',
  '(?i)\\boublie[sz]?\\s+tout\\b',
  '(?i)\\b(?:ignora|olvida|olvide|ignore)\\s+(?:todas\\s+)?(?:las\\s+|tus\\s+|sus\\s+)?(?:instrucciones|reglas|indicaciones)(?:\\s+(?:anteriores|previas))?',
  '(?i)\\bolvid(?:a|e|ar)\\s+todo\\b',
  '(?i)\\bzaboravi\\s+(?:sve|prethodne)\\b',
  '(?i)\\bignora\\s+(?:tutte\\s+)?(?:le\\s+)?(?:istruzioni|regole)(?:\\s+precedenti)?',
  '(?i)\\bignore\\s+(?:todas\\s+)?as\\s+(?:instru(?:ç|c)(?:õ|o)es|regras)',
  '(?i)\\bnegeer\\s+(?:alle\\s+)?(?:eerdere\\s+|vorige\\s+)?(?:instructies|regels)',
];

export const overrideInstructionRules: readonly PatternRule[] = phraseRules(TYPE, VERSION, PATTERNS, 'high', 0.9);

/** Sources only, for re-scanning decoded payloads. */
export const overrideInstructionPatterns = PATTERNS;
