import { describe, expect, it } from 'vitest';
import { resolveDetectorConfig } from '../../../detectors/config.ts';
import { createDateOfBirthDetector, plausibleBirthDate } from '../../../detectors/pii/date-of-birth.ts';
import { createEmailDetector } from '../../../detectors/pii/email.ts';
import { createIbanDetector, ibanChecksumValid } from '../../../detectors/pii/iban.ts';
import { createIpAddressDetector } from '../../../detectors/pii/ip-address.ts';
import { cardBrand, createPaymentCardDetector, luhnValid } from '../../../detectors/pii/payment-card.ts';
import { createPhoneDetector } from '../../../detectors/pii/phone.ts';
import { createUkNinoDetector } from '../../../detectors/pii/uk-nino.ts';
import { createUsSsnDetector, ssnValid } from '../../../detectors/pii/us-ssn.ts';
import { makeEvent } from './event.ts';

const cfg = resolveDetectorConfig();

describe('pii.email', () => {
  const d = createEmailDetector(cfg);
  it('reports the UTF-16 span of the address after astral characters', () => {
    const text = '😀 mail jane.roe@acme.io now';
    const [f] = d.detect(makeEvent(text));
    expect(f).toBeDefined();
    expect(text.slice(f!.spans[0]!.start, f!.spans[0]!.end)).toBe('jane.roe@acme.io');
    expect(f!.evidence).toBe('j***@acme.io');
  });
  it('scans tool arguments as their own field', () => {
    const [f] = d.detect(makeEvent(null, 'tool_call', '{"to":"bob@corp.de"}'));
    expect(f!.spans[0]!.field).toBe('tool.arguments');
  });
  it('keeps documentation domains at low severity', () => {
    expect(d.detect(makeEvent('x j@example.com'))[0]!.severity).toBe('low');
  });
});

describe('pii.phone', () => {
  const d = createPhoneDetector(cfg);
  it('finds E.164 numbers with separators', () => expect(d.detect(makeEvent('ring +44 20 7946 0958'))).toHaveLength(1));
  it('ignores timestamps, dates and long order numbers', () => {
    expect(d.detect(makeEvent('2024-01-15 10:30:00 order 4455667788990'))).toHaveLength(0);
  });
  it('rejects US numbers with mixed separators', () => expect(d.detect(makeEvent('415-555.0132'))).toHaveLength(0));
});

describe('pii.payment_card', () => {
  const d = createPaymentCardDetector(cfg);
  it('validates with Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
  it('requires a known brand prefix and length', () => {
    expect(cardBrand('378282246310005')).toBe('amex');
    expect(cardBrand('9111111111111111')).toBeNull();
  });
  it('masks to the last four digits', () => {
    const [f] = d.detect(makeEvent('card: 5555 5555 5555 4444'));
    expect(f!.evidence).toBe('****4444');
    expect(f!.attributes['brand']).toBe('mastercard');
  });
  it('rejects a Luhn-valid number glued to letters', () =>
    expect(d.detect(makeEvent('id4111111111111111'))).toHaveLength(0));
});

describe('pii.iban', () => {
  const d = createIbanDetector(cfg);
  it('checks mod-97', () => {
    expect(ibanChecksumValid('DE89370400440532013000')).toBe(true);
    expect(ibanChecksumValid('DE89370400440532013001')).toBe(false);
  });
  it('stops the span at the country length when a word follows a grouped IBAN', () => {
    const text = 'IBAN DE89 3704 0044 0532 0130 00 THEN pay';
    const [f] = d.detect(makeEvent(text));
    expect(text.slice(f!.spans[0]!.start, f!.spans[0]!.end)).toBe('DE89 3704 0044 0532 0130 00');
    expect(f!.evidence).toBe('DE****************3000');
  });
  it('rejects unknown countries and wrong lengths', () => {
    expect(d.detect(makeEvent('QQ89370400440532013000 and DE8937040044053201300'))).toHaveLength(0);
  });
});

describe('pii.us_ssn', () => {
  const d = createUsSsnDetector(cfg);
  it('excludes area 000, 666 and 9xx, group 00 and serial 0000', () => {
    expect(ssnValid(0, 12, 3456)).toBe(false);
    expect(ssnValid(666, 12, 3456)).toBe(false);
    expect(ssnValid(900, 12, 3456)).toBe(false);
    expect(ssnValid(123, 0, 3456)).toBe(false);
    expect(ssnValid(123, 45, 0)).toBe(false);
    expect(ssnValid(123, 45, 6789)).toBe(true);
  });
  it('needs a keyword for unformatted numbers', () => {
    expect(d.detect(makeEvent('ref 078051120'))).toHaveLength(0);
    expect(d.detect(makeEvent('SSN 078051120'))[0]!.evidence).toBe('***-**-1120');
  });
});

describe('pii.uk_nino', () => {
  const d = createUkNinoDetector(cfg);
  it('rejects never-allocated prefixes and letters D F I Q U V', () => {
    expect(d.detect(makeEvent('GB123456A NK123456B DA123456C'))).toHaveLength(0);
    expect(d.detect(makeEvent('AB123456C'))).toHaveLength(1);
  });
});

describe('pii.ip_address', () => {
  const d = createIpAddressDetector(cfg);
  it('marks private IPv4 scope and masks the last octet', () => {
    const [f] = d.detect(makeEvent('from 192.168.10.4'));
    expect(f!.attributes['scope']).toBe('private');
    expect(f!.evidence).toBe('192.168.10.***');
  });
  it('accepts compressed IPv6 and rejects C++ scopes and MACs', () => {
    expect(d.detect(makeEvent('addr fe80:0:0:0:200:f8ff:fe21:67cf'))).toHaveLength(1);
    expect(d.detect(makeEvent('a::b std::map 00:1a:2b:3c:4d:5e'))).toHaveLength(0);
  });
});

describe('pii.date_of_birth', () => {
  const d = createDateOfBirthDetector(cfg);
  it('needs a birth keyword before the date', () => {
    expect(d.detect(makeEvent('due 14.03.1985'))).toHaveLength(0);
    expect(d.detect(makeEvent('DOB: 1985-03-14'))[0]!.evidence).toBe('****-**-**');
  });
  it('rejects impossible calendar dates', () => {
    expect(plausibleBirthDate('31.02.1980')).toBe(false);
    expect(plausibleBirthDate('29.02.1984')).toBe(true);
  });
});
