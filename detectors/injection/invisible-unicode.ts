import type { PatternRule } from '../pattern-detector.ts';
import { escalate } from './escalation.ts';
import type { PhraseMatcher } from './phrase-set.ts';

const VERSION = '1.0.0';
const TYPE = 'injection.invisible_unicode';
const BLACK_FLAG = 0x1f3f4;

/** Unicode tag characters (U+E0020–U+E007E) mirror ASCII; models read them, humans do not see them. */
export function decodeTagChars(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xe0020 && cp <= 0xe007e) out += String.fromCharCode(cp - 0xe0000);
  }
  return out;
}

export function invisibleUnicodeRules(phrases: PhraseMatcher): PatternRule[] {
  return [
    {
      id: TYPE,
      version: VERSION,
      type: TYPE,
      severity: 'high',
      score: 0.85,
      priority: 10,
      pattern: '(?P<v>[\\x{E0000}-\\x{E007F}]+)',
      validate: (m) => {
        const decoded = decodeTagChars(m.value);
        // Subdivision flags (🏴 + tag letters + cancel tag) are the one legitimate use.
        if (m.start >= 2 && m.text.codePointAt(m.start - 2) === BLACK_FLAG && decoded.length <= 6) return false;
        const inner = phrases.firstType(decoded);
        return escalate(m.kind, inner ? 'critical' : 'high', inner ? 0.99 : 0.85, {
          evidence: `${[...m.value].length} tag characters${inner ? ` hiding ${inner}` : ''}`,
          attributes: { form: 'unicode_tags', ...(inner ? { decoded_type: inner } : {}) },
        });
      },
      mask: () => 'tag characters',
    },
    {
      // Runs of zero-width characters (single ZWJs inside emoji sequences are fine).
      id: TYPE,
      version: VERSION,
      type: TYPE,
      severity: 'medium',
      score: 0.7,
      priority: 10,
      pattern:
        '(?P<v>[\\x{200B}\\x{200C}\\x{200D}\\x{2060}\\x{2061}\\x{2062}\\x{2063}\\x{2064}\\x{FEFF}\\x{180E}]{3,})',
      validate: (m) =>
        escalate(m.kind, 'medium', 0.7, {
          evidence: `${m.value.length} zero-width characters`,
          attributes: { form: 'zero_width' },
        }),
      mask: () => 'zero-width run',
    },
    {
      // Bidi overrides that reorder what a reviewer sees (Trojan Source).
      id: TYPE,
      version: VERSION,
      type: TYPE,
      severity: 'medium',
      score: 0.6,
      priority: 10,
      pattern: '(?P<v>[\\x{202D}\\x{202E}]+)',
      validate: (m) =>
        escalate(m.kind, 'medium', 0.6, { evidence: 'bidi override', attributes: { form: 'bidi_override' } }),
      mask: () => 'bidi override',
    },
  ];
}
