import type { PatternRule } from '../pattern-detector.ts';
import { escalate, isIndirectChannel } from './escalation.ts';
import { phraseRules } from './phrase-rules.ts';

// 1.1.0: a path with dots (~/.ssh/id_rsa) between the object and the destination no longer ends the match.
const VERSION = '1.1.0';
const TYPE = 'injection.tool_abuse';

const OBJECTS =
  '(?:files?|contents?|data|documents?|credentials?|passwords?|api\\s+keys?|keys?|secrets?|tokens?|conversation|chat\\s+(?:history|log)|history|e-?mails?|inbox|database|records|logs|env(?:ironment)?(?:\\s+variables)?|\\.env|ssh\\s+keys?|cookies|session|results?|summary|messages?|attachments?|everything)';
const DESTINATION =
  '(?:https?://|ftp://|[a-z0-9._%+-]+@[a-z0-9.-]+|this\\s+(?:url|address|endpoint|server|webhook|link|email)|the\\s+following\\s+(?:url|address|endpoint|server|email)|(?:my|our|an?|the)\\s+(?:external\\s+)?(?:server|webhook|endpoint)|attacker|external)';

const PATTERNS: readonly string[] = [
  // "send the file to https://…", "email the contents to x@y", "forward all emails to …"
  `(?i)\\b(?:send|e-?mail|mail|forward|upload|post|transmit|transfer|exfiltrate|leak|copy|submit|share|deliver|pipe)\\s+(?:all\\s+|every\\s+|any\\s+)?(?:of\\s+)?(?:the\\s+|this\\s+|these\\s+|those\\s+|my\\s+|your\\s+|our\\s+|its\\s+|their\\s+|his\\s+|her\\s+)?(?:[a-z]+\\s+){0,2}?${OBJECTS}\\b(?:[^.\\n]|\\.\\S){0,80}?\\b(?:to|at|into|via|on)\\s+${DESTINATION}`,
  // Shell one-liners that ship data off the box.
  '(?i)\\b(?:run|execute|call)\\s+(?:the\\s+following\\s+)?(?:command|shell|bash|script|code)?\\s*:?\\s*`?(?:curl|wget|nc|ncat|scp|rsync)\\s+[^\\n]{0,120}?(?:-d\\s|--data|-F\\s|--upload-file|-T\\s|\\|\\s*(?:bash|sh)\\b)',
  '(?i)\\b(?:curl|wget)\\s+[^\\n]{0,80}?\\|\\s*(?:ba)?sh\\b',
  // German: "sende die Datei an …", "schicke alle E-Mails an …"
  '(?i)\\b(?:sende|schicke?|leite|lade)\\s+(?:alle\\s+|die\\s+|den\\s+|das\\s+|deine\\s+|meine\\s+)?(?:[a-zäöü]+\\s+){0,2}?(?:datei(?:en)?|inhalte?|daten|dokumente?|passw(?:ö|oe)rter|schl(?:ü|ue)ssel|e-?mails?|verlauf)\\b(?:[^.\\n]|\\.\\S){0,80}?\\b(?:an|nach|zu|hoch)\\s+(?:https?://|[a-z0-9._%+-]+@)',
];

export const toolAbuseRules: readonly PatternRule[] = phraseRules(TYPE, VERSION, PATTERNS, 'low', 0.4, {
  // Users legitimately ask agents to send files; the same words inside fetched content are an attack.
  validate: (m) =>
    isIndirectChannel(m.kind)
      ? escalate(m.kind, 'high', 0.85)
      : escalate(m.kind, 'low', 0.4, { attributes: { note: 'directive in principal content' } }),
});

export const toolAbusePatterns = PATTERNS;
