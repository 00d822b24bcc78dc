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

  /** Adds patterns to the union; only before the first scan. */
  register(patterns: readonly string[]): PrefilterRange {
    if (this.set) throw new Error('PatternPrefilter: register() after the first scan');
    const range = { offset: this.patterns.length, length: patterns.length };
    this.patterns.push(...patterns);
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
