import type { DetectorFactory } from '../detector.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';
import { dateOfBirthRules } from './date-of-birth.ts';
import { emailRules } from './email.ts';
import { ibanRules } from './iban.ts';
import { ipAddressRules } from './ip-address.ts';
import { paymentCardRules } from './payment-card.ts';
import { phoneRules } from './phone.ts';
import { ukNinoRules } from './uk-nino.ts';
import { usSsnRules } from './us-ssn.ts';

export const PII_VERSION = '1.0.0';

export const piiRules: readonly PatternRule[] = [
  ...emailRules,
  ...phoneRules,
  ...paymentCardRules,
  ...ibanRules,
  ...usSsnRules,
  ...ukNinoRules,
  ...ipAddressRules,
  ...dateOfBirthRules,
];

/** All PII rules in one RE2.Set pass. Findings carry the id of the rule that fired (`pii.iban`). */
export const createPiiDetector: DetectorFactory = (cfg) => createPatternDetector('pii', PII_VERSION, piiRules, cfg);

export { createDateOfBirthDetector } from './date-of-birth.ts';
export { createEmailDetector } from './email.ts';
export { createIbanDetector } from './iban.ts';
export { createIpAddressDetector } from './ip-address.ts';
export { createPaymentCardDetector } from './payment-card.ts';
export { createPhoneDetector } from './phone.ts';
export { createUkNinoDetector } from './uk-nino.ts';
export { createUsSsnDetector } from './us-ssn.ts';
