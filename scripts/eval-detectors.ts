/**
 * Precision / recall / F1 of the detectors on labelled data.
 *
 *   npx tsx scripts/eval-detectors.ts [--json]
 *   WARDEN_PII_EVAL=/tmp/pii-dev.jsonl npx tsx scripts/eval-detectors.ts   # a development set instead
 *
 * - PII & secrets: test/fixtures/detectors/eval/pii-secrets.jsonl (seeded synthetic set from
 *   scripts/gen-detector-eval-set.ts, with hard negatives). A finding counts as a true positive
 *   when its type matches a label and its span overlaps the labelled value.
 * - Prompt injection: deepset-test.jsonl (held out, never used for training or thresholds) and
 *   test/fixtures/detectors/injection/synthetic-eval.jsonl (indirect injections in tool results,
 *   disjoint templates from training), and synthetic-eval-long.jsonl (long tool results, 3 benign per
 *   injected, EVAL-only templates). Rules alone, ML alone, rules OR ML; false-positive rate on
 *   the benign rows, plus on the PII/secrets texts as extra benign traffic.
 * - Injection false-positive rate per shape on held-out benign agent traffic (prompts, model output,
 *   JSON, HTML, code, logs, e-mail, Markdown, EN/DE prose), generated in memory with a fixed seed by
 *   scripts/injection-agent-traffic-eval.ts from templates training never sees, and on the benign
 *   events of the demo fleet (deploy/demo/fleet.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FLEET, generateFleet } from '../deploy/demo/fleet.ts';
import { resolveDetectorConfig } from '../detectors/config.ts';
import { createChatGuardDetector } from '../detectors/injection/chat-guard/detector.ts';
import { createInjectionMlDetector } from '../detectors/injection/ml/detector.ts';
import { createInjectionRulesDetector } from '../detectors/injection/rules-detector.ts';
import { createPiiDetector } from '../detectors/pii/index.ts';
import { createSecretsDetector } from '../detectors/secrets/index.ts';
import type { DevWardenV1 } from '../schemas/generated/agent-event.ts';
import type { Finding } from '../schemas/generated/finding.ts';
import { makeEvent } from '../test/unit/detectors/event.ts';
import { AGENT_TRAFFIC_SHAPES, agentTrafficEvalRows } from './injection-agent-traffic-eval.ts';
import { familyRows } from './injection-family-rows.ts';

const ROOT = join(import.meta.dirname, '..');
const DEEPSET_TEST =
  process.env['WARDEN_INJECTION_TEST'] ?? join(ROOT, '../shared/datasets/prompt-injection/deepset-test.jsonl');
/** PII/secrets rows; point it at a development set (gen-detector-eval-set.ts --seed N --out PATH) while tuning. */
const PII_EVAL = process.env['WARDEN_PII_EVAL'] ?? join(ROOT, 'test/fixtures/detectors/eval/pii-secrets.jsonl');
const json = process.argv.includes('--json');

function* takeEvents<T>(it: Iterator<T>, n: number): Generator<T> {
  for (let i = 0; i < n; i++) {
    const r = it.next();
    if (r.done) return;
    yield r.value;
  }
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn?: number;
}
function metrics(c: Counts) {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const out: Record<string, number> = { ...c, precision, recall, f1 };
  if (c.tn !== undefined) out['fpr'] = c.fp / Math.max(1, c.fp + c.tn);
  return out;
}

const cfg = resolveDetectorConfig();

// ---- PII & secrets -------------------------------------------------------------------------
interface LabelledRow {
  text: string;
  kind: DevWardenV1.EventKind;
  labels: { type: string; value: string }[];
}
const piiRows = readJsonl<LabelledRow>(PII_EVAL);
const pii = createPiiDetector(cfg);
const secrets = createSecretsDetector(cfg);
const perType = new Map<string, Counts>();
const bump = (t: string, k: 'tp' | 'fp' | 'fn') => {
  const c = perType.get(t) ?? { tp: 0, fp: 0, fn: 0 };
  c[k]++;
  perType.set(t, c);
};
for (const row of piiRows) {
  const findings = [...pii.detect(makeEvent(row.text, row.kind)), ...secrets.detect(makeEvent(row.text, row.kind))];
  const used = new Set<Finding>();
  for (const label of row.labels) {
    const at = row.text.indexOf(label.value);
    const end = at + label.value.length;
    const hit = findings.find(
      (f) => !used.has(f) && f.type === label.type && f.spans.some((s) => s.start < end && at < s.end),
    );
    if (hit) {
      used.add(hit);
      bump(label.type, 'tp');
    } else bump(label.type, 'fn');
  }
  for (const f of findings) if (!used.has(f)) bump(f.type, 'fp');
}
const piiReport = Object.fromEntries([...perType.entries()].sort().map(([t, c]) => [t, metrics(c)]));
const sum = (prefix: string) =>
  metrics(
    [...perType.entries()]
      .filter(([t]) => t.startsWith(prefix))
      .reduce((a, [, c]) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), { tp: 0, fp: 0, fn: 0 }),
  );

// ---- International phone numbers (scripts/gen-phone-eval-set.ts, eval bank) --------------------
/** Point it at a dev-bank set (gen-phone-eval-set.ts --bank dev --seed N --out PATH) while tuning. */
const PHONE_EVAL = process.env['WARDEN_PHONE_EVAL'] ?? join(ROOT, 'test/fixtures/detectors/eval/phone-intl.jsonl');
const phoneReport = evalPhones(readJsonl<LabelledRow & { region: string; shape: string }>(PHONE_EVAL));

/** Only `pii.phone` findings count (an IBAN negative found as `pii.iban` is right), through the whole PII detector. */
function evalPhones(rows: (LabelledRow & { region: string; shape: string })[]) {
  const all: Counts = { tp: 0, fp: 0, fn: 0 };
  const byRegion = new Map<string, Counts>();
  const byShape = new Map<string, Counts & { rows: number }>();
  for (const row of rows) {
    const phones = pii.detect(makeEvent(row.text, row.kind)).filter((f) => f.type === 'pii.phone');
    const region = byRegion.get(row.region) ?? { tp: 0, fp: 0, fn: 0 };
    const shape = byShape.get(row.shape) ?? { tp: 0, fp: 0, fn: 0, rows: 0 };
    shape.rows++;
    const used = new Set<Finding>();
    for (const label of row.labels) {
      const at = row.text.indexOf(label.value);
      const end = at + label.value.length;
      const hit = phones.find((f) => !used.has(f) && f.spans.some((s) => s.start < end && at < s.end));
      const k = hit ? 'tp' : 'fn';
      if (hit) used.add(hit);
      all[k]++;
      region[k]++;
      shape[k]++;
    }
    const fps = phones.filter((f) => !used.has(f)).length;
    all.fp += fps;
    region.fp += fps;
    shape.fp += fps;
    byRegion.set(row.region, region);
    byShape.set(row.shape, shape);
  }
  return {
    rows: rows.length,
    all: metrics(all),
    per_region: Object.fromEntries([...byRegion.entries()].sort().map(([r, c]) => [r, metrics(c)])),
    per_shape: Object.fromEntries(
      [...byShape.entries()]
        .sort()
        .map(([r, c]): [string, Record<string, number>] => [r, { ...metrics(c), rows: c.rows }]),
    ),
  };
}

// ---- Prompt injection ------------------------------------------------------------------------
interface InjRow {
  text: string;
  label: number;
  kind?: DevWardenV1.EventKind;
}
const rules = createInjectionRulesDetector(cfg);
const ml = createInjectionMlDetector(cfg);
const rulesFlag = (fs: Finding[]) => fs.some((f) => f.score >= 0.5);

function add(k: Counts & { tn: number }, pred: boolean, y: number): void {
  if (pred && y) k.tp++;
  else if (pred) k.fp++;
  else if (y) k.fn++;
  else k.tn++;
}

function evalInjection(rows: InjRow[]) {
  const c = {
    rules: { tp: 0, fp: 0, fn: 0, tn: 0 },
    ml: { tp: 0, fp: 0, fn: 0, tn: 0 },
    combined: { tp: 0, fp: 0, fn: 0, tn: 0 },
  };
  for (const r of rows) {
    const e = makeEvent(r.text, r.kind ?? 'model_request');
    const pr = rulesFlag(rules.detect(e));
    const pm = ml.detect(e).length > 0;
    add(c.rules, pr, r.label);
    add(c.ml, pm, r.label);
    add(c.combined, pr || pm, r.label);
  }
  return { rows: rows.length, rules: metrics(c.rules), ml: metrics(c.ml), combined: metrics(c.combined) };
}
const deepset = evalInjection(readJsonl<InjRow>(DEEPSET_TEST));
const synthetic = evalInjection(
  readJsonl<InjRow>(join(ROOT, 'test/fixtures/detectors/injection/synthetic-eval.jsonl')),
);
const syntheticLong = evalInjection(
  readJsonl<InjRow>(join(ROOT, 'test/fixtures/detectors/injection/synthetic-eval-long.jsonl')),
);
const benignTraffic = evalInjection(piiRows.map((r) => ({ text: r.text, label: 0, kind: r.kind })));
// Held-out benign agent traffic (generated in memory, eval-only templates and seed), FPR per shape.
const agentTraffic = agentTrafficEvalRows();
const agentTrafficByShape = Object.fromEntries(
  AGENT_TRAFFIC_SHAPES.map((shape) => {
    const r = evalInjection(agentTraffic.filter((row) => row.shape === shape));
    return [shape, { rows: r.rows, rules: r.rules['fpr'], ml: r.ml['fpr'], combined: r.combined['fpr'] }];
  }),
);
const agentTrafficAll = evalInjection(agentTraffic);
// The demo fleet's benign events (deploy/demo/fleet.ts): a few fixed prompts and tool results.
const demoBenign = [...takeEvents(generateFleet(DEFAULT_FLEET, 0), 2000)].filter(
  (l) => !l.labels.includes('injection'),
);
const demoPrompts = evalInjection(
  demoBenign
    .filter((l) => l.event.kind === 'model_request')
    .map((l) => ({ text: l.event.content?.text ?? '', label: 0, kind: 'model_request' as const })),
);
const demoResults = evalInjection(
  demoBenign
    .filter((l) => l.event.kind === 'tool_result')
    .map((l) => ({ text: l.event.content?.text ?? '', label: 0, kind: 'tool_result' as const })),
);

// Held-out attack families and benign look-alikes in 11 languages (eval bank, disjoint phrasing).
const familyEval = familyRows('eval', 20261207, 6);
function byKey(rows: typeof familyEval, key: 'group' | 'lang') {
  const keys = [...new Set(rows.map((r) => r[key]))];
  return Object.fromEntries(
    keys.map((k) => {
      const r = evalInjection(rows.filter((x) => x[key] === k));
      return [k, { rows: r.rows, rules: r.rules, ml: r.ml, combined: r.combined }];
    }),
  );
}
const familiesAll = evalInjection(familyEval);
const familiesByFamily = byKey(
  familyEval.filter((r) => r.label === 1),
  'group',
);
const familiesByLang = byKey(
  familyEval.filter((r) => r.label === 1),
  'lang',
);
const familiesBenign = byKey(
  familyEval.filter((r) => r.label === 0),
  'group',
);

// ---- Chat guard (opt-in per agent; user prompts of purpose-bound chat assistants) ---------------
const chatGuard = createChatGuardDetector(resolveDetectorConfig({ chatGuardAgents: ['*'] }));
function evalChatGuard(rows: InjRow[]) {
  const c = {
    chat_guard: { tp: 0, fp: 0, fn: 0, tn: 0 },
    rules_chat_guard: { tp: 0, fp: 0, fn: 0, tn: 0 },
    rules_ml_chat_guard: { tp: 0, fp: 0, fn: 0, tn: 0 },
  };
  for (const r of rows) {
    // The chat guard reads what a user typed: every row is scored as a model request.
    const e = makeEvent(r.text, 'model_request');
    const pc = chatGuard.detect(e).length > 0;
    const pr = rulesFlag(rules.detect(e));
    const pm = ml.detect(e).length > 0;
    add(c.chat_guard, pc, r.label);
    add(c.rules_chat_guard, pr || pc, r.label);
    add(c.rules_ml_chat_guard, pr || pm || pc, r.label);
  }
  return {
    rows: rows.length,
    chat_guard: metrics(c.chat_guard),
    rules_chat_guard: metrics(c.rules_chat_guard),
    rules_ml_chat_guard: metrics(c.rules_ml_chat_guard),
  };
}
const chatDeepset = evalChatGuard(readJsonl<InjRow>(DEEPSET_TEST));
const benignPrompt = (text: string): InjRow => ({ text, label: 0 });
const chatBenign = {
  agent_traffic_prompts: evalChatGuard(
    agentTraffic.filter((r) => r.shape === 'prompt').map((r) => benignPrompt(r.text)),
  ),
  demo_fleet_prompts: evalChatGuard(
    demoBenign.filter((l) => l.event.kind === 'model_request').map((l) => benignPrompt(l.event.content?.text ?? '')),
  ),
  pii_secrets_requests: evalChatGuard(
    piiRows.filter((r) => r.kind === 'model_request').map((r) => benignPrompt(r.text)),
  ),
};

const report = {
  pii_secrets: { rows: piiRows.length, per_type: piiReport, pii: sum('pii.'), secrets: sum('secret.') },
  phone_international: phoneReport,
  injection: {
    deepset_test: deepset,
    synthetic_indirect_eval: synthetic,
    synthetic_long_tool_results_eval: syntheticLong,
    benign_pii_secrets_texts_fpr: {
      rules: benignTraffic.rules['fpr'],
      ml: benignTraffic.ml['fpr'],
      combined: benignTraffic.combined['fpr'],
    },
    benign_agent_traffic_fpr: {
      rows: agentTraffic.length,
      all: {
        rules: agentTrafficAll.rules['fpr'],
        ml: agentTrafficAll.ml['fpr'],
        combined: agentTrafficAll.combined['fpr'],
      },
      per_shape: agentTrafficByShape,
    },
    demo_fleet_benign_fpr: {
      prompts: { rows: demoPrompts.rows, rules: demoPrompts.rules['fpr'], ml: demoPrompts.ml['fpr'] },
      tool_results: { rows: demoResults.rows, rules: demoResults.rules['fpr'], ml: demoResults.ml['fpr'] },
    },
    held_out_families: {
      all: familiesAll,
      recall_per_family: familiesByFamily,
      recall_per_language: familiesByLang,
      fpr_per_benign_shape: familiesBenign,
    },
    ml_threshold: cfg.injectionMlThreshold ?? 'model default',
  },
  chat_guard: {
    deepset_test: chatDeepset,
    benign_prompts_fpr: Object.fromEntries(
      Object.entries(chatBenign).map(([k, r]) => [k, { rows: r.rows, chat_guard: r.chat_guard['fpr'] }]),
    ),
  },
};

if (json) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  const pct = (v: number | undefined) => (v === undefined ? '   -  ' : `${(v * 100).toFixed(1).padStart(5)}%`);
  const line = (name: string, m: Record<string, number>) =>
    `${name.padEnd(34)} P ${pct(m['precision'])}  R ${pct(m['recall'])}  F1 ${pct(m['f1'])}  FPR ${pct(m['fpr'])}  (tp ${m['tp']} fp ${m['fp']} fn ${m['fn']})\n`;
  let out = `PII & secrets — ${piiRows.length} synthetic rows (seeded, with hard negatives)\n`;
  for (const [t, m] of Object.entries(piiReport)) out += line(`  ${t}`, m);
  out += line('  ALL pii.*', report.pii_secrets.pii);
  out += line('  ALL secret.*', report.pii_secrets.secrets);
  out += `\nPhone numbers — ${phoneReport.rows} international rows (gen-phone-eval-set.ts eval bank, half hard negatives)\n`;
  out += line('  ALL pii.phone', phoneReport.all);
  for (const [r, m] of Object.entries(phoneReport.per_region)) if (r !== '-') out += line(`  region ${r}`, m);
  for (const [sh, m] of Object.entries(phoneReport.per_shape)) {
    if (sh.startsWith('negative.')) out += `  ${sh.padEnd(32)} false positives ${m['fp']} in ${m.rows} rows\n`;
  }
  for (const [name, r] of [
    ['deepset-test (held out)', deepset],
    ['synthetic indirect (tool results)', synthetic],
    ['synthetic long tool results (2–6 KB, 3:1 benign)', syntheticLong],
  ] as const) {
    out += `\nPrompt injection — ${name}, ${r.rows} rows\n`;
    out += line('  rules', r.rules);
    out += line('  ml', r.ml);
    out += line('  rules + ml', r.combined);
  }
  out += `\nPrompt injection — held-out families, 11 languages (injection-family-templates.ts eval bank), ${familiesAll.rows} rows\n`;
  out += line('  rules', familiesAll.rules);
  out += line('  ml', familiesAll.ml);
  out += line('  rules + ml', familiesAll.combined);
  const recallLine = (
    name: string,
    r: { rows: number; rules: Record<string, number>; ml: Record<string, number>; combined: Record<string, number> },
  ) =>
    `  ${name.padEnd(20)} ${String(r.rows).padStart(4)} rows  recall rules ${pct(r.rules['recall'])}  ml ${pct(r.ml['recall'])}  combined ${pct(r.combined['recall'])}\n`;
  for (const [k, r] of Object.entries(familiesByFamily)) out += recallLine(k, r);
  for (const [k, r] of Object.entries(familiesByLang)) out += recallLine(`lang ${k}`, r);
  for (const [k, r] of Object.entries(familiesBenign))
    out += `  benign ${k.padEnd(18)} ${String(r.rows).padStart(4)} rows  FPR rules ${pct(r.rules['fpr'])}  ml ${pct(r.ml['fpr'])}  combined ${pct(r.combined['fpr'])}\n`;
  out += `\nInjection false-positive rate on ${piiRows.length} benign PII/secrets texts: rules ${pct(benignTraffic.rules['fpr'])}, ml ${pct(benignTraffic.ml['fpr'])}, combined ${pct(benignTraffic.combined['fpr'])}\n`;
  out += `\nInjection false-positive rate on ${agentTraffic.length} held-out benign agent-traffic texts (eval-only templates)\n`;
  const fprLine = (name: string, rows: number, r: number | undefined, m: number | undefined, c: number | undefined) =>
    `  ${name.padEnd(14)} ${String(rows).padStart(5)} rows  rules ${pct(r)}  ml ${pct(m)}  combined ${pct(c)}\n`;
  for (const [shape, v] of Object.entries(agentTrafficByShape))
    out += fprLine(shape, v.rows, v.rules, v.ml, v.combined);
  out += fprLine(
    'ALL',
    agentTrafficAll.rows,
    agentTrafficAll.rules['fpr'],
    agentTrafficAll.ml['fpr'],
    agentTrafficAll.combined['fpr'],
  );
  out += `\nDemo fleet benign events (deploy/demo/fleet.ts)\n`;
  out += fprLine(
    'prompts',
    demoPrompts.rows,
    demoPrompts.rules['fpr'],
    demoPrompts.ml['fpr'],
    demoPrompts.combined['fpr'],
  );
  out += fprLine(
    'tool results',
    demoResults.rows,
    demoResults.rules['fpr'],
    demoResults.ml['fpr'],
    demoResults.combined['fpr'],
  );
  out += `\nChat guard (opt-in per agent: user prompts of purpose-bound chat assistants) — deepset-test (held out), ${chatDeepset.rows} rows\n`;
  out += line('  chat guard', chatDeepset.chat_guard);
  out += line('  rules + chat guard', chatDeepset.rules_chat_guard);
  out += line('  rules + ml + chat guard', chatDeepset.rules_ml_chat_guard);
  out += `Chat guard false-positive rate on benign prompts it was not built for (why it is opt-in):\n`;
  for (const [name, r] of Object.entries(chatBenign))
    out += `  ${name.padEnd(24)} ${String(r.rows).padStart(5)} rows  chat guard ${pct(r.chat_guard['fpr'])}\n`;
  process.stdout.write(out);
}
