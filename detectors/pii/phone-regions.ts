import lpn from 'google-libphonenumber';
import RE2 from 're2';

/**
 * The EU member states, the UK, US, Canada, Australia, Brazil, India and Japan. The order is the
 * preference for a national number valid in several plans (`212 555 0134` is valid in the US and in
 * Greece): the larger English-writing plans first, then the larger EU ones. Numbers with `+` are
 * unambiguous and do not depend on it.
 */
export const DEFAULT_PHONE_REGIONS: readonly string[] = Object.freeze(
  'US GB CA AU IN BR JP DE FR IT ES NL PL SE BE AT PT IE DK FI CZ GR HU RO SK BG HR SI LT LV EE LU MT CY'.split(' '),
);

/**
 * Regions where numbers are commonly written nationally without the trunk prefix: NANP's `1` is
 * optional, Brazilians write `(21) 5555-0134`, Indians `98765 43210`. Elsewhere a national number
 * must carry its trunk prefix (`030 …`, `07700 …`), which keeps bare digit groups from matching
 * half of Europe's plans.
 */
const TRUNK_OPTIONAL = new Set(['US', 'CA', 'BR', 'IN']);

/** Extra trunk prefixes people still dial (Lithuania's old `8`). */
const EXTRA_TRUNK: Readonly<Record<string, readonly string[]>> = { LT: ['8'] };

/**
 * The metadata accessors of the closure build that its typings leave out. They exist in every 8.x
 * metadata build; a unit test fails if a release renames them.
 */
interface NumberDesc {
  getNationalNumberPattern(): string | undefined;
  possibleLengthArray(): number[];
}

/**
 * libphonenumber's `isNumberMatchingDesc_` for one number type: the length is one of the type's
 * possible lengths (when it lists any) and the national number pattern matches entirely.
 */
interface DescTest {
  readonly lengths: ReadonlySet<number> | null;
  readonly re: RE2;
}
interface RegionMetadata {
  getCountryCode(): number;
  getNationalPrefix(): string | undefined;
  getGeneralDesc(): NumberDesc;
  getFixedLine(): NumberDesc | undefined;
  getMobile(): NumberDesc | undefined;
  getTollFree(): NumberDesc | undefined;
  getPremiumRate(): NumberDesc | undefined;
  getSharedCost(): NumberDesc | undefined;
  getPersonalNumber(): NumberDesc | undefined;
  getVoip(): NumberDesc | undefined;
  getPager(): NumberDesc | undefined;
  getUan(): NumberDesc | undefined;
  getVoicemail(): NumberDesc | undefined;
  numberFormatArray(): NumberFormat[];
}
interface NumberFormat {
  getPattern(): string;
  leadingDigitsPatternArray(): string[];
}
interface UtilInternals {
  getMetadataForRegion(region: string): RegionMetadata | null | undefined;
}

/** What the detector knows about one region, compiled once per detector. */
interface RegionPlan {
  readonly region: string;
  readonly countryCode: number;
  /** Trunk prefixes to strip from a national number; empty where the plan has none. */
  readonly trunks: readonly string[];
  readonly trunkOptional: boolean;
  /** National significant number lengths of any type. */
  readonly lengths: ReadonlySet<number>;
  /**
   * Every number type's national pattern in one anchored RE2: a cheap "could be valid here" test
   * run before libphonenumber, whose own check builds its RegExps anew on each call (~5 µs per
   * region). Null if a pattern does not compile under RE2; libphonenumber then decides alone.
   */
  readonly types: RE2 | null;
  /** The plan's national formats as digit-group lengths, to prefer the region whose grouping a number is written in. */
  readonly formats: readonly Grouping[];
  /**
   * libphonenumber's validity rule compiled once: a valid number matches the general description
   * and at least one number type (`getNumberTypeHelper_` is not UNKNOWN). Null when a pattern does
   * not compile under RE2; the library then decides. Its own check builds a RegExp per type and
   * call, which made it most of the phone rule's cost.
   */
  readonly validity: { readonly general: DescTest; readonly types: readonly DescTest[] } | null;
}

/** One national format: `(\\d{3})(\\d{3})(\\d{4})` for numbers starting with `leading`. */
interface Grouping {
  readonly groups: readonly (readonly [number, number])[];
  readonly leading: RE2 | null;
}

/** `(\\d{2})(\\d{2,3})(\\d)` -> [[2,2],[2,3],[1,1]]; null for any other pattern shape. */
function groupLengths(pattern: string): [number, number][] | null {
  const out: [number, number][] = [];
  let i = 0;
  while (i < pattern.length) {
    if (!pattern.startsWith('(\\d', i)) return null;
    i += 3;
    let lo = 1;
    let hi = 1;
    if (pattern[i] === '{') {
      const close = pattern.indexOf('}', i);
      if (close < 0) return null;
      const [a, b] = pattern.slice(i + 1, close).split(',');
      lo = Number(a);
      hi = b === undefined ? lo : Number(b);
      if (!Number.isInteger(lo) || !Number.isInteger(hi)) return null;
      i = close + 1;
    }
    if (pattern[i] !== ')') return null;
    i++;
    out.push([lo, hi]);
  }
  return out.length > 0 ? out : null;
}

function compileGroupings(md: RegionMetadata): Grouping[] {
  const out: Grouping[] = [];
  for (const f of md.numberFormatArray()) {
    const groups = groupLengths(f.getPattern());
    if (!groups) continue;
    // The last leading-digits pattern is the most specific one.
    const lead = f.leadingDigitsPatternArray().at(-1);
    let leading: RE2 | null = null;
    if (lead) {
      try {
        leading = new RE2(`^(?:${lead})`);
      } catch {
        continue;
      }
    }
    out.push({ groups, leading });
  }
  return out;
}

/**
 * True when some national format of the plan groups `nsn` as `written` (lengths of the digit
 * groups), or it is written `1234 5678` or `123 456 789`: how 8- and 9-digit plans are written
 * locally more often than their metadata formats say (Spain's `612 345 678`, Latvia's `2002 6306`).
 */
function groupedAsWritten(p: RegionPlan, nsn: string, written: readonly number[]): boolean {
  if (written.length === 2 && written[0] === 4 && written[1] === 4) return true;
  if (written.length === 3 && written.every((w) => w === 3)) return true;
  for (const f of p.formats) {
    if (f.groups.length !== written.length) continue;
    let ok = true;
    for (let i = 0; i < written.length && ok; i++) {
      const [lo, hi] = f.groups[i]!;
      ok = written[i]! >= lo && written[i]! <= hi;
    }
    // The leading-digits RE2 last: most formats already differ in their group lengths.
    if (ok && (f.leading === null || f.leading.test(nsn))) return true;
  }
  return false;
}

export interface PhoneResolution {
  readonly region: string;
  readonly countryCode: number;
  /** National significant number: digits only. */
  readonly nsn: string;
  /** Valid per libphonenumber (isValidNumberForRegion); false: only possible (length fits the plan). */
  readonly valid: boolean;
  /**
   * Written the way the region writes numbers: international, with its trunk prefix, or grouped as
   * one of its national formats. `1234567 890` is a valid Brazilian number but written as none.
   */
  readonly conventional: boolean;
}

/** The library's own per-thread singleton; it parses a region's metadata on first use of the region. */
function phoneUtil(): lpn.PhoneNumberUtil {
  return lpn.PhoneNumberUtil.getInstance();
}

/** Region codes libphonenumber does not know, for config validation. */
export function unsupportedPhoneRegions(regions: readonly string[]): string[] {
  const known = new Set<string>(phoneUtil().getSupportedRegions());
  return regions.filter((r) => !known.has(r));
}

const DESC_GETTERS = [
  'getFixedLine',
  'getMobile',
  'getTollFree',
  'getPremiumRate',
  'getSharedCost',
  'getPersonalNumber',
  'getVoip',
  'getPager',
  'getUan',
  'getVoicemail',
] as const;

function descTest(d: NumberDesc | undefined | null): DescTest | null | 'none' {
  const p = d?.getNationalNumberPattern();
  // An empty or `NA` pattern marks a type the region does not have: it never matches.
  if (!d || !p || p === 'NA') return 'none';
  const lengths = d.possibleLengthArray();
  try {
    return { lengths: lengths.length > 0 ? new Set(lengths) : null, re: new RE2(`^(?:${p})$`) };
  } catch {
    return null;
  }
}

function compileValidity(md: RegionMetadata): RegionPlan['validity'] {
  const general = descTest(md.getGeneralDesc());
  if (general === null || general === 'none') return null;
  const types: DescTest[] = [];
  for (const g of DESC_GETTERS) {
    const t = descTest(md[g]());
    if (t === null) return null;
    if (t !== 'none') types.push(t);
  }
  return { general, types };
}

const matchesDesc = (t: DescTest, nsn: string) => (t.lengths === null || t.lengths.has(nsn.length)) && t.re.test(nsn);

function compilePlan(u: lpn.PhoneNumberUtil, region: string): RegionPlan {
  const md = (u as unknown as UtilInternals).getMetadataForRegion(region);
  if (!md) throw new Error(`libphonenumber has no metadata for region ${region}`);
  const lengths = new Set(md.getGeneralDesc().possibleLengthArray());
  const patterns: string[] = [];
  for (const g of DESC_GETTERS) {
    const p = md[g]()?.getNationalNumberPattern();
    // An empty or `NA` pattern marks a type the region does not have.
    if (p && p !== 'NA') patterns.push(`(?:${p})`);
  }
  let types: RE2 | null = null;
  try {
    types = patterns.length > 0 ? new RE2(`^(?:${patterns.join('|')})$`) : null;
  } catch {
    types = null;
  }
  const np = md.getNationalPrefix();
  return {
    region,
    countryCode: md.getCountryCode(),
    trunks: [...(np ? [np] : []), ...(EXTRA_TRUNK[region] ?? [])],
    trunkOptional: TRUNK_OPTIONAL.has(region) || !np,
    lengths,
    types,
    formats: compileGroupings(md),
    validity: compileValidity(md),
  };
}

/**
 * The number libphonenumber's parse would build for country code `cc` and national significant
 * number `nsn` (leading zeros kept as Italian-style zeros), without its parse: the candidate is
 * already split into digits here, and parse costs more than the validity check itself.
 */
function phoneNumber(cc: number, nsn: string): lpn.PhoneNumber {
  const n = new lpn.PhoneNumber();
  n.setCountryCode(cc);
  n.setNationalNumber(Number(nsn));
  let zeros = 0;
  while (zeros < nsn.length - 1 && nsn.charCodeAt(zeros) === 48) zeros++;
  if (zeros > 0) {
    n.setItalianLeadingZero(true);
    if (zeros > 1) n.setNumberOfLeadingZeros(zeros);
  }
  return n;
}

/**
 * Validates digit strings against the configured regions' numbering plans. Built once per detector
 * (factory time): libphonenumber's metadata for each region is loaded and each region's type
 * patterns are compiled to RE2 here, never per event. Inputs are short (the RE2 candidate, at most
 * 17 digits plus separators), so libphonenumber's internal RegExps only ever see bounded text.
 */
export class PhoneNumberValidator {
  private readonly u = phoneUtil();
  private readonly plans: readonly RegionPlan[];
  private readonly byCountryCode = new Map<number, RegionPlan[]>();

  constructor(readonly regions: readonly string[]) {
    const unknown = unsupportedPhoneRegions(regions);
    if (unknown.length > 0) throw new Error(`unknown phone regions: ${unknown.join(', ')}`);
    this.plans = regions.map((r) => compilePlan(this.u, r));
    for (const p of this.plans) {
      const list = this.byCountryCode.get(p.countryCode) ?? [];
      list.push(p);
      this.byCountryCode.set(p.countryCode, list);
    }
  }

  private fits(p: RegionPlan, nsn: string): boolean {
    return p.lengths.has(nsn.length) && (p.types === null || p.types.test(nsn));
  }

  /**
   * `digits` follow a `+` or an international prefix. A country code outside the configured regions
   * is still validated (a `+` number is unambiguous) but gets no RE2 pre-check.
   */
  international(digits: string): PhoneResolution | null {
    if (digits.length < 8 || digits.length > 15 || digits[0] === '0') return null;
    // Country codes are a prefix code: at most one of the 1-3 digit prefixes is assigned.
    for (let ccLen = 1; ccLen <= 3; ccLen++) {
      const cc = Number(digits.slice(0, ccLen));
      const region = this.u.getRegionCodeForCountryCode(cc);
      if (region === 'ZZ') continue;
      const nsn = digits.slice(ccLen);
      const plans = this.byCountryCode.get(cc);
      if (plans) {
        for (const p of plans) {
          if (this.fits(p, nsn) && this.valid(p, nsn)) {
            return { region: p.region, countryCode: cc, nsn, valid: true, conventional: true };
          }
        }
        const possible = plans.some((p) => p.lengths.has(nsn.length));
        return possible ? { region, countryCode: cc, nsn, valid: false, conventional: true } : null;
      }
      const n = phoneNumber(cc, nsn);
      if (this.u.isValidNumber(n)) {
        return {
          region: this.u.getRegionCodeForNumber(n) ?? region,
          countryCode: cc,
          nsn,
          valid: true,
          conventional: true,
        };
      }
      return this.u.isPossibleNumber(n) ? { region, countryCode: cc, nsn, valid: false, conventional: true } : null;
    }
    return null;
  }

  /**
   * A nationally written number: `groups` are the lengths of its digit groups as written (trunk
   * prefix included). Regions whose plan it fits are tried with libphonenumber, those with a
   * national format grouping it as written first, then in configuration order; the first one
   * libphonenumber confirms wins. `possible` results are kept for callers with a phone cue.
   */
  national(digits: string, groups: readonly number[]): PhoneResolution | null {
    if (digits.length < 7 || digits.length > 13) return null;
    let possible: PhoneResolution | null = null;
    const deferred: { p: RegionPlan; nsn: string; conventional: boolean }[] = [];
    // Bounded: a digit string that fits many plans costs at most three library checks.
    let checks = 0;
    for (const p of this.plans) {
      let nsn: string | null = null;
      let trunk = 0;
      for (const t of p.trunks) {
        if (digits.startsWith(t)) {
          nsn = digits.slice(t.length);
          trunk = t.length;
          break;
        }
      }
      if (nsn === null) {
        if (!p.trunkOptional) continue;
        nsn = digits;
      }
      if (!p.lengths.has(nsn.length)) continue;
      possible ??= { region: p.region, countryCode: p.countryCode, nsn, valid: false, conventional: trunk > 0 };
      if (p.types !== null && !p.types.test(nsn)) continue;
      if (groups.length > 1 && groupedAsWritten(p, nsn, withoutTrunk(groups, trunk))) {
        if (checks++ >= 3) break;
        if (this.valid(p, nsn))
          return { region: p.region, countryCode: p.countryCode, nsn, valid: true, conventional: true };
      } else deferred.push({ p, nsn, conventional: trunk > 0 });
    }
    for (const { p, nsn, conventional } of deferred) {
      if (checks++ >= 3) break;
      if (this.valid(p, nsn)) return { region: p.region, countryCode: p.countryCode, nsn, valid: true, conventional };
    }
    return possible;
  }

  /** libphonenumber's isValidNumberForRegion, from the plan's compiled metadata where it compiled. */
  valid(p: RegionPlan, nsn: string): boolean {
    const v = p.validity;
    if (v === null) return this.u.isValidNumberForRegion(phoneNumber(p.countryCode, nsn), p.region);
    if (!matchesDesc(v.general, nsn)) return false;
    for (const t of v.types) if (matchesDesc(t, nsn)) return true;
    return false;
  }

  /** isValidNumberForRegion for a configured region, the way the detector decides it (for tests). */
  validForRegion(region: string, nsn: string): boolean {
    const p = this.plans.find((x) => x.region === region);
    if (!p) throw new Error(`${region} is not a configured phone region`);
    return this.valid(p, nsn);
  }

  /** Configured regions whose metadata did not compile under RE2 and fall back to the library. */
  regionsValidatedByLibrary(): string[] {
    return this.plans.filter((p) => p.validity === null).map((p) => p.region);
  }
}

/** Group lengths with the trunk prefix's digits taken off the front (`030 123` -> [2, 3]). */
function withoutTrunk(groups: readonly number[], trunk: number): number[] {
  if (trunk === 0) return [...groups];
  const first = groups[0]! - trunk;
  return first > 0 ? [first, ...groups.slice(1)] : groups.slice(1);
}
