import type { DetectorConfig } from '../detector.ts';
import type { PatternRule, RuleMatch } from '../pattern-detector.ts';
import { escalate } from './escalation.ts';
import type { PhraseMatcher } from './phrase-set.ts';

const VERSION = '1.0.0';
const TYPE = 'injection.encoded_payload';

/** Share of printable characters (ASCII printable, whitespace, any letter beyond ASCII). */
function printableRatio(s: string): number {
  if (s.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 32 && c < 127) || c === 9 || c === 10 || c === 13 || (c >= 0xa0 && c !== 0xfffd)) ok++;
  }
  return ok / s.length;
}

function decodeBase64(v: string, maxChars: number): string {
  let chunk = v.length > maxChars ? v.slice(0, maxChars - (maxChars % 4)) : v;
  const urlSafe = chunk.includes('-') || chunk.includes('_');
  if (!urlSafe) chunk = chunk.slice(0, chunk.length - (chunk.length % 4) || chunk.length);
  return Buffer.from(chunk, urlSafe ? 'base64url' : 'base64').toString('utf8');
}

function decodeHex(v: string, maxChars: number): string {
  let hex = '';
  // Accept both plain hex and \x41 escapes.
  for (let i = 0; i < v.length && hex.length < maxChars; i++) {
    const ch = v[i]!;
    if (ch === '\\' || ch === 'x' || ch === 'X') continue;
    hex += ch;
  }
  if (hex.length % 2 === 1) hex = hex.slice(0, -1);
  return Buffer.from(hex, 'hex').toString('utf8');
}

function rule(pattern: string, encoding: 'base64' | 'hex', phrases: PhraseMatcher): PatternRule {
  return {
    id: TYPE,
    version: VERSION,
    type: TYPE,
    severity: 'high',
    score: 0.9,
    priority: 10,
    pattern,
    validate: (m: RuleMatch, cfg: DetectorConfig) => {
      const decoded =
        encoding === 'base64' ? decodeBase64(m.value, cfg.maxDecodeChars) : decodeHex(m.value, cfg.maxDecodeChars);
      // Binary (images, hashes, keys) is not a payload for a language model.
      if (decoded.length < 12 || printableRatio(decoded) < 0.9) return false;
      const inner = phrases.firstType(decoded);
      if (inner === null) return false;
      return escalate(m.kind, 'high', 0.9, {
        evidence: `${encoding} payload decoding to ${inner}`,
        attributes: { encoding, decoded_type: inner, decoded_chars: String(decoded.length) },
      });
    },
    mask: () => 'encoded payload',
  };
}

/** Base64 / hex chunks that decode to instruction phrases; decoding is bounded by `maxDecodeChars`. */
export function encodedPayloadRules(phrases: PhraseMatcher): PatternRule[] {
  return [
    rule('(?P<v>[A-Za-z0-9+/]{20,}={0,2}|[A-Za-z0-9_-]{20,})', 'base64', phrases),
    rule('(?P<v>(?:[0-9a-fA-F]{2}){12,}|(?:\\\\x[0-9a-fA-F]{2}){12,})', 'hex', phrases),
  ];
}
