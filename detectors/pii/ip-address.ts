import { isIPv6 } from 'node:net';
import { codeAt, contextBefore, isAsciiWord, isDigit } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { maskIp } from '../mask.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';

const VERSION = '1.0.0';
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const VERSION_WORDS = ['version', 'ver ', 'ver.', 'v', 'release', 'build', 'oid', 'firmware'];

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

export const ipAddressRules: readonly PatternRule[] = [
  {
    id: 'pii.ip_address',
    version: VERSION,
    type: 'pii.ip_address',
    severity: 'low',
    score: 0.9,
    priority: 5,
    pattern: `(?P<v>${OCTET}(?:\\.${OCTET}){3})`,
    validate: (m) => {
      const before = codeAt(m.text, m.start - 1);
      const after = codeAt(m.text, m.end);
      if (isAsciiWord(before) || isAsciiWord(after) || before === 46) return false;
      // OIDs and five-part versions: 1.3.6.1.4.1, 10.0.0.1.2.
      if (after === 46 && isDigit(codeAt(m.text, m.end + 1))) return false;
      const v = m.value;
      if (v === '0.0.0.0' || v === '255.255.255.255' || v.startsWith('127.')) return false;
      const ctx = contextBefore(m.text, m.start, 12).trimEnd();
      if (VERSION_WORDS.some((w) => ctx.endsWith(w.trimEnd()))) return false;
      const first = Number(v.slice(0, v.indexOf('.')));
      const second = Number(v.split('.')[1]);
      const isPrivate =
        first === 10 || (first === 172 && second >= 16 && second <= 31) || (first === 192 && second === 168);
      return { attributes: { version: '4', scope: isPrivate ? 'private' : 'public' }, score: isPrivate ? 0.8 : 0.9 };
    },
    mask: maskIp,
  },
  {
    id: 'pii.ip_address',
    version: VERSION,
    type: 'pii.ip_address',
    severity: 'low',
    score: 0.9,
    priority: 5,
    // Candidate: eight groups, or fewer around a `::` (an address shorter than eight groups must
    // have one); node:net decides. Clock times (10:42:17) cannot match, so log lines stay cheap.
    pattern:
      '(?i)(?P<v>(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){1,6}|:):(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})',
    validate: (m) => {
      const before = codeAt(m.text, m.start - 1);
      const after = codeAt(m.text, m.end);
      if (isAsciiWord(before) || before === 58 || isAsciiWord(after) || after === 58) return false;
      const v = m.value;
      if (!isIPv6(v)) return false;
      // At least three non-empty groups, so C++ `a::b` and clock times never qualify.
      let groups = 0;
      let inGroup = false;
      for (let i = 0; i < v.length; i++) {
        const hex = isHex(v.charCodeAt(i));
        if (hex && !inGroup) groups++;
        inGroup = hex;
      }
      if (groups < 3 || v === '::1') return false;
      return { attributes: { version: '6' } };
    },
    mask: maskIp,
  },
];

export const createIpAddressDetector: DetectorFactory = (cfg) =>
  createPatternDetector('pii.ip_address', VERSION, ipAddressRules, cfg);
