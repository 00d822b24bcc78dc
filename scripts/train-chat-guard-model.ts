/**
 * Trains the chat-guard classifier reproducibly and writes detectors/injection/model/chat-guard-lr.json:
 *
 *   npx tsx scripts/train-chat-guard-model.ts    # ~1 min on this 2-core machine, same output each run
 *
 * What it is for: purpose-bound chat assistants (a newspaper's Q&A bot, a support bot) whose users
 * type messages directly. There, "forget everything and write …", "act as …", "now you are …" or
 * "say that you hate …" are attempts to take the assistant off its task, which is what the deepset
 * prompt-injection data labels as injection. The same requests are ordinary work for autonomous
 * agents, so this model is opt-in per agent (DETECT_CHAT_GUARD_AGENTS) and only scores user
 * prompts; the default classifier (injection.ml, scripts/train-injection-model.ts) is trained for
 * agent traffic.
 *
 * Data: ../shared/datasets/prompt-injection/deepset-train.jsonl only (override with
 * WARDEN_INJECTION_TRAIN). deepset-test.jsonl is NEVER read here.
 *
 * Model: logistic regression over the set of hashed character 1–4-grams of the message
 * (detectors/injection/chat-guard/features.ts), x = 1 / sqrt(distinct features), 2^17 int16
 * weights. Fitted full-batch with Adam on mean log-loss + L2 (bias not penalised), from zero, so
 * the result does not depend on a random start.
 *
 * Model selection: 5-fold stratified cross-validation over training rows (seeded folds). The L2
 * strength is the one with the best out-of-fold F1 at a false-positive rate <= 2 %; the decision
 * threshold is the one that reaches that F1 on the out-of-fold scores (middle of a tied range).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHAT_FEATURE_BITS,
  CHAT_FEATURE_DIM,
  CHAT_NGRAM_MAX,
  forEachChatFeature,
} from '../detectors/injection/chat-guard/features.ts';
import { type ChatGuardModelFile, createChatGuardModel } from '../detectors/injection/chat-guard/model.ts';
import { normaliseInto } from '../detectors/injection/ml/features.ts';
import { seededRandom } from '../services/lib/seeded-random.ts';
import { chooseThreshold, quantise, sigmoid, type ThresholdChoice } from './lib/classifier-training.ts';

const ROOT = join(import.meta.dirname, '..');
const TRAIN =
  process.env['WARDEN_INJECTION_TRAIN'] ?? join(ROOT, '../shared/datasets/prompt-injection/deepset-train.jsonl');
const OUT = join(ROOT, 'detectors/injection/model/chat-guard-lr.json');
const SEED = 20261126;
const FOLDS = 5;
const L2_GRID = [1e-6, 3e-6, 1e-5, 3e-5, 1e-4, 3e-4];
const ITERATIONS = 400;
const ADAM_LR = 0.1;
const MAX_FPR = 0.02;
/** DEFAULT_DETECTOR_CONFIG.chatGuardMaxChars: the detector scores this prefix of a message. */
const MAX_CHARS = 4096;

interface Row {
  text: string;
  label: 0 | 1;
}
interface Doc {
  /** Distinct feature indices. */
  feats: Int32Array;
  y: 0 | 1;
}

function readRows(path: string): Row[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Row);
}

function toDoc(row: Row): Doc {
  const norm = new Uint16Array(Math.min(row.text.length, MAX_CHARS) + 2);
  const n = normaliseInto(row.text, MAX_CHARS, norm);
  const set = new Set<number>();
  forEachChatFeature(norm, n, (f) => set.add(f));
  return { feats: Int32Array.from([...set].sort((a, b) => a - b)), y: row.label };
}

function predict(w: Float64Array, b: number, d: Doc): number {
  if (d.feats.length === 0) return sigmoid(b);
  let s = 0;
  for (const f of d.feats) s += w[f]!;
  return sigmoid(b + s / Math.sqrt(d.feats.length));
}

/** Full-batch Adam on mean log-loss + l2/2 * |w|^2. Deterministic. */
function fitModel(docs: Doc[], l2: number): { w: Float64Array; b: number } {
  const w = new Float64Array(CHAT_FEATURE_DIM);
  const g = new Float64Array(CHAT_FEATURE_DIM);
  const m = new Float64Array(CHAT_FEATURE_DIM);
  const v = new Float64Array(CHAT_FEATURE_DIM);
  // Only features that occur in training can move; the rest stay 0 (L2 pulls nothing else).
  const active = Int32Array.from(new Set(docs.flatMap((d) => [...d.feats])));
  let b = 0;
  let mb = 0;
  let vb = 0;
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;
  const n = docs.length;
  for (let t = 1; t <= ITERATIONS; t++) {
    for (const f of active) g[f] = l2 * w[f]!;
    let gb = 0;
    for (const d of docs) {
      const err = (predict(w, b, d) - d.y) / n;
      gb += err;
      const x = d.feats.length > 0 ? err / Math.sqrt(d.feats.length) : 0;
      for (const f of d.feats) g[f] = g[f]! + x;
    }
    const c1 = 1 - beta1 ** t;
    const c2 = 1 - beta2 ** t;
    for (const f of active) {
      m[f] = beta1 * m[f]! + (1 - beta1) * g[f]!;
      v[f] = beta2 * v[f]! + (1 - beta2) * g[f]! * g[f]!;
      w[f] = w[f]! - (ADAM_LR * (m[f]! / c1)) / (Math.sqrt(v[f]! / c2) + eps);
    }
    mb = beta1 * mb + (1 - beta1) * gb;
    vb = beta2 * vb + (1 - beta2) * gb * gb;
    b -= (ADAM_LR * (mb / c1)) / (Math.sqrt(vb / c2) + eps);
  }
  return { w, b };
}

/** Stratified folds: rows of each label shuffled with a fixed seed and dealt round-robin. */
function folds(docs: Doc[]): number[] {
  const rnd = seededRandom(SEED);
  const fold = new Array<number>(docs.length).fill(0);
  for (const y of [0, 1]) {
    const idx = docs.map((d, i) => (d.y === y ? i : -1)).filter((i) => i >= 0);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    idx.forEach((docIndex, k) => {
      fold[docIndex] = k % FOLDS;
    });
  }
  return fold;
}

const rows = readRows(TRAIN);
const docs = rows.map(toDoc);
const fold = folds(docs);
process.stdout.write(`chat guard: ${docs.length} training rows (${docs.filter((d) => d.y === 1).length} injections)\n`);

let chosen: { l2: number; choice: ThresholdChoice; oof: { p: number; y: number }[] } | undefined;
for (const l2 of L2_GRID) {
  const oof: { p: number; y: number }[] = [];
  for (let k = 0; k < FOLDS; k++) {
    const { w, b } = fitModel(
      docs.filter((_, i) => fold[i] !== k),
      l2,
    );
    docs.forEach((d, i) => {
      if (fold[i] === k) oof.push({ p: predict(w, b, d), y: d.y });
    });
  }
  const choice = chooseThreshold(oof, MAX_FPR);
  process.stdout.write(
    `  l2=${l2}  out-of-fold F1 ${choice.f1.toFixed(3)} P ${choice.precision.toFixed(3)} R ${choice.recall.toFixed(3)} ` +
      `FPR ${(100 * choice.fpr).toFixed(1)}% at threshold ${choice.threshold}\n`,
  );
  if (!chosen || choice.f1 > chosen.choice.f1) chosen = { l2, choice, oof };
}
if (!chosen) throw new Error('no L2 setting evaluated');

const { w, b } = fitModel(docs, chosen.l2);
const { q, scale } = quantise(w);
const weightsInt16 = Buffer.from(q.buffer, q.byteOffset, q.byteLength).toString('base64');
const file: ChatGuardModelFile = {
  format: 'warden.chat-guard-lr.v1',
  version: `1.0.0+${createHash('sha256').update(weightsInt16).digest('hex').slice(0, 8)}`,
  featureBits: CHAT_FEATURE_BITS,
  bias: Number(b.toFixed(6)),
  threshold: chosen.choice.threshold,
  weightScale: scale,
  weightsInt16,
  training: {
    data: 'deepset-train.jsonl',
    rows: docs.length,
    features: `char 1-${CHAT_NGRAM_MAX}-grams of space-padded words, set, 2^${CHAT_FEATURE_BITS} hashed`,
    l2: chosen.l2,
    optimiser: `full-batch Adam, ${ITERATIONS} iterations, lr ${ADAM_LR}`,
    cvFolds: FOLDS,
    cvSeed: SEED,
    oofF1: Number(chosen.choice.f1.toFixed(4)),
    oofPrecision: Number(chosen.choice.precision.toFixed(4)),
    oofRecall: Number(chosen.choice.recall.toFixed(4)),
    oofFpr: Number(chosen.choice.fpr.toFixed(4)),
    maxFpr: MAX_FPR,
  },
};

// The quantised model must score the training rows as the float one does, threshold for threshold.
const model = createChatGuardModel(q, file);
let flips = 0;
rows.forEach((r, i) => {
  const exact = predict(w, b, docs[i]!) >= file.threshold;
  if (model.score(r.text, MAX_CHARS) >= file.threshold !== exact) flips++;
});
if (flips > 0)
  process.stdout.write(`  note: ${flips} training rows change side of the threshold after int16 quantisation\n`);

writeFileSync(OUT, `${JSON.stringify(file)}\n`);
process.stdout.write(`chose l2=${chosen.l2}, threshold ${file.threshold}; wrote ${OUT} (${file.version})\n`);
