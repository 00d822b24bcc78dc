import RE2 from 're2';
import type { AgentEvent } from '../schemas/generated/agent-event.ts';
import type { Finding } from '../schemas/generated/finding.ts';
import type { Detector, DetectorConfig } from './detector.ts';
import { buildFinding, type Severity } from './finding.ts';
import { PatternPrefilter } from './pattern-prefilter.ts';
import { type FieldName, scannedFields, truncationAttributes } from './text-fields.ts';

/** What a rule's validator sees for one regex match. Offsets are UTF-16 code units into `text`. */
export interface RuleMatch {
  /** The value span: the named group `v` when the pattern has one, else the whole match. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
  /** The whole scanned field text, for context checks around the value. */
  readonly text: string;
  readonly groups: Readonly<Record<string, string | undefined>>;
  readonly field: FieldName;
  readonly kind: AgentEvent['kind'];
}

/** A validator may narrow the span, change the score or severity and add attributes. */
export interface Accepted {
  readonly start?: number;
  readonly end?: number;
  readonly score?: number;
  readonly severity?: Severity;
  readonly evidence?: string;
  readonly attributes?: Record<string, string>;
}

export interface PatternRule {
  /** Detector id written into `Finding.detector`, e.g. `pii.email`. */
  readonly id: string;
  readonly version: string;
  /** Finding type, `family.thing`. */
  readonly type: string;
  readonly severity: Severity;
  /** Score when the validator does not set one. */
  readonly score: number;
  /** RE2 syntax (use `(?i)` for case-insensitive). A named group `v` marks the value span. */
  readonly pattern: string;
  /** Returns false/null to reject the match (checksum, range, placeholder), or refinements. */
  readonly validate?: (m: RuleMatch, cfg: DetectorConfig) => Accepted | boolean | null;
  /** Evidence from the clear value. Must never return the clear value. */
  readonly mask: (value: string) => string;
  /**
   * Overlap resolution: when spans of two findings in one field overlap, the lower priority one is
   * dropped (a generic `token=` secret under a GitHub token, a phone number inside an IBAN).
   */
  readonly priority?: number;
}

/**
 * Where the value span sits in a rule's match, decided once from the pattern source so the hot
 * loop needs no `d` (indices) flag: the whole match, a suffix of it, or elsewhere (indices needed).
 */
export type ValueShape = 'whole' | 'suffix' | 'indices';

export function valueShape(pattern: string): ValueShape {
  const open = pattern.indexOf('(?P<v>');
  if (open === -1) return 'whole';
  let depth = 0;
  let inClass = false;
  let close = -1;
  for (let i = open; i < pattern.length && close === -1; i++) {
    const ch = pattern[i];
    if (ch === '\\') i++;
    else if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) close = i;
  }
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  // Zero-width `\b` after the value does not move the match end.
  if (close === -1 || (tail !== '' && tail !== '\\b')) return 'indices';
  if (head === '' || head === '(?i)') return 'whole';
  return tail === '' ? 'suffix' : 'indices';
}

/**
 * True when a rule can use the fast span path: the value is the whole match, there is no other
 * named group for the validator, and no anchor or word-boundary assertion other than a trailing
 * `\\b`, so searching a view that starts mid-text cannot see a different context than the full text.
 */
export function fastPathEligible(pattern: string): boolean {
  if (valueShape(pattern) !== 'whole') return false;
  if (pattern.split('(?P<').length > 2) return false;
  const body = pattern.endsWith('\\b') ? pattern.slice(0, -2) : pattern;
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\') {
      const next = body[++i];
      // Word boundaries and text anchors look outside the match.
      if (!inClass && (next === 'b' || next === 'B' || next === 'A' || next === 'z')) return false;
    } else if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '^' || ch === '$') return false;
  }
  return true;
}

/** The same pattern without its value group, so RE2 never runs its submatch engine. */
function withoutValueGroup(pattern: string): string {
  return pattern.replace('(?P<v>', '(?:');
}

interface Compiled {
  readonly rule: PatternRule;
  /** Global matcher with captures, for rules that need groups or a value span inside the match. */
  readonly re: RE2;
  readonly shape: ValueShape;
  /** Fast path: unanchored search for the start, then a sticky test at the start for the end. */
  readonly search: RE2 | null;
  readonly sticky: RE2 | null;
}

interface Candidate {
  readonly c: Compiled;
  readonly start: number;
  readonly end: number;
  readonly accepted: Accepted;
}

function overlaps(a: Candidate, b: Candidate): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Byte offset of the character after the one starting at `at`: never lands on a continuation byte. */
function nextChar(bytes: Buffer, at: number): number {
  let next = at + 1;
  while (next < bytes.length && (bytes[next]! & 0xc0) === 0x80) next++;
  return next;
}

const NO_GROUPS: Readonly<Record<string, string | undefined>> = Object.freeze({});

/**
 * Runs many RE2 rules over the untrusted text fields of an event with one `RE2.Set` pass as a
 * prefilter; spans are extracted only for rules the Set reports. All patterns compile here, once.
 * Detectors of one chain share a `PatternPrefilter` (one encoding and one Set pass per field for
 * all of them); a detector built alone gets its own.
 *
 * Each field is encoded to UTF-8 once into a scratch Buffer and RE2 runs on the bytes: on a JS
 * string every RE2 object would re-encode the text, and `d`-flag indices cost an extra array per
 * group. Byte offsets are mapped back to UTF-16 (identity for ASCII text) before validators run.
 */
export function createPatternDetector(
  id: string,
  version: string,
  rules: readonly PatternRule[],
  cfg: DetectorConfig,
  prefilter: PatternPrefilter = new PatternPrefilter(),
): Detector {
  const active = rules.filter((r) => !cfg.disabled.includes(r.id) && !cfg.disabled.includes(r.type));
  const compiled: Compiled[] = active.map((rule) => {
    const shape = valueShape(rule.pattern);
    const fast = fastPathEligible(rule.pattern);
    return {
      rule,
      shape,
      re: new RE2(rule.pattern, shape === 'indices' ? 'gdu' : 'gu'),
      search: fast ? new RE2(withoutValueGroup(rule.pattern), 'u') : null,
      sticky: fast ? new RE2(withoutValueGroup(rule.pattern), 'yu') : null,
    };
  });
  const range = prefilter.register(active.map((r) => r.pattern));
  const maxAttempts = cfg.maxFindingsPerRule * 20;

  function detect(e: AgentEvent): Finding[] {
    if (compiled.length === 0) return [];
    const out: Finding[] = [];
    for (const f of scannedFields(e, cfg.maxScanChars)) {
      const text = f.text;
      const scan = prefilter.scan(f.field, text);
      const u = scan.utf8;
      const bytes = u.bytes;
      const candidates: Candidate[] = [];
      for (const hit of scan.hits) {
        const idx = hit - range.offset;
        if (idx < 0 || idx >= range.length) continue;
        const c = compiled[idx]!;
        let count = 0;
        let attempts = 0;
        const consider = (
          b0: number,
          b1: number,
          groupBytes: Readonly<Record<string, Buffer>> | undefined,
        ): boolean => {
          const start = u.utf16(b0);
          const end = u.utf16(b1);
          const value = text.slice(start, end);
          let groups = NO_GROUPS;
          if (groupBytes) {
            const g: Record<string, string | undefined> = {};
            for (const k in groupBytes) g[k] = k === 'v' ? value : groupBytes[k]?.toString('utf8');
            groups = g;
          } else if (c.search) groups = { v: value };
          const verdict = c.rule.validate
            ? c.rule.validate({ value, start, end, text, groups, field: f.field, kind: e.kind }, cfg)
            : true;
          if (!verdict) return true;
          const accepted: Accepted = verdict === true ? {} : verdict;
          candidates.push({ c, start: accepted.start ?? start, end: accepted.end ?? end, accepted });
          return ++count < cfg.maxFindingsPerRule;
        };
        if (c.search && c.sticky) {
          // Start of the leftmost match at or after `pos` by searching a view (no result object), then
          // its end by an anchored test at that start in the full text: the same match exec would give.
          let pos = 0;
          while (pos <= bytes.length) {
            const rel = c.search.search(pos === 0 ? bytes : bytes.subarray(pos));
            if (rel < 0) break;
            // Rejected candidates count too: a field of 1 MB of digits must not run 50k validations.
            if (++attempts > maxAttempts) break;
            const b0 = pos + rel;
            c.sticky.lastIndex = b0;
            const b1 = c.sticky.test(bytes) ? c.sticky.lastIndex : b0;
            pos = b1 > b0 ? b1 : nextChar(bytes, b0);
            if (b1 > b0 && !consider(b0, b1, undefined)) break;
          }
          continue;
        }
        const re = c.re;
        re.lastIndex = 0;
        for (let m = re.exec(bytes); m !== null; m = re.exec(bytes)) {
          if (++attempts > maxAttempts) break;
          const matchLen = m[0].length;
          if (matchLen === 0) {
            re.lastIndex = nextChar(bytes, re.lastIndex);
            continue;
          }
          const v = m.groups?.['v'];
          let b0 = m.index;
          let b1 = m.index + matchLen;
          if (v !== undefined) {
            if (c.shape === 'suffix') b0 = b1 - v.length;
            else if (c.shape === 'indices') {
              const span = m.indices?.groups?.['v'];
              if (span) [b0, b1] = span;
            }
          }
          if (!consider(b0, b1, m.groups)) break;
        }
      }
      const kept = resolveOverlaps(candidates);
      const truncation = truncationAttributes(f);
      for (const k of kept) {
        const r = k.c.rule;
        out.push(
          buildFinding(e, {
            detector: r.id,
            detectorVersion: r.version,
            type: r.type,
            severity: k.accepted.severity ?? r.severity,
            score: k.accepted.score ?? r.score,
            spans: [{ field: f.field, start: k.start, end: k.end }],
            evidence: k.accepted.evidence ?? r.mask(text.slice(k.start, k.end)),
            attributes: { ...k.accepted.attributes, ...truncation },
          }),
        );
      }
    }
    return out;
  }

  return { id, version, detect };
}

function resolveOverlaps(cands: Candidate[]): Candidate[] {
  if (cands.length < 2) return cands;
  const kept: Candidate[] = [];
  // Highest priority first, then longest span, then position: deterministic.
  const ordered = [...cands].sort(
    (a, b) =>
      (b.c.rule.priority ?? 10) - (a.c.rule.priority ?? 10) || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  for (const cand of ordered) {
    const p = cand.c.rule.priority ?? 10;
    const clash = kept.some(
      (k) => overlaps(k, cand) && ((k.c.rule.priority ?? 10) > p || k.c.rule.type === cand.c.rule.type),
    );
    if (!clash) kept.push(cand);
  }
  return kept.sort((a, b) => a.start - b.start || a.c.rule.type.localeCompare(b.c.rule.type));
}
