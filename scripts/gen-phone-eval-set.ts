/**
 * Seeded generator for the international phone-number evaluation set:
 * test/fixtures/detectors/eval/phone-intl.jsonl, one {text, kind, region, shape, labels:[{type, value}]}
 * per line. Positives are numbers as people write them in the default regions (EU, UK, US, CA, AU,
 * BR, IN, JP): national and international notation, extensions (`415-555-0187x231`), trunk prefix
 * in brackets (`+46 (0)8 123 456 78`), dotted (`01.42.68.53.00`), AU and UK mobiles, bracketed area
 * codes (`(21) 5555-0134`), 8-digit local numbers, and the fictional ranges films and documentation
 * use (NANP 555-01xx, Ofcom's 07700 900xxx, ACMA's 0491 570 xxx), which libphonenumber may reject.
 * Hard negatives carry no label: versions, order / invoice / serial numbers, timestamps, dates, IBAN
 * fragments, payment cards, IPv4 addresses, ISBNs, amounts, coordinates.
 *
 *   npx tsx scripts/gen-phone-eval-set.ts                                   # the committed eval set
 *   npx tsx scripts/gen-phone-eval-set.ts --bank dev --seed 7 --out /tmp/phone-dev.jsonl
 *
 * Two banks of sentence templates and negative wordings, `dev` and `eval`, are disjoint, and some
 * number formats exist in one bank only; the detector is tuned on `dev` (another seed, written
 * outside the repository) and the `eval` bank is scored once. Subscriber digits are random, so a
 * few numbers land in unallocated ranges, as typos and made-up numbers do in real text.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../services/lib/seeded-random.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
  return v;
}
type Bank = 'dev' | 'eval';
const EVAL_SEED = 20261206;
const bankArg = arg('--bank') ?? 'eval';
if (bankArg !== 'dev' && bankArg !== 'eval') throw new Error(`--bank must be dev or eval, got ${bankArg}`);
const BANK: Bank = bankArg;
const seedArg = arg('--seed');
const SEED = seedArg === undefined ? EVAL_SEED : Number(seedArg);
if (!Number.isInteger(SEED) || SEED < 0 || SEED > 0xffffffff) {
  throw new Error(`--seed must be an integer in [0, 2^32), got ${seedArg}`);
}
const outArg = arg('--out');
// Only the eval bank with the eval seed may write the committed file.
if ((BANK !== 'eval' || SEED !== EVAL_SEED) && outArg === undefined) {
  throw new Error('--bank dev or a seed other than the evaluation seed needs --out (outside the repository)');
}
const OUT = outArg ?? join(import.meta.dirname, '..', 'test', 'fixtures', 'detectors', 'eval', 'phone-intl.jsonl');

const rnd = seededRandom(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const d = (n: number) => Array.from({ length: n }, () => int(0, 9)).join('');
/** `n` digits not starting with 0. */
const nz = (n: number) => `${int(1, 9)}${d(n - 1)}`;

/** A format generator and the bank(s) it belongs to. */
interface Format {
  readonly bank: Bank | 'both';
  readonly shape: string;
  readonly gen: () => string;
}
const f = (bank: Format['bank'], shape: string, gen: () => string): Format => ({ bank, shape, gen });

const NANP_AREAS = ['212', '415', '312', '617', '206', '303', '512', '646', '702', '919'];
const CA_AREAS = ['416', '604', '514', '613', '403', '902'];
const ext = () => pick(['x', ' x', ' ext. ', ' ext ', ' Ext.', ' extension ', '#']) + d(int(2, 4));
const nanpLine = () => `${int(2, 9)}${d(2)}`;
const nanp = (areas: readonly string[]): Format[] => [
  f('both', 'paren', () => `(${pick(areas)}) ${nanpLine()}-${d(4)}`),
  f('both', 'dash', () => `${pick(areas)}-${nanpLine()}-${d(4)}`),
  f('both', 'dot', () => `${pick(areas)}.${nanpLine()}.${d(4)}`),
  f('both', 'extension', () => `${pick(areas)}-555-01${d(2)}${ext()}`),
  f('eval', 'intl', () => `+1 ${pick(areas)} ${nanpLine()} ${d(4)}`),
  f('dev', 'intl', () => `+1-${pick(areas)}-${nanpLine()}-${d(4)}`),
  f('eval', 'fictional', () => `${pick(areas)}-555-01${d(2)}`),
  f('dev', 'toll_free', () => `1-800-${nanpLine()}-${d(4)}`),
  f('eval', 'toll_free', () => `1 (888) ${nanpLine()}-${d(4)}`),
  f('both', 'extension', () => `(${pick(areas)}) ${nanpLine()}-${d(4)}${ext()}`),
];

const REGIONS: Record<string, Format[]> = {
  US: nanp(NANP_AREAS),
  CA: nanp(CA_AREAS),
  GB: [
    f('both', 'mobile', () => `07${int(4, 9)}${d(2)} ${d(6)}`),
    f('both', 'fictional_mobile', () => `07700 900 ${d(3)}`),
    f('both', 'london', () => `020 7${d(3)} ${d(4)}`),
    f('eval', 'intl_trunk', () => `+44 (0)20 7${d(3)} ${d(4)}`),
    f('dev', 'intl_trunk', () => `+44 (0) 161 ${int(2, 9)}${d(2)} ${d(4)}`),
    f('both', 'intl', () => `+44 7${int(4, 9)}${d(2)} ${d(6)}`),
    f('eval', 'geographic', () => `0161 ${int(2, 9)}${d(2)} ${d(4)}`),
    f('dev', 'geographic', () => `0113 ${int(2, 9)}${d(2)} ${d(4)}`),
  ],
  FR: [
    f('both', 'dotted', () => `0${int(1, 5)}.${d(2)}.${d(2)}.${d(2)}.${d(2)}`),
    f('both', 'spaced', () => `0${pick(['6', '7'])} ${d(2)} ${d(2)} ${d(2)} ${d(2)}`),
    f('both', 'intl', () => `+33 ${int(1, 7)} ${d(2)} ${d(2)} ${d(2)} ${d(2)}`),
    f('eval', 'intl_trunk', () => `+33 (0)1 ${d(2)} ${d(2)} ${d(2)} ${d(2)}`),
    f('dev', 'compact', () => `01${d(8)}`),
  ],
  DE: [
    f('both', 'berlin', () => `030 ${nz(8)}`),
    f('both', 'slash', () => `089/${nz(7)}`),
    f('both', 'mobile', () => `01${pick(['51', '60', '70', '71', '76'])} ${nz(7)}`),
    f('both', 'intl_trunk', () => `+49 (0)30 ${nz(7)}`),
    f('eval', 'intl', () => `+49 171 ${nz(7)}`),
    f('dev', 'intl', () => `+49 40 ${nz(8)}`),
    f('eval', 'dashed', () => `0221-${nz(6)}`),
  ],
  AU: [
    f('both', 'mobile_pairs', () => `04${d(2)} ${d(2)} ${d(2)} ${d(2)}`),
    f('both', 'mobile', () => `04${d(2)} ${d(3)} ${d(3)}`),
    f('both', 'paren_area', () => `(0${pick(['2', '3', '7', '8'])}) ${int(5, 9)}${d(3)} ${d(4)}`),
    f('eval', 'intl', () => `+61 4${d(2)} ${d(3)} ${d(3)}`),
    f('dev', 'intl', () => `+61 2 ${int(8, 9)}${d(3)} ${d(4)}`),
    f('eval', 'fictional_mobile', () => `0491 570 ${d(3)}`),
  ],
  BR: [
    f('both', 'paren_area', () => `(${pick(['11', '21', '31', '41', '51', '61'])}) ${int(2, 5)}${d(3)}-${d(4)}`),
    f('both', 'mobile', () => `(${pick(['11', '21', '31', '41', '51', '61'])}) 9${int(6, 9)}${d(3)}-${d(4)}`),
    f('eval', 'intl', () => `+55 11 9${int(6, 9)}${d(3)}-${d(4)}`),
    f('dev', 'intl', () => `+55 (21) ${int(2, 5)}${d(3)}-${d(4)}`),
    f('eval', 'short_fictional', () => `(21) 555-${d(4)}`),
  ],
  IN: [
    f('both', 'mobile', () => `${int(7, 9)}${d(4)} ${d(5)}`),
    f('both', 'intl', () => `+91 ${int(7, 9)}${d(4)} ${d(5)}`),
    f('eval', 'trunk_mobile', () => `0${int(7, 9)}${d(4)} ${d(5)}`),
    f('dev', 'landline', () => `022 ${int(2, 6)}${d(3)} ${d(4)}`),
    f('eval', 'landline', () => `+91-11-${int(2, 4)}${d(3)}-${d(4)}`),
  ],
  JP: [
    f('both', 'tokyo', () => `03-${int(3, 6)}${d(3)}-${d(4)}`),
    f('both', 'mobile', () => `0${pick(['70', '80', '90'])}-${int(1, 9)}${d(3)}-${d(4)}`),
    f('eval', 'intl', () => `+81 3-${int(3, 6)}${d(3)}-${d(4)}`),
    f('dev', 'osaka', () => `06-${int(6, 6)}${d(3)}-${d(4)}`),
  ],
  SE: [
    f('both', 'intl_trunk', () => `+46 (0)8 ${int(4, 7)}${d(2)} ${d(3)} ${d(2)}`),
    f('both', 'stockholm', () => `08-${int(4, 7)}${d(2)} ${d(2)} ${d(2)}`),
    f('eval', 'mobile', () => `07${pick(['0', '2', '3', '6'])}-${d(3)} ${d(2)} ${d(2)}`),
  ],
  NL: [
    f('both', 'mobile', () => `06-${nz(8)}`),
    f('both', 'amsterdam', () => `020 ${int(5, 7)}${d(2)} ${d(4)}`),
    f('eval', 'intl', () => `+31 6 ${nz(8)}`),
  ],
  ES: [
    f('both', 'mobile', () => `6${d(2)} ${d(3)} ${d(3)}`),
    f('both', 'madrid', () => `91 ${int(2, 7)}${d(2)} ${d(2)} ${d(2)}`),
    f('eval', 'intl', () => `+34 6${d(2)} ${d(2)} ${d(2)} ${d(2)}`),
  ],
  IT: [
    f('both', 'rome', () => `06 ${d(4)} ${d(4)}`),
    f('both', 'mobile', () => `3${int(2, 4)}${d(1)} ${d(3)} ${d(4)}`),
    f('eval', 'intl', () => `+39 02 ${d(4)} ${d(4)}`),
  ],
  PL: [
    f('both', 'warsaw', () => `22 ${int(5, 8)}${d(2)} ${d(2)} ${d(2)}`),
    f('both', 'mobile', () => `${pick(['5', '6', '7', '8'])}${d(2)} ${d(3)} ${d(3)}`),
    f('eval', 'intl', () => `+48 ${pick(['5', '6', '7'])}${d(2)} ${d(3)} ${d(3)}`),
  ],
  DK: [
    f('both', 'local8', () => `${int(3, 9)}${d(1)} ${d(2)} ${d(2)} ${d(2)}`),
    f('eval', 'local8_pairs', () => `${int(3, 9)}${d(3)} ${d(4)}`),
    f('both', 'intl', () => `+45 ${int(2, 9)}${d(1)} ${d(2)} ${d(2)} ${d(2)}`),
  ],
  BE: [
    f('both', 'brussels', () => `02 ${int(2, 7)}${d(2)} ${d(2)} ${d(2)}`),
    f('both', 'mobile', () => `04${pick(['7', '8', '9'])}${d(1)} ${d(2)} ${d(2)} ${d(2)}`),
  ],
  AT: [
    f('both', 'vienna', () => `01 ${int(2, 9)}${d(2)} ${d(2)} ${d(2)}`),
    f('both', 'mobile', () => `066${int(0, 4)} ${nz(7)}`),
  ],
  PT: [
    f('both', 'lisbon', () => `21 ${d(3)} ${d(4)}`),
    f('both', 'mobile', () => `9${pick(['1', '2', '3', '6'])}${d(1)} ${d(3)} ${d(3)}`),
  ],
  IE: [
    f('both', 'dublin', () => `01 ${int(2, 9)}${d(2)} ${d(4)}`),
    f('both', 'mobile', () => `08${pick(['3', '5', '6', '7'])} ${d(3)} ${d(4)}`),
  ],
  FI: [f('both', 'mobile', () => `04${int(0, 6)} ${d(3)} ${d(4)}`)],
  CZ: [f('both', 'mobile', () => `${pick(['601', '602', '721', '777'])} ${d(3)} ${d(3)}`)],
  GR: [f('both', 'athens', () => `21${int(0, 9)} ${d(3)} ${d(4)}`)],
  HU: [f('both', 'mobile', () => `+36 ${pick(['20', '30', '70'])} ${d(3)} ${d(4)}`)],
  LV: [f('both', 'local8', () => `${pick(['2', '6'])}${d(3)} ${d(4)}`)],
  LT: [f('both', 'mobile', () => `8 6${d(2)} ${d(5)}`)],
  EE: [f('both', 'mobile', () => `5${d(3)} ${d(4)}`)],
  MT: [f('both', 'local8', () => `${pick(['21', '79', '99'])}${d(2)} ${d(4)}`)],
  CY: [f('both', 'local8', () => `${pick(['22', '99'])} ${d(6)}`)],
  LU: [f('both', 'mobile', () => `+352 6${pick(['21', '61', '91'])} ${d(3)} ${d(3)}`)],
  RO: [f('both', 'mobile', () => `07${int(2, 6)}${d(1)} ${d(3)} ${d(3)}`)],
  BG: [f('both', 'mobile', () => `+359 8${int(7, 9)} ${d(3)} ${d(4)}`)],
  HR: [f('both', 'mobile', () => `09${int(1, 8)} ${d(3)} ${d(4)}`)],
  SK: [f('both', 'mobile', () => `09${int(0, 4)}${d(1)} ${d(3)} ${d(3)}`)],
  SI: [f('both', 'mobile', () => `0${pick(['31', '41', '51'])} ${d(3)} ${d(3)}`)],
};

/** Sentence templates: `{}` is the number. The banks share none. */
const CONTEXTS: Record<Bank, { cue: string[]; plain: string[] }> = {
  dev: {
    cue: [
      'Call me on {} tomorrow.',
      'phone: {}',
      'Tel. {}',
      'Mobil {}',
      'You can reach our hotline at {} during office hours.',
      '{"name": "R. Okafor", "phone": "{}"}',
      'Téléphone : {}',
      'Telefono {}',
      'ring {} after 6pm',
    ],
    plain: [
      'Best, Jane — {}',
      'Office Paris | {} | rue de Rivoli',
      'Kontakt: {} (Zentrale)',
      'Reservations {} or online.',
    ],
  },
  eval: {
    cue: [
      'Please phone {} to confirm the appointment.',
      'Telefon: {}',
      'Tel.: {}',
      'mobile {}',
      'Contact number {} (weekdays)',
      'Rufen Sie uns an unter {}.',
      '{"customer": {"tel": "{}", "tier": "gold"}}',
      'teléfono {}',
      'WhatsApp {}',
      'fax {}',
      'If the line drops, dial {} again.',
      '電話番号 {}',
    ],
    plain: [
      'Regards,\nMarta Kowalski\nSales Manager\n{}',
      'Support desk: open 9-17, {}',
      '| Berlin office | {} | Mon-Fri |',
      'Reach the front desk at {}',
      'Questions? {}',
    ],
  },
};

const FILLER = ['Here is the data you asked for.', 'Thanks!', 'Result:', 'See below.', 'Noted.', 'Update:'];

const luhnComplete = (prefix: string, len: number): string => {
  const body = prefix + d(len - prefix.length - 1);
  for (let c = 0; c <= 9; c++) {
    const cand = body + c;
    let sum = 0;
    for (let i = 0; i < cand.length; i++) {
      let v = Number(cand[cand.length - 1 - i]);
      if (i % 2 === 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
      sum += v;
    }
    if (sum % 10 === 0) return cand;
  }
  return body;
};
const isbn13 = (): string => {
  const body = `978${int(0, 3)}${d(8)}`;
  let s = 0;
  for (let i = 0; i < 12; i++) s += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  const c = (10 - (s % 10)) % 10;
  return `${body}${c}`;
};
const grp4 = (s: string) => s.match(/.{1,4}/g)!.join(' ');
const pad2 = (n: number) => String(n).padStart(2, '0');

/** Hard negatives by shape; wordings differ per bank. */
const NEGATIVES: Record<string, Record<Bank, (() => string)[]>> = {
  version: {
    dev: [
      () => `upgraded to v${int(1, 9)}.${int(0, 20)}.${int(0, 30)}`,
      () => `build ${int(1, 9)}.${int(0, 9)}.${d(4)}`,
    ],
    eval: [
      () => `Release ${int(10, 24)}.${int(1, 12)}.${int(0, 9)}.${d(4)} is out`,
      () => `node ${int(18, 22)}.${int(0, 20)}.${int(0, 9)}, npm ${int(9, 11)}.${int(0, 9)}.${int(0, 9)}`,
      () => `kernel 6.${int(1, 18)}.${int(10, 99)}-fc-v${d(4)}`,
    ],
  },
  order_number: {
    dev: [() => `Order #${d(10)} shipped`, () => `invoice ${d(4)}-${d(4)}-${d(4)}`],
    eval: [
      () => `Bestellnummer ${d(3)}-${d(7)}-${d(7)}`,
      () => `your order no. ${nz(9)} is ready`,
      () => `Ticket INC${d(7)} escalated`,
      () => `serial number ${d(3)}-${d(3)}-${d(4)}`,
      () => `ref ${nz(10)} (please quote it)`,
    ],
  },
  timestamp: {
    dev: [
      () => `timestamp ${d(13)} epoch ms`,
      () => `2024-0${int(1, 9)}-1${int(0, 9)} 1${int(0, 9)}:${int(10, 59)}:${int(10, 59)}`,
    ],
    eval: [
      () =>
        `logged at 202${int(0, 5)}-${pad2(int(1, 12))}-${pad2(int(1, 28))}T${pad2(int(0, 23))}:${pad2(int(0, 59))}:${pad2(int(0, 59))}Z`,
      () => `created_at=${int(1600000000, 1790000000)}`,
      () => `${pad2(int(1, 28))}/${pad2(int(1, 12))}/202${int(0, 5)} ${pad2(int(0, 23))}:${pad2(int(0, 59))}`,
      () => `snapshot-202${int(0, 5)}${pad2(int(1, 12))}${pad2(int(1, 28))}${pad2(int(0, 23))}${pad2(int(0, 59))}`,
    ],
  },
  date: {
    dev: [() => `The meeting moved to 14.03.${int(2024, 2026)}.`],
    eval: [
      () => `Termin am ${pad2(int(1, 28))}.${pad2(int(1, 12))}.${int(2024, 2027)} um 10 Uhr`,
      () => `due ${int(2024, 2027)}-${pad2(int(1, 12))}-${pad2(int(1, 28))}`,
      () =>
        `from ${pad2(int(1, 12))}/${pad2(int(1, 28))}/${int(2024, 2027)} to ${pad2(int(1, 12))}/${pad2(int(1, 28))}/${int(2024, 2027)}`,
    ],
  },
  iban_fragment: {
    dev: [() => `IBAN DE89 3704 0044 0532 0130 00`],
    eval: [
      () => `Konto ${d(4)} ${d(4)} ${d(2)}, BLZ ${d(3)} ${d(3)} ${d(2)}`,
      () => `IBAN FR76 ${d(4)} ${d(4)} ${d(4)} ${d(4)} ${d(4)} ${d(3)}`,
      () => `account ending ${d(4)} ${d(4)} ${d(4)}`,
    ],
  },
  card: {
    dev: [() => `card ${grp4(luhnComplete('4', 16))}`],
    eval: [
      () => `Charge ${luhnComplete(String(int(51, 55)), 16)} please`,
      () =>
        `amex ${(() => {
          const c = luhnComplete('37', 15);
          return `${c.slice(0, 4)} ${c.slice(4, 10)} ${c.slice(10)}`;
        })()}`,
      () => `pan=${grp4(luhnComplete('4', 16)).replaceAll(' ', '-')}`,
    ],
  },
  ip: {
    dev: [() => `login from ${int(11, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`],
    eval: [
      () => `upstream ${int(10, 192)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}:${int(1024, 65535)} refused`,
      () => `client_ip="${int(11, 223)}.${int(100, 255)}.${int(100, 255)}.${int(100, 254)}"`,
    ],
  },
  isbn: {
    dev: [() => `ISBN 0-306-40615-2`],
    eval: [
      () => {
        const s = isbn13();
        return `see ${s.slice(0, 3)}-${s[3]}-${s.slice(4, 7)}-${s.slice(7, 12)}-${s[12]}`;
      },
      () => `ISBN-13: ${isbn13()}`,
    ],
  },
  amount: {
    dev: [() => `total 1.234.567,89 EUR`],
    eval: [
      () => `budget of ${int(1, 9)} ${d(3)} ${d(3)} € approved`,
      () => `revenue $${int(1, 999)},${d(3)},${d(3)} in Q${int(1, 4)}`,
      () => `population ${int(1, 99)}.${d(3)}.${d(3)}`,
    ],
  },
  coordinates: {
    dev: [() => `coords 48.1351, 11.5820`],
    eval: [() => `lat ${int(10, 60)}.${d(6)} lon ${int(1, 30)}.${d(6)}`],
  },
};

interface Row {
  text: string;
  kind: string;
  region: string;
  shape: string;
  labels: { type: string; value: string }[];
}
const rows: Row[] = [];
const regionList = Object.keys(REGIONS);
const bankFormats = Object.fromEntries(
  regionList.map((r) => [r, REGIONS[r]!.filter((x) => x.bank === 'both' || x.bank === BANK)]),
);
const KINDS = ['tool_result', 'model_request', 'model_response', 'tool_call'];
const ctx = CONTEXTS[BANK];
// Positives: every region, every format of the bank, with and without a cue word.
for (const region of regionList) {
  const formats = bankFormats[region]!;
  const perRegion = ['US', 'CA', 'GB', 'FR', 'DE', 'AU', 'BR', 'IN', 'JP'].includes(region) ? 24 : 8;
  for (let i = 0; i < perRegion; i++) {
    const fmt = formats[i % formats.length]!;
    const value = fmt.gen();
    const template = rnd() < 0.65 ? pick(ctx.cue) : pick(ctx.plain);
    const parts = [pick(FILLER), template.replace('{}', value)];
    if (rnd() < 0.3) {
      const shapes = Object.keys(NEGATIVES);
      parts.push(pick(NEGATIVES[pick(shapes)]![BANK])());
    }
    rows.push({
      text: parts.join(' '),
      kind: pick(KINDS),
      region,
      shape: fmt.shape,
      labels: [{ type: 'pii.phone', value }],
    });
  }
}
// Hard negatives: about as many rows as positives.
const negShapes = Object.keys(NEGATIVES);
const target = rows.length;
for (let i = 0; i < target; i++) {
  const shape = negShapes[i % negShapes.length]!;
  rows.push({
    text: `${pick(FILLER)} ${pick(NEGATIVES[shape]![BANK])()}`,
    kind: pick(KINDS),
    region: '-',
    shape: `negative.${shape}`,
    labels: [],
  });
}
writeFileSync(OUT, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
process.stdout.write(`wrote ${rows.length} rows (${BANK} bank, seed ${SEED}) to ${OUT}\n`);
