import RE2 from 're2';
import type { FieldName } from './text-fields.ts';
import { Utf8Encoder, type Utf8Field } from './text-fields.ts';

/** What one field looks like to the pattern detectors: its UTF-8 bytes and the rules the Set reported. */
export interface PrefilterScan {
  readonly utf8: Utf8Field;
  /** Indices into the union of registered patterns, ascending. */
  readonly hits: readonly number[];
}

/** A detector's slice of the union: its rule `i` is pattern `offset + i`. */
export interface PrefilterRange {
  readonly offset: number;
  readonly length: number;
}

/**
 * Memory RE2 may use for the union Set's DFA. The union of ~100 patterns outgrows RE2's default
 * 8 MB: the DFA cache is flushed and rebuilt over and over, and a 2.6 KB field took 30 µs instead
 * of 17 µs (64 MB) on the realistic mix. It is a ceiling, not an allocation.
 */
const SET_MAX_MEM_BYTES = 64 << 20;

/** Bounded repetitions whose range is at least this wide are widened in the Set (see `widenRepetitions`). */
export const WIDEN_MIN_RANGE = 8;

/**
 * The pattern with every bounded repetition `{m,n}` whose range `n - m` is at least `minRange`
 * widened to `{m,}`, for the union Set only. Widening a sub-expression only adds strings to the
 * pattern's language, so whenever the rule's own pattern matches, the widened one matches the same
 * substring: the Set may report a rule a little more often, never less, and spans still come from
 * the exact pattern. It matters because the Set's DFA counts every position of a range like
 * `[a-z0-9]{1,64}` (e-mail local part) or `(?:[^.\n]|\.\S){0,80}?` (tool abuse) in its states, and
 * on the realistic mix building those states for text it has not seen cost ~3 µs per event.
 * Escapes (`\x{…}`, `\p{…}`), character classes and POSIX classes inside them are copied as they are.
 */
export function widenRepetitions(pattern: string, minRange: number): string {
  let out = '';
  let inClass = false;
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      // \Q…\E quotes braces literally; leave such a pattern exactly as written.
      if (pattern[i + 1] === 'Q') return pattern;
      out += pattern.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (inClass) {
      if (ch === '[' && pattern[i + 1] === ':') {
        const close = pattern.indexOf(':]', i + 2);
        if (close === -1) return pattern;
        out += pattern.slice(i, close + 2);
        i = close + 2;
        continue;
      }
      if (ch === ']') inClass = false;
      out += ch;
      i++;
      continue;
    }
    if (ch === '[') {
      // A `]` right after `[` or `[^` is a literal member, not the end of the class.
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      out += pattern.slice(i, j);
      i = j;
      inClass = true;
      continue;
    }
    if (ch === '{') {
      const rep = boundedRepetition(pattern, i);
      if (rep && rep.max - rep.min >= minRange) {
        out += `{${rep.min},}`;
        i = rep.end;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return out;
}

/** `{m,n}` starting at `at` (digits only), or null for anything else (`{m}`, `{m,}`, a literal brace). */
function boundedRepetition(pattern: string, at: number): { min: number; max: number; end: number } | null {
  let i = at + 1;
  const digits = (): string => {
    const from = i;
    while (i < pattern.length && pattern.charCodeAt(i) >= 48 && pattern.charCodeAt(i) <= 57) i++;
    return pattern.slice(from, i);
  };
  const min = digits();
  if (min === '' || pattern[i] !== ',') return null;
  i++;
  const max = digits();
  if (max === '' || pattern[i] !== '}') return null;
  return { min: Number(min), max: Number(max), end: i + 1 };
}

interface Slot {
  text: string | null;
  scan: PrefilterScan | null;
  readonly encoder: Utf8Encoder;
}

/**
 * One UTF-8 encoding and one RE2.Set pass per scanned field, shared by every pattern detector of a
 * chain (PII, secrets, injection rules). Measured on 2.6 KB events: three encodings and three Set
 * passes cost ~38 µs, one of each ~18 µs (bench/RESULTS.md).
 *
 * Detectors register their patterns while the chain is built; the union Set compiles on the first
 * scan. The last scan of each field is kept, so the second and third detector that look at the same
 * text of the same field reuse it. Not thread-safe: one per chain, and a chain lives in one thread.
 */
export class PatternPrefilter {
  private readonly patterns: string[] = [];
  private set: ReturnType<typeof RE2.Set> | null = null;
  private readonly slots = new Map<FieldName, Slot>();

  /**
   * Adds patterns to the union; only before the first scan. A hit means the rule may match (its
   * widened form matched), and the caller runs the rule's own pattern to find out.
   */
  register(patterns: readonly string[]): PrefilterRange {
    if (this.set) throw new Error('PatternPrefilter: register() after the first scan');
    const range = { offset: this.patterns.length, length: patterns.length };
    for (const p of patterns) this.patterns.push(widenRepetitions(p, WIDEN_MIN_RANGE));
    return range;
  }

  /** The scan of `text` in `field`; the returned bytes stay valid until the next scan of that field with other text. */
  scan(field: FieldName, text: string): PrefilterScan {
    let slot = this.slots.get(field);
    if (!slot) {
      slot = { text: null, scan: null, encoder: new Utf8Encoder() };
      this.slots.set(field, slot);
    }
    // Same field, same text (the same string object in the common case: a pointer compare).
    if (slot.scan && slot.text === text) return slot.scan;
    if (!this.set && this.patterns.length > 0)
      this.set = new RE2.Set(this.patterns, 'u', { maxMem: SET_MAX_MEM_BYTES });
    const utf8 = slot.encoder.encode(text);
    const hits = this.set ? this.set.match(utf8.bytes).sort((a, b) => a - b) : [];
    slot.text = text;
    slot.scan = { utf8, hits };
    return slot.scan;
  }
}
