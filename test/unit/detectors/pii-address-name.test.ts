import { describe, expect, it } from 'vitest';
import { resolveDetectorConfig } from '../../../detectors/config.ts';
import { maskAddress, maskInitials } from '../../../detectors/mask.ts';
import { createPiiDetector } from '../../../detectors/pii/index.ts';
import { createPersonNameDetector } from '../../../detectors/pii/person-name.ts';
import { createPostalAddressDetector } from '../../../detectors/pii/postal-address.ts';
import { inferDataClasses } from '../../../detectors/policy/data-classes.ts';
import type { Finding } from '../../../schemas/generated/finding.ts';
import { makeEvent } from './event.ts';

const cfg = resolveDetectorConfig();

function spanText(text: string, f: Finding): string {
  return text.slice(f.spans[0]!.start, f.spans[0]!.end);
}

/**
 * Every street word, house number, city and full postcode of `clear` stays out of the evidence;
 * only a UK postcode district (`NW1`) and two-letter state codes are kept by design.
 */
function expectMasked(f: Finding, clear: string): void {
  for (const word of clear.split(/[ ,\n]+/)) {
    if (word.length >= 3 && !/^[A-Z]{1,2}[0-9][A-Z0-9]?$/.test(word)) expect(f.evidence).not.toContain(word);
  }
}

describe('pii.postal_address', () => {
  const d = createPostalAddressDetector(cfg);
  const find = (text: string) => d.detect(makeEvent(text));

  it.each([
    ['Google is at 1600 Amphitheatre Parkway.', '1600 Amphitheatre Parkway'],
    ['Holmes lived at 221B Baker Street, London NW1 6XE.', '221B Baker Street, London NW1 6XE'],
    ['Ship to: 742 Evergreen Terrace, Springfield, IL 62704', '742 Evergreen Terrace, Springfield, IL 62704'],
    ['send it to 350 5th Ave, New York, NY 10118 today', '350 5th Ave, New York, NY 10118'],
    ['office: 12 N. Lincoln Blvd, Suite 400', '12 N. Lincoln Blvd, Suite 400'],
    ['LABEL 77 MAIN ST', '77 MAIN ST'],
    ['Hauptstraße 12, 10115 Berlin', 'Hauptstraße 12, 10115 Berlin'],
    ['Anschrift: Bahnhofstr. 5a', 'Bahnhofstr. 5a'],
    ['Wir wohnen Karl-Marx-Allee 33, 10178 Berlin.', 'Karl-Marx-Allee 33, 10178 Berlin'],
    ['Lieferung an Berliner Straße 7\n80331 München', 'Berliner Straße 7\n80331 München'],
    ['Treffpunkt Am Markt 3', 'Am Markt 3'],
    ['Kaiserring 10-12, 68161 Mannheim', 'Kaiserring 10-12, 68161 Mannheim'],
  ])('finds the address in %j', (text, want) => {
    const found = find(text);
    expect(found).toHaveLength(1);
    expect(spanText(text, found[0]!)).toBe(want);
    expectMasked(found[0]!, want);
  });

  it.each([
    'version 2 Street Fighter',
    '3 Drive letters',
    'Chapter 12 Way forward',
    'see step 4 Place the lid',
    'The meeting is at 10:30 Main Hall, 14.03.2025 at 9 Uhr',
    'Route 66',
    '2 Items',
    'const for10 Street = 1; for_10_Street.length',
    'Section 5 Court decision',
    'HTTP 200 Ok',
    'Top 10 Things To Do In Court',
    'See Chapter 3 Main Street for details',
    'Im Jahr 2024 stieg der Umsatz, am Montag 10 Uhr',
    'call String 5 times; Monitoring 2 is next; Spring 3 ready',
  ])('finds nothing in the hard negative %j', (text) => {
    expect(find(text)).toEqual([]);
  });

  it.each([
    ['a number and words but no street suffix', '12 Main Hall'],
    ['a suffix right after the number', '5 Street'],
    ['lower-case words', '12 main street'],
    ['a German street without a number', 'die Hauptstraße entlang'],
    ['the number glued to a word', 'v12 Baker Street'],
    ['a version before the number', 'v1.2 Baker Street'],
  ])('rejects the near miss with %s', (_, text) => {
    expect(find(text)).toEqual([]);
  });

  it('scores a postcode and an address keyword above a bare street', () => {
    const [bare] = find('1600 Amphitheatre Parkway');
    const [withZip] = find('742 Evergreen Terrace, Springfield, IL 62704');
    const [withBoth] = find('Ship to: 742 Evergreen Terrace, Springfield, IL 62704');
    expect(bare!.score).toBeLessThan(withZip!.score);
    expect(withZip!.score).toBeLessThan(withBoth!.score);
    expect(withZip!.attributes['locality']).toBe('yes');
    expect(find('Treffpunkt Am Markt 3')[0]!.severity).toBe('low');
  });

  it('keeps only the postcode region, state and initials in the evidence', () => {
    expect(find('742 Evergreen Terrace, Springfield, IL 62704')[0]!.evidence).toBe('*** E. T., S., IL 62***');
    expect(find('Hauptstraße 12, 10115 Berlin')[0]!.evidence).toBe('H. **, 10*** B.');
    expect(find('221B Baker Street, London NW1 6XE')[0]!.evidence).toBe('**** B. S., L. NW1 ***');
  });
});

describe('maskAddress', () => {
  it('never returns a street word or a house number in clear', () => {
    expect(maskAddress('1600 Amphitheatre Parkway')).toBe('**** A. P.');
    expect(maskAddress('Bahnhofstr. 5a')).toBe('B. **');
    expect(maskAddress('Karl-Marx-Allee 33, D-10178 Berlin')).toBe('K. **, D-10*** B.');
    expect(maskAddress('12 Main St, Columbus, OH 43004-1234')).toBe('** M. S., C., OH 43***-****');
  });
});

describe('pii.person_name', () => {
  const d = createPersonNameDetector(cfg);
  const find = (text: string) => d.detect(makeEvent(text));

  it.each([
    ['Hi, my name is Jane Roe and I need help.', 'Jane Roe'],
    ['Name: John Smith', 'John Smith'],
    ['Mr. John Smith will call back', 'John Smith'],
    ['Dear Anna Schmidt,\nthank you for your letter.', 'Anna Schmidt'],
    ['Best regards,\nJonas van der Berg', 'Jonas van der Berg'],
    ['Mit freundlichen Grüßen\nJürgen Müller', 'Jürgen Müller'],
    ["Signed, Patrick O'Brien", "Patrick O'Brien"],
    ['{"customer_name": "Anne-Marie Dubois", "tier": "gold"}', 'Anne-Marie Dubois'],
    ['{"name": "Anna Weber", "email": "a.weber@firma.de"}', 'Anna Weber'],
    ['Ansprechpartner: Lukas McDonald', 'Lukas McDonald'],
    ['Bitte Herrn Kowalski informieren.', 'Kowalski'],
    ['Ich heiße Anna.', 'Anna'],
  ])('finds the name in %j', (text, want) => {
    const found = find(text);
    expect(found).toHaveLength(1);
    expect(spanText(text, found[0]!)).toBe(want);
    expect(found[0]!.score).toBeLessThanOrEqual(0.75);
    for (const part of want.split(' ')) if (part.length > 2) expect(found[0]!.evidence).not.toContain(part);
  });

  it.each([
    'Name: Order Summary',
    'Dear Hiring Manager,',
    'Dear Customer, your parcel is on its way.',
    'Hi Team Alpha,',
    'Best regards,\nThe Support Team',
    '{"name": "Wireless Mouse", "price": 12}',
    '- name: Build And Deploy\n  runs-on: ubuntu-latest',
    'Product name: Blue Widget',
    'Sehr geehrte Damen und Herren,',
    'Ich heiße Sie herzlich willkommen.',
    'Hello World program',
  ])('finds nothing in the hard negative %j', (text) => {
    expect(find(text)).toEqual([]);
  });

  it.each([
    ['a one-word name after a greeting', 'Hi John, see you'],
    ['a greeting without the comma of a letter', 'Dear John Smith and the team'],
    ['lower-case words after the keyword', 'my name is jane roe'],
    ['a name without any keyword', 'Jane Roe called about the refund'],
  ])('rejects the near miss with %s', (_, text) => {
    expect(find(text)).toEqual([]);
  });

  it('stops the name at a non-name word and drops a possessive', () => {
    const text = "Name: Anna Schmidt Team lead; Mr. Smith's car";
    expect(find(text).map((f) => spanText(text, f))).toEqual(['Anna Schmidt', 'Smith']);
  });

  it('gives a single surname a lower score and severity than a full name', () => {
    const [one] = find('Frau Müller');
    const [two] = find('Frau Anna Müller');
    expect(one!.severity).toBe('low');
    expect(two!.severity).toBe('medium');
    expect(one!.score).toBeLessThan(two!.score);
  });

  it('accepts a bare name key only as a label or next to personal details', () => {
    expect(find('{"name": "Anna Weber", "plan": "basic"}')).toEqual([]);
    expect(find('Here is the data. Name: Anna Weber')).toHaveLength(1);
    expect(find('File name: Anna Weber')).toEqual([]);
  });

  it('masks to initials', () => {
    expect(find('my name is Jane van Dyke')[0]!.evidence).toBe('J. v. D.');
    expect(maskInitials('Ärzte Özil')).toBe('Ä. Ö.');
  });
});

describe('address and name in the PII chain', () => {
  const pii = createPiiDetector(cfg);
  it('reports both types from the combined detector with masked evidence only', () => {
    const text = 'Ship to: Mr. John Smith, 742 Evergreen Terrace, Springfield, IL 62704';
    const found = pii.detect(makeEvent(text));
    expect(found.map((f) => f.type).sort()).toEqual(['pii.person_name', 'pii.postal_address']);
    const all = found.map((f) => f.evidence).join(' ');
    for (const clear of ['John', 'Smith', 'Evergreen', 'Terrace', 'Springfield', '742', '62704']) {
      expect(all).not.toContain(clear);
    }
  });
  it('maps both types to personal data for policy', () => {
    const found = pii.detect(makeEvent('my name is Jane Roe, Hauptstraße 12, 10115 Berlin'));
    expect(found).toHaveLength(2);
    expect(inferDataClasses(found)).toEqual(['personal']);
  });
});
