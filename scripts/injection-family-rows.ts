/**
 * Labelled rows from injection-family-templates.ts, one bank at a time: every written family in
 * every language, the built families (payload splitting, token smuggling, few-shot) made from the
 * same bank's sentences, and the benign look-alike shapes. Seeded and deterministic.
 *
 * gen-injection-synthetic.ts uses bank `train`; eval-detectors.ts uses bank `eval` (held out).
 */
import { seededRandom } from '../services/lib/seeded-random.ts';
import {
  type Bank,
  BENIGN_SHAPES,
  type BenignShape,
  BUILT_WRAPPERS,
  FAMILY_BANKS,
  type Family,
  LANGS,
  type Lang,
  WRITTEN_FAMILIES,
} from './injection-family-templates.ts';

export interface FamilyRow {
  text: string;
  label: 0 | 1;
  kind: 'model_request' | 'tool_result';
  lang: Lang;
  /** Attack family for label 1, benign shape for label 0. */
  group: Family | BenignShape;
}

const LEET: Readonly<Record<string, string>> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7' };

/** Token smuggling: the bank decides the disguise, so eval disguises are not the trained ones. */
function smuggle(bank: Bank, text: string, rnd: () => number): string {
  const r = rnd();
  if (bank === 'train') {
    if (r < 0.5) return [...text].map((c) => LEET[c.toLowerCase()] ?? c).join('');
    return [...text].join(' ');
  }
  if (r < 0.5) return [...text].join('.');
  // Leetspeak with alternating case.
  return [...text].map((c, i) => LEET[c.toLowerCase()] ?? (i % 2 ? c.toUpperCase() : c.toLowerCase())).join('');
}

/** Splits a sentence at a word boundary near its middle (CJK: at the middle character). */
function halves(text: string): [string, string] {
  const mid = Math.floor(text.length / 2);
  const sp = text.indexOf(' ', mid);
  const at = sp > 0 ? sp : mid;
  return [text.slice(0, at).trim(), text.slice(at).trim()];
}

export function familyRows(bank: Bank, seed: number, perCell: number): FamilyRow[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const rows: FamilyRow[] = [];
  for (const lang of LANGS) {
    const b = FAMILY_BANKS[bank][lang];
    const attack = (family: (typeof WRITTEN_FAMILIES)[number]) =>
      pick(b.attacks[family]).replaceAll('{p}', pick(b.payloads));
    for (const family of WRITTEN_FAMILIES) {
      for (let i = 0; i < perCell; i++)
        rows.push({ text: attack(family), label: 1, kind: 'model_request', lang, group: family });
    }
    const core = () => attack(pick(['ignore_previous', 'dev_mode', 'prompt_leak'] as const));
    for (let i = 0; i < perCell; i++) {
      const [a1, a2] = halves(core());
      const text = pick(BUILT_WRAPPERS[bank].payload_splitting).replace('{a1}', a1).replace('{a2}', a2);
      rows.push({ text, label: 1, kind: 'model_request', lang, group: 'payload_splitting' });
    }
    for (let i = 0; i < perCell; i++) {
      const text = pick(BUILT_WRAPPERS[bank].token_smuggling).replace('{s}', smuggle(bank, core(), rnd));
      rows.push({ text, label: 1, kind: 'model_request', lang, group: 'token_smuggling' });
    }
    for (let i = 0; i < perCell; i++) {
      const text = pick(BUILT_WRAPPERS[bank].few_shot).replace('{a}', core());
      rows.push({ text, label: 1, kind: 'model_request', lang, group: 'few_shot' });
    }
    for (const shape of BENIGN_SHAPES) {
      const texts = b.benign[shape];
      if (!texts) continue;
      for (let i = 0; i < perCell; i++) {
        const kind = shape === 'code_system_prompt' || shape === 'faq_capabilities' ? 'tool_result' : 'model_request';
        rows.push({ text: pick(texts), label: 0, kind, lang, group: shape });
      }
    }
  }
  // Small banks give repeats; each distinct text counts once.
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.text) && seen.add(r.text));
}
