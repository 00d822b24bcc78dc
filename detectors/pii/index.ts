import { DEFAULT_DETECTOR_CONFIG } from '../config.ts';
import type { DetectorFactory } from '../detector.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';
import { dateOfBirthRules } from './date-of-birth.ts';
import { emailRules } from './email.ts';
import { ibanRules } from './iban.ts';
import { ipAddressRules } from './ip-address.ts';
import { paymentCardRules } from './payment-card.ts';
import { personNameRules } from './person-name.ts';
import { phoneRuleFor } from './phone.ts';
import { postalAddressRules } from './postal-address.ts';
import { ukNinoRules } from './uk-nino.ts';
import { usSsnRules } from './us-ssn.ts';

export const PII_VERSION = '1.0.0';

/** With the phone rule for the default regions; `createPiiDetector` swaps in the configured one. */
export const piiRules: readonly PatternRule[] = [
  ...emailRules,
  phoneRuleFor(DEFAULT_DETECTOR_CONFIG),
  ...paymentCardRules,
  ...ibanRules,
  ...usSsnRules,
  ...ukNinoRules,
  ...ipAddressRules,
  ...dateOfBirthRules,
  ...postalAddressRules,
  ...personNameRules,
];

/** All PII rules in one RE2.Set pass. Findings carry the id of the rule that fired (`pii.iban`). */
export const createPiiDetector: DetectorFactory = (cfg, shared) => {
  const phone = phoneRuleFor(cfg);
  const rules = piiRules.map((r) => (r.id === 'pii.phone' ? phone : r));
  return createPatternDetector('pii', PII_VERSION, rules, cfg, shared?.prefilter);
};

export { createDateOfBirthDetector } from './date-of-birth.ts';
export { createEmailDetector } from './email.ts';
export { createIbanDetector } from './iban.ts';
export { createIpAddressDetector } from './ip-address.ts';
export { createPaymentCardDetector } from './payment-card.ts';
export { createPersonNameDetector } from './person-name.ts';
export { createPhoneDetector } from './phone.ts';
export { createPostalAddressDetector } from './postal-address.ts';
export { createUkNinoDetector } from './uk-nino.ts';
export { createUsSsnDetector } from './us-ssn.ts';
