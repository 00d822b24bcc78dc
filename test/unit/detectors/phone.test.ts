import { fc, test } from '@fast-check/vitest';
import lpn from 'google-libphonenumber';
import { describe, expect, it } from 'vitest';
import { DetectorConfigError, resolveDetectorConfig } from '../../../detectors/config.ts';
import { createPiiDetector } from '../../../detectors/pii/index.ts';
import { createPhoneDetector, phoneRuleFor, phoneShape } from '../../../detectors/pii/phone.ts';
import { DEFAULT_PHONE_REGIONS, PhoneNumberValidator } from '../../../detectors/pii/phone-regions.ts';
import { makeEvent } from './event.ts';

const cfg = resolveDetectorConfig();
const pii = createPiiDetector(cfg);
const phones = (text: string, detector = pii) => detector.detect(makeEvent(text)).filter((f) => f.type === 'pii.phone');
const spanOf = (text: string) => {
  const [f] = phones(text);
  return f ? text.slice(f.spans[0]!.start, f.spans[0]!.end) : null;
};

describe('pii.phone candidates and validation', () => {
  it.each([
    ['call 415-555-0187x231 today', '415-555-0187x231', 'US'],
    ['Tel +46 (0)8 123 456 78', '+46 (0)8 123 456 78', 'SE'],
    ['Bureau 01.42.68.53.00', '01.42.68.53.00', 'FR'],
    ['mobile 0412 34 56 78', '0412 34 56 78', 'AU'],
    ['(21) 5555-0134 é o número', '(21) 5555-0134', 'BR'],
    ['phone 020 7946 0958', '020 7946 0958', 'GB'],
    ['ring 32 12 34 56', '32 12 34 56', 'DK'],
    ['Budapest (06 1) 234 5678', '(06 1) 234 5678', 'HU'],
    ['+1 (415) 555-0132 ext. 231', '+1 (415) 555-0132 ext. 231', 'US'],
  ])('finds %j as %j in %s', (text, span, region) => {
    const [f] = phones(text);
    expect(f).toBeDefined();
    expect(text.slice(f!.spans[0]!.start, f!.spans[0]!.end)).toBe(span);
    expect(f!.attributes['region']).toBe(region);
    expect(f!.attributes['validation']).toBe('valid');
  });

  it('masks the E.164 form: country code and the last two digits only', () => {
    const [f] = phones('Tel +46 (0)8 123 456 78');
    expect(f!.evidence).toBe('+46 *******78');
    expect(f!.attributes['country_code']).toBe('46');
    const [us] = phones('call 415-555-0187x231');
    expect(us!.evidence).toBe('+1 ********87');
    expect(us!.attributes['extension']).toBe('yes');
  });

  it('ignores versions, order numbers, timestamps, dates, IBAN fragments, cards, IPs and ISBNs', () => {
    for (const text of [
      'upgraded to v10.4.12.1032',
      'build 4.0.2.737 is out',
      'Order #4155550132 shipped',
      'your order no. 612345678',
      'invoice 2024-0012-3456',
      'logged at 2024-03-15 14:22:05',
      '2024-01-15 10:30:00 order 4455667788990',
      'timestamp 1718035200123',
      'Termin am 15.03.2024 um 10 Uhr',
      'IBAN DE89 3704 0044 0532 0130 00',
      'account ending 0532 0130 0044',
      'card 4111 1111 1111 1111',
      'Charge 5555555555554444 please',
      'upstream 192.168.101.234:8080',
      'see 978-3-16-148410-0',
      'ISBN 0-306-40615-2',
      'budget of 1 234 567 € approved',
      'coords 48.1351, 11.5820',
      '415-555.0132',
    ]) {
      expect(phones(text), text).toEqual([]);
    }
  });

  it('accepts a number libphonenumber calls only possible (fictional ranges) when a phone word precedes it', () => {
    // With the default regions 07700 900 461 is also a valid Indian mobile number (trunk 0 +
    // 77009 00461), so the UK drama range is checked against the UK plan alone.
    const ukOnly = createPhoneDetector(resolveDetectorConfig({ phoneRegions: ['GB'] }));
    const [f] = phones('mobile: 07700 900 461', ukOnly);
    expect(f!.attributes['validation']).toBe('possible');
    expect(f!.score).toBeLessThan(0.8);
    expect(phones('Office Paris | 07700 900 461 | rue de Rivoli', ukOnly)).toEqual([]);
  });

  it('needs a phone word for a bare run of digits and for numbers written as no region writes them', () => {
    expect(phones('ref 4155550132')).toEqual([]);
    expect(phones('id 4155550132')).toEqual([]);
    expect(spanOf('phone 4155550132')).toBe('4155550132');
    expect(phones('pages 1234567 890')).toEqual([]);
  });

  it('drops a neighbouring group joined by a space', () => {
    expect(spanOf('call 415 555 0132 2 times')).toBe('415 555 0132');
    expect(spanOf('Tel 030 1234567 2024-03-19 10:00')).toBe('030 1234567');
    expect(spanOf('(call 030 1234567)')).toBe('030 1234567');
  });

  it('validates national formats only for the configured regions; + numbers for any region', () => {
    const usOnly = createPhoneDetector(resolveDetectorConfig({ phoneRegions: ['US'] }));
    expect(phones('Bureau 01 42 68 53 00', usOnly)).toEqual([]);
    expect(phones('Bureau +33 1 42 68 53 00', usOnly)).toHaveLength(1);
    expect(phones('call 415-555-0132', usOnly)).toHaveLength(1);
    // Outside the default regions, in international notation: Norway, Singapore.
    expect(phones('tel +47 22 12 34 56')[0]!.attributes['region']).toBe('NO');
    expect(phones('tel +65 6123 4567')[0]!.attributes['region']).toBe('SG');
  });

  it('prefers the region whose national format groups the number as written', () => {
    expect(phones('call 212-555-0134')[0]!.attributes['region']).toBe('US');
    expect(phones('ligue (21) 5555-0134')[0]!.attributes['region']).toBe('BR');
  });

  it('loses to the other PII types on overlap (SSN, IBAN, card, date of birth)', () => {
    const types = pii.detect(makeEvent('SSN 078-05-1120 on file')).map((f) => f.type);
    expect(types).toEqual(['pii.us_ssn']);
  });
});

describe('pii.phone set-up', () => {
  it('builds one rule per region list, when the chain is built', () => {
    const a = phoneRuleFor(resolveDetectorConfig());
    const b = phoneRuleFor(resolveDetectorConfig({ phoneRegions: [...DEFAULT_PHONE_REGIONS] }));
    expect(a).toBe(b);
    expect(phoneRuleFor(resolveDetectorConfig({ phoneRegions: ['DE'] }))).not.toBe(a);
  });

  it('rejects unknown, malformed, empty and duplicate region lists, all problems at once', () => {
    let err: unknown;
    try {
      resolveDetectorConfig({ phoneRegions: ['DE', 'XX', 'de', 'DE'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DetectorConfigError);
    const problems = (err as DetectorConfigError).problems.join('\n');
    expect(problems).toMatch(/XX, de/);
    expect(problems).toMatch(/lists DE twice/);
    expect(() => resolveDetectorConfig({ phoneRegions: [] })).toThrow(/phoneRegions must be a non-empty array/);
    expect(() => new PhoneNumberValidator(['QQ'])).toThrow(/unknown phone regions: QQ/);
  });

  it("finds every default region's own example numbers, national and international", () => {
    const util = lpn.PhoneNumberUtil.getInstance();
    const F = lpn.PhoneNumberFormat;
    const T = lpn.PhoneNumberType;
    let checked = 0;
    for (const region of DEFAULT_PHONE_REGIONS) {
      for (const type of [T.FIXED_LINE, T.MOBILE]) {
        const n = util.getExampleNumberForType(region, type);
        if (!n) continue;
        const e164 = util.format(n, F.E164);
        const national = util.format(n, F.NATIONAL);
        const international = util.format(n, F.INTERNATIONAL);
        const [intl] = phones(`phone: ${international}`);
        expect(intl, `${region} ${international}`).toBeDefined();
        expect(intl!.evidence.startsWith(`+${n.getCountryCode()} `)).toBe(true);
        expect(intl!.evidence.replaceAll(' ', '').slice(-2)).toBe(e164.slice(-2));
        // A national number can be valid in several plans (PL 512 345 678 is a Spanish mobile
        // too): the region found must be one whose plan libphonenumber says it is valid in.
        const [nat] = phones(`phone: ${national}`);
        expect(nat, `${region} ${national}`).toBeDefined();
        const found = nat!.attributes['region']!;
        expect(
          util.isValidNumberForRegion(util.parse(national, found), found),
          `${region} ${national} as ${found}`,
        ).toBe(true);
        checked += 2;
      }
    }
    expect(checked).toBeGreaterThan(DEFAULT_PHONE_REGIONS.length * 3);
  });

  it("decides validity as libphonenumber's isValidNumberForRegion does, for every default region", () => {
    const util = lpn.PhoneNumberUtil.getInstance();
    const v = new PhoneNumberValidator(DEFAULT_PHONE_REGIONS);
    // Every default region's metadata compiles under RE2; none falls back to the library.
    expect(v.regionsValidatedByLibrary()).toEqual([]);
    const T = lpn.PhoneNumberType;
    fc.assert(
      fc.property(
        fc.constantFrom(...DEFAULT_PHONE_REGIONS),
        fc.constantFrom(T.FIXED_LINE, T.MOBILE, T.TOLL_FREE),
        fc.stringMatching(/^[0-9]{0,4}$/),
        fc.integer({ min: -2, max: 2 }),
        (region, type, tail, cut) => {
          // Near an example number (valid ones and their neighbours), and random digits of its length.
          const ex = util.getExampleNumberForType(region, type);
          const base = ex ? util.getNationalSignificantNumber(ex) : '2123456789';
          const nsn = (cut < 0 ? base.slice(0, cut) : base.slice(0, base.length - tail.length) + tail).slice(0, 15);
          if (nsn.length < 2) return;
          const n = new lpn.PhoneNumber();
          n.setCountryCode(util.getCountryCodeForRegion(region));
          n.setNationalNumber(Number(nsn));
          let zeros = 0;
          while (zeros < nsn.length - 1 && nsn[zeros] === '0') zeros++;
          if (zeros > 0) n.setItalianLeadingZero(true);
          if (zeros > 1) n.setNumberOfLeadingZeros(zeros);
          expect(v.validForRegion(region, nsn), `${region} ${nsn}`).toBe(util.isValidNumberForRegion(n, region));
        },
      ),
      { numRuns: 3000, seed: 17 },
    );
  });

  it('splits a candidate into groups, trunk prefix and extension', () => {
    const s = phoneShape('+44 (0)20 7946 0958 ext. 12');
    expect(s.plus).toBe(true);
    expect(s.trunkInBrackets).toBe(true);
    expect(s.groups.map((g) => g.digits)).toEqual(['44', '20', '7946', '0958']);
    expect(s.ext).toBe('12');
  });
});

describe('pii.phone on arbitrary text', () => {
  const piece = fc.constantFrom(' ', '-', '.', '/', '(', ')', '+', 'x', 'ext. ', '(0)', 'tel ', '\u00a0', '😀', 'é');
  const chunk = fc.oneof(fc.stringMatching(/^[0-9]{1,6}$/), piece);
  test.prop([fc.array(chunk, { maxLength: 60 })])('never throws and keeps spans inside the text', (parts) => {
    const text = parts.join('');
    for (const f of phones(text)) {
      const s = f.spans[0]!;
      expect(s.start).toBeGreaterThanOrEqual(0);
      expect(s.end).toBeLessThanOrEqual(text.length);
      expect(s.end).toBeGreaterThan(s.start);
      // Evidence never carries the clear number.
      expect(f.evidence).not.toContain(text.slice(s.start, s.end).replaceAll(' ', ''));
    }
  });
});
