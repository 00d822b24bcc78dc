import type { Finding } from '../../schemas/generated/finding.ts';

/**
 * Data classes implied by other detectors' findings, first matching rule per finding type
 * (a rule ending in `.*` matches the family). Class names are lower-case.
 */
export const DATA_CLASS_RULES: readonly { readonly type: string; readonly classes: readonly string[] }[] = [
  { type: 'pii.payment_card', classes: ['personal', 'financial'] },
  { type: 'pii.iban', classes: ['personal', 'financial'] },
  { type: 'pii.*', classes: ['personal'] },
  { type: 'secret.*', classes: ['credentials'] },
];

function matches(type: string, rule: string): boolean {
  return rule.endsWith('.*') ? type.startsWith(rule.slice(0, -1)) : type === rule;
}

export function inferDataClasses(findings: readonly Finding[]): string[] {
  const out = new Set<string>();
  for (const f of findings) {
    const rule = DATA_CLASS_RULES.find((r) => matches(f.type, r.type));
    for (const c of rule?.classes ?? []) out.add(c);
  }
  return [...out];
}

/** The event's declared classes plus the inferred ones, lower-cased, de-duplicated, in first-seen order. */
export function eventDataClasses(declared: readonly string[], findings: readonly Finding[]): string[] {
  const out = new Set<string>();
  for (const c of declared) if (c.trim() !== '') out.add(c.trim().toLowerCase());
  for (const c of inferDataClasses(findings)) out.add(c);
  return [...out];
}
