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

  describe('street forms beyond house number + English suffix', () => {
    it.each([
      ['PO Box 1234, Austin, TX 78701', 'PO Box 1234, Austin, TX 78701'],
      ['send it c/o P.O. Box 77 please', 'P.O. Box 77'],
      ['Postfach 10 02 30, 10115 Berlin', 'Postfach 10 02 30, 10115 Berlin'],
      ['address: 13 rue de Rivoli, 75001 Paris', '13 rue de Rivoli, 75001 Paris'],
      ["RDV au 2 place de l'Étoile, 75008 Paris.", "2 place de l'Étoile, 75008 Paris"],
      ['Siège: 5 bis avenue Foch', '5 bis avenue Foch'],
      ['Calle Mayor 10, 28013 Madrid', 'Calle Mayor 10, 28013 Madrid'],
      ['indirizzo Via Roma 5, 00184 Roma', 'Via Roma 5, 00184 Roma'],
      ['Loja na Rua Augusta 27', 'Rua Augusta 27'],
      ['Treffpunkt Straße des 17. Juni 106', 'Straße des 17. Juni 106'],
      ['Platz der Republik 1, 11011 Berlin', 'Platz der Republik 1, 11011 Berlin'],
      ['ship it to 12 main st', '12 main st'],
      ['address: 350 fifth avenue', '350 fifth avenue'],
      ['Ship to: Acme 12 Main Street', '12 Main Street'],
    ])('finds the address in %j', (text, want) => {
      const found = find(text);
      expect(found).toHaveLength(1);
      expect(spanText(text, found[0]!)).toBe(want);
      expectMasked(found[0]!, want);
    });

    it.each([
      'Apollo 11 Landing Place was in the Sea of Tranquility',
      'the new iPhone 15 Pro Way',
      'Via Slack 2 times a day',
      'Plaza Hotel 5 stars',
      'Corso Python 3 for beginners',
      'Straße des Lebens',
      'the p.o. box is empty',
      'Top 3 Square Meals',
      'We sold 3 Avenue Chairs today',
    ])('finds nothing in the hard negative %j', (text) => {
      expect(find(text)).toEqual([]);
    });

    it.each([
      ['lower-case words without an address keyword', 'we need 12 main st'],
      ['an English street type without article, postcode or keyword', '3 Square Meals'],
      ['a model name before the number and nothing after it', 'Apollo 11 Landing Place'],
      ['a PO box without a number', 'PO Box'],
      ['a type word glued to a longer word', 'Subvia Roma 5'],
    ])('rejects the near miss with %s', (_, text) => {
      expect(find(text)).toEqual([]);
    });

    it('scores a bare foreign street below one with a postcode', () => {
      const [bare] = find('Calle Mayor 10');
      const [withZip] = find('Calle Mayor 10, 28013 Madrid');
      expect(bare!.severity).toBe('low');
      expect(bare!.score).toBeLessThan(withZip!.score);
    });
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
    ['a name with neither a cue word nor a person verb', 'Jane Roe is on the list'],
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

  describe('names after workflow cues and person fields', () => {
    it.each([
      ['Assigned to Jane Roe', 'Jane Roe'],
      ["Reviewed by Patrick O'Brien.", "Patrick O'Brien"],
      ['Attn: Lukas McDonald', 'Lukas McDonald'],
      ['c/o Anne-Marie Dubois, 12 Main St', 'Anne-Marie Dubois'],
      ['Zu Händen Jürgen Müller', 'Jürgen Müller'],
      ['Assignee: Jane Roe', 'Jane Roe'],
      ['{"author": "Jane Roe", "sha": "abc"}', 'Jane Roe'],
      ['Ms van der Berg called twice.', 'van der Berg'],
      ['Dr. Anna Oetker will review the scan.', 'Anna Oetker'],
    ])('finds the name in %j', (text, want) => {
      const found = find(text);
      expect(found).toHaveLength(1);
      expect(spanText(text, found[0]!)).toBe(want);
    });

    it.each([
      'Assigned to Sprint Planning',
      'Reviewed by Security Team',
      'assigned to Platform Engineering',
      'owner: Platform Team',
      'Dr. Oetker Pizza is on sale',
      'Dr. Pepper and Mr. Clean',
    ])('finds nothing in the hard negative %j', (text) => {
      expect(find(text)).toEqual([]);
    });

    it.each([
      ['a single word after the cue', 'Assigned to Jane'],
      ['a lower-case name after the cue', 'assigned to jane roe'],
      ['a cue glued to a longer word', 'unassigned to Jane Roe'],
    ])('rejects the near miss with %s', (_, text) => {
      expect(find(text)).toEqual([]);
    });
  });

  describe('a full name as the subject of a person verb', () => {
    it.each([
      ['Jane Roe called about the refund.', 'Jane Roe'],
      ['Meeting notes: Anna Weber agreed to the plan.', 'Anna Weber'],
      ['Yesterday Lukas McDonald has already phoned twice.', 'Lukas McDonald'],
      ["Thanks! Mei O'Brien wrote back.", "Mei O'Brien"],
      ['Deniz García López asked for a refund', 'Deniz García López'],
      ['Anna Schmidt hat angerufen.', 'Anna Schmidt'],
    ])('finds the name in %j', (text, want) => {
      const found = find(text);
      expect(found).toHaveLength(1);
      expect(spanText(text, found[0]!)).toBe(want);
      // No cue word: the weakest name rule.
      expect(found[0]!.score).toBe(0.55);
      expect(found[0]!.severity).toBe('low');
    });

    it.each([
      'The Rolling Stones said no.',
      'IBM Research Labs said it works.',
      'GitHub Actions reported a failure.',
      'Windows Defender reported a threat.',
      'Customer Success confirmed the renewal.',
      'Tech Lead approved the change.',
      'so-called Smart Contracts',
      'She said the Build Team called.',
    ])('finds nothing in the hard negative %j', (text) => {
      expect(find(text)).toEqual([]);
    });

    it.each([
      ['a single capitalised word', 'Anna called twice'],
      ['four capitalised words before the verb', 'Northwind Traders Sales Portal said hi'],
      ['a lower-case name', 'jane roe called'],
      ['the verb inside a longer word', 'Jane Roe recalled the order'],
      ['a line break between name and verb', 'Jane Roe\ncalled'],
    ])('rejects the near miss with %s', (_, text) => {
      expect(find(text)).toEqual([]);
    });
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
