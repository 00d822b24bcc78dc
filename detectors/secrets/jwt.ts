import { tokenStandsAlone } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';

const VERSION = '1.0.0';

/** Decodes a base64url JWT segment and parses it as a JSON object; null when it is not one. */
export function decodeJwtPart(part: string): Record<string, unknown> | null {
  if (part.length > 4096) return null;
  try {
    const json = Buffer.from(part, 'base64url').toString('utf8');
    const parsed: unknown = JSON.parse(json);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    // Not base64url JSON: not a JWT. Rejecting the candidate is the handling.
    return null;
  }
}

export const jwtRules: readonly PatternRule[] = [
  {
    id: 'secret.jwt',
    version: VERSION,
    type: 'secret.jwt',
    severity: 'high',
    score: 0.95,
    priority: 28,
    pattern: '(?P<v>eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*)',
    validate: (m) => {
      if (!tokenStandsAlone(m.text, m.start, m.end)) return false;
      // Header and signature segments: the parts before the first and after the last dot.
      const header = decodeJwtPart(m.value.slice(0, m.value.indexOf('.')));
      if (!header || typeof header['alg'] !== 'string') return false;
      const alg = header['alg'];
      // Unsigned tokens carry no credential unless the payload is used as one; still worth a note.
      const unsigned = alg.toLowerCase() === 'none' || m.value.endsWith('.');
      return {
        score: unsigned ? 0.7 : 0.95,
        severity: unsigned ? 'medium' : 'high',
        attributes: { alg: alg.slice(0, 16) },
      };
    },
    // Header only: the algorithm is not secret, the claims (subject, email) may be personal data.
    mask: (v) => `${v.slice(0, 4)}…`,
  },
];

export const createJwtDetector: DetectorFactory = (cfg) => createPatternDetector('secret.jwt', VERSION, jwtRules, cfg);
