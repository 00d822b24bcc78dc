/**
 * Microbenchmark of the injection classifier's `score` on ~2.6 KB agent-shaped texts (prose, JSON,
 * HTML, logs), single thread, committed model. Prints µs per call; the machine may be shared, so
 * compare runs made back to back.
 *
 *   npx tsx scripts/bench-injection-score.ts [--calls 20000]
 */

import { formatMachine, machineInfo } from '../bench/lib/machine.ts';
import { readInjectionModelFile } from '../detectors/injection/ml/detector.ts';
import { loadInjectionModel } from '../detectors/injection/ml/model.ts';
import { seededRandom } from '../services/lib/seeded-random.ts';

const i = process.argv.indexOf('--calls');
const CALLS = i > 0 ? Number(process.argv[i + 1]) : 20_000;
const SIZE = 2600;

const rnd = seededRandom(11);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const SENTENCES = [
  'The invoice for March was paid on the 14th and the receipt is attached.',
  'Die Wartung der Anlage ist für nächsten Dienstag um 9 Uhr geplant.',
  'Set retries to 3 and the backoff to 250 ms before deploying to staging.',
  'Customer 48213 asked whether the spring sale items can still be returned.',
];
function text(): string {
  let s = '';
  const shape = Math.floor(rnd() * 4);
  while (s.length < SIZE) {
    if (shape === 0) s += `${pick(SENTENCES)} `;
    else if (shape === 1)
      s += `${JSON.stringify({ id: Math.floor(rnd() * 1e6), note: pick(SENTENCES), ok: rnd() < 0.5 })},`;
    else if (shape === 2) s += `<li class="row"><a href="/x/${Math.floor(rnd() * 1e4)}">${pick(SENTENCES)}</a></li>\n`;
    else
      s += `2025-11-26T10:42:${String(Math.floor(rnd() * 60)).padStart(2, '0')}Z INFO req path=/api/v1/items/${Math.floor(rnd() * 1e5)} status=200 ms=${Math.floor(rnd() * 90)}\n`;
  }
  return s.slice(0, SIZE);
}
const texts = Array.from({ length: 256 }, text);
const model = loadInjectionModel(readInjectionModelFile());
let acc = 0;
for (let k = 0; k < 2000; k++) acc += model.score(texts[k % texts.length]!, 8192).probability;
const t0 = process.hrtime.bigint();
for (let k = 0; k < CALLS; k++) acc += model.score(texts[k % texts.length]!, 8192).probability;
const us = Number(process.hrtime.bigint() - t0) / 1000 / CALLS;
process.stdout.write(
  `injection model ${model.version}: ${us.toFixed(1)} µs per score of ${SIZE} chars (${CALLS} calls, mean p ${(acc / (CALLS + 2000)).toFixed(3)})\n${formatMachine(machineInfo())}\n`,
);
