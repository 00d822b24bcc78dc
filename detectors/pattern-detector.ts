import RE2 from 're2';
import type { AgentEvent } from '../schemas/generated/agent-event.ts';
import type { Finding } from '../schemas/generated/finding.ts';
import type { Detector, DetectorConfig } from './detector.ts';
import { buildFinding, type Severity } from './finding.ts';
import { PatternPrefilter, type PrefilterRange, WIDEN_MIN_RANGE, widenRepetitions } from './pattern-prefilter.ts';
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

/** True when the pattern has an assertion (`\\b`, `\\B`, `^`, `$`, `\\A`, `\\z`) anywhere outside a class. */
export function hasAssertion(pattern: string): boolean {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      const next = pattern[++i];
      if (!inClass && (next === 'b' || next === 'B' || next === 'A' || next === 'z')) return true;
    } else if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '^' || ch === '$') return true;
  }
  return false;
}

/**
 * How a rule's matches are found after the Set reported it:
 * - `candidates`: the value is the whole match and no other named group is needed. Candidate
 *   starts come from the widened pattern on a view, and the rule's own pattern anchored at each
 *   start in the whole text decides (assertions see their real context there).
 * - `capture`: as `candidates`, then the rule's pattern with its groups runs on the matched bytes
 *   alone for the groups. Only without assertions, which could see the view's edges.
 * - `exec`: the global exec over the whole text (assertions and groups, e.g. `\\b(?P<k>…)…(?P<v>…)`).
 */
export type MatchPath = 'candidates' | 'capture' | 'exec';

export function matchPath(pattern: string): MatchPath {
  const groups = pattern.split('(?P<').length - 1;
  if (valueShape(pattern) === 'whole' && groups <= 1) return 'candidates';
  return hasAssertion(pattern) ? 'exec' : 'capture';
}

/** The pattern with every named group made non-capturing, so RE2 never runs its submatch engine. */
export function withoutNamedGroups(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      out += pattern.slice(i, i + 2);
      i++;
    } else if (inClass) {
      inClass = ch !== ']';
      out += ch;
    } else if (ch === '[') {
      inClass = true;
      out += ch;
      // A `]` right after `[` or `[^` is a member of the class.
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += pattern[++i];
    } else if (pattern.startsWith('(?P<', i)) {
      out += '(?:';
      i = pattern.indexOf('>', i);
    } else out += ch;
  }
  return out;
}

/**
 * Candidates a rule's own pattern rejects before the rule falls back to the exact global exec for
 * the rest of the field. Widened candidates rarely fail on real text; the bound keeps text crafted
 * to fail them from costing more than a few extra searches.
 */
const MAX_FAILED_CANDIDATES = 16;

interface Compiled {
  readonly rule: PatternRule;
  /** Global matcher with captures, for rules that need groups or a value span inside the match. */
  readonly re: RE2;
  readonly shape: ValueShape;
  readonly path: MatchPath;
  /**
   * Not on the `exec` path: `find` is the pattern without named groups and with wide bounded
   * repetitions widened (`widenRepetitions`), so it matches wherever the rule does and its DFA has
   * far fewer states to build; `sticky` is the rule's own pattern without groups, anchored at each
   * candidate start in the whole text, which decides whether and where a match ends. On the realistic
   * mix this cut the span search of a rule like tool abuse (`{0,80}`) from ~35 to ~9 µs per field.
   */
  readonly find: RE2 | null;
  readonly sticky: RE2 | null;
  /** The pattern has a value group: on the candidate path validators then see `{ v: value }`, as exec gives. */
  readonly valueGroup: boolean;
}

/** What `exec` on a Buffer returns (the re2 typings do not export it). */
interface ExecMatch {
  readonly index: number;
  readonly 0: Buffer;
  readonly groups?: Readonly<Record<string, Buffer>>;
  readonly indices?: RegExpIndicesArray;
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
    const path = matchPath(rule.pattern);
    const plain = withoutNamedGroups(rule.pattern);
    return {
      rule,
      shape,
      path,
      re: new RE2(rule.pattern, shape === 'indices' ? 'gdu' : 'gu'),
      find: path === 'exec' ? null : new RE2(widenRepetitions(plain, WIDEN_MIN_RANGE), 'u'),
      sticky: path === 'exec' ? null : new RE2(plain, 'yu'),
      valueGroup: rule.pattern.includes('(?P<v>'),
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
      // Most fields hit none of this detector's rules: skip the per-field set-up below.
      if (!hitsInRange(scan.hits, range)) continue;
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
          } else if (c.valueGroup) groups = { v: value };
          const verdict = c.rule.validate
            ? c.rule.validate({ value, start, end, text, groups, field: f.field, kind: e.kind }, cfg)
            : true;
          if (!verdict) return true;
          const accepted: Accepted = verdict === true ? {} : verdict;
          candidates.push({ c, start: accepted.start ?? start, end: accepted.end ?? end, accepted });
          return ++count < cfg.maxFindingsPerRule;
        };
        const re = c.re;
        /** The value span of exec result `m` found at byte `base`, as [start, end) bytes. */
        const valueSpan = (m: ExecMatch, base: number): [number, number] => {
          const v = m.groups?.['v'];
          const b0 = base + m.index;
          const b1 = b0 + m[0].length;
          if (v === undefined) return [b0, b1];
          if (c.shape === 'suffix') return [b1 - v.length, b1];
          const span = c.shape === 'indices' ? m.indices?.groups?.['v'] : undefined;
          return span ? [base + span[0], base + span[1]] : [b0, b1];
        };
        let from = 0;
        const sticky = c.sticky;
        const find = c.find;
        if (find && sticky) {
          // The leftmost match at or after `pos`, as exec would find it: candidate starts from the
          // widened pattern on a view (no result object), each tried with the rule's own pattern
          // anchored there in the whole text. The view hides the byte before `pos` from assertions
          // (`\b`, `^`), so `pos` itself is tried first; later starts see their context in the view.
          const endAt = (b0: number): number => {
            sticky.lastIndex = b0;
            return sticky.test(bytes) ? sticky.lastIndex : -1;
          };
          let pos = 0;
          let failed = 0;
          let exact = false;
          while (pos <= bytes.length) {
            let b0 = pos;
            let b1 = pos > 0 ? endAt(pos) : -1;
            if (b1 < 0) {
              const rel = find.search(pos === 0 ? bytes : bytes.subarray(pos));
              if (rel < 0) break;
              b0 = pos + rel;
              b1 = rel === 0 && pos > 0 ? -1 : endAt(b0);
              if (b1 < 0) {
                if (++failed > MAX_FAILED_CANDIDATES) {
                  from = nextChar(bytes, b0);
                  exact = true;
                  break;
                }
                pos = nextChar(bytes, b0);
                continue;
              }
            }
            // Rejected candidates count too: a field of 1 MB of digits must not run 50k validations.
            if (++attempts > maxAttempts) break;
            pos = b1 > b0 ? b1 : nextChar(bytes, b0);
            if (b1 === b0) continue;
            if (c.path === 'candidates') {
              if (!consider(b0, b1, undefined)) break;
              continue;
            }
            // Without assertions the pattern matches the matched bytes alone exactly as it did in the
            // text, so its groups come from a run over those few bytes. Anything else is a bug: redo
            // the rest of the field with exec rather than guess.
            re.lastIndex = 0;
            const m = re.exec(bytes.subarray(b0, b1));
            if (m === null || m.index !== 0 || m[0].length !== b1 - b0) {
              attempts--;
              from = b0;
              exact = true;
              break;
            }
            const [v0, v1] = valueSpan(m, b0);
            if (!consider(v0, v1, m.groups)) break;
          }
          if (!exact) continue;
        }
        re.lastIndex = from;
        for (let m = re.exec(bytes); m !== null; m = re.exec(bytes)) {
          if (++attempts > maxAttempts) break;
          if (m[0].length === 0) {
            re.lastIndex = nextChar(bytes, re.lastIndex);
            continue;
          }
          const [b0, b1] = valueSpan(m, 0);
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

function hitsInRange(hits: readonly number[], range: PrefilterRange): boolean {
  for (const h of hits) if (h >= range.offset && h < range.offset + range.length) return true;
  return false;
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
