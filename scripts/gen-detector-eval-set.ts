/**
 * Seeded generator for the labelled PII / secrets evaluation set:
 * test/fixtures/detectors/eval/pii-secrets.jsonl, one {text, kind, labels:[{type, value}]} per line.
 * Includes hard negatives (order numbers, UUIDs, git SHAs, versions, timestamps, Luhn failures,
 * placeholder keys, numbered headings, product names, salutations without names) with no labels. Generated values are synthetic; none is a real person or key.
 *
 *   npx tsx scripts/gen-detector-eval-set.ts [--seed N] [--out PATH]
 *
 * Without arguments it rewrites the committed evaluation set (seed 987654321). Tune heuristics on a
 * development set drawn with another seed and written outside the repository, e.g.
 * `--seed 1 --out /tmp/pii-dev.jsonl`, and only then look at the evaluation numbers.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
  return v;
}
const EVAL_SEED = 987654321;
const seedArg = arg('--seed');
const SEED = seedArg === undefined ? EVAL_SEED : Number(seedArg);
if (!Number.isInteger(SEED) || SEED < 0 || SEED > 0xffffffff) {
  throw new Error(`--seed must be an integer in [0, 2^32), got ${seedArg}`);
}
const outArg = arg('--out');
// Another seed must never overwrite the committed evaluation set.
if (SEED !== EVAL_SEED && outArg === undefined) throw new Error('--seed other than the evaluation seed needs --out');
const OUT = outArg ?? join(import.meta.dirname, '..', 'test', 'fixtures', 'detectors', 'eval', 'pii-secrets.jsonl');
let state = SEED;
function rnd(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const digits = (n: number) => Array.from({ length: n }, () => int(0, 9)).join('');
const chars = (alphabet: string, n: number) => Array.from({ length: n }, () => pick([...alphabet])).join('');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64 = `${ALNUM}+/`;

function luhnComplete(prefix: string, len: number): string {
  let body = prefix + digits(len - prefix.length - 1);
  for (let c = 0; c <= 9; c++) {
    const cand = body + c;
    let sum = 0;
    let dbl = false;
    for (let i = cand.length - 1; i >= 0; i--) {
      let d = Number(cand[i]);
      if (dbl) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
      dbl = !dbl;
    }
    if (sum % 10 === 0) return cand;
  }
  body = '';
  return body;
}
function iban(country: string, bbanLen: number): string {
  const bban = chars('0123456789', bbanLen);
  const numeric = [...`${bban}${country}00`].map((ch) => (ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch)).join('');
  let rem = 0;
  for (const ch of numeric) rem = (rem * 10 + Number(ch)) % 97;
  return `${country}${String(98 - rem).padStart(2, '0')}${bban}`;
}
const group4 = (s: string) => s.replace(/(.{4})/g, '$1 ').trim();

const FIRST = ['anna', 'ben', 'chloe', 'deniz', 'emil', 'fatima', 'george', 'hana', 'ivan', 'julia'];
const LAST = ['schmidt', 'okafor', 'rossi', 'nguyen', 'kowalski', 'smith', 'garcia', 'larsen'];
const DOMAINS = ['acme.io', 'mail.de', 'corp-intra.net', 'uni-hamburg.de', 'fastmail.com', 'outlook.co.uk'];

type Gen = () => { type: string; value: string; text: string };
const positives: Gen[] = [
  () => {
    const v = `${pick(FIRST)}${pick(['.', '_', ''])}${pick(LAST)}@${pick(DOMAINS)}`;
    return { type: 'pii.email', value: v, text: pick([`Please email ${v} about it.`, `{"to": "${v}"}`, `cc: ${v}`]) };
  },
  () => {
    const v = pick([
      `+49 30 ${digits(8)}`,
      `+44 20 ${digits(4)} ${digits(4)}`,
      `+1 (${int(2, 9)}${digits(2)}) ${int(2, 9)}${digits(2)}-${digits(4)}`,
      `+33 6 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`,
    ]);
    return { type: 'pii.phone', value: v, text: pick([`Call me on ${v} tomorrow.`, `phone: ${v}`, `Mobil ${v}`]) };
  },
  () => {
    const raw = pick([
      luhnComplete('4', 16),
      luhnComplete(String(int(51, 55)), 16),
      luhnComplete(pick(['34', '37']), 15),
    ]);
    const v = raw.length === 16 && rnd() < 0.5 ? group4(raw) : raw;
    return {
      type: 'pii.payment_card',
      value: v,
      text: pick([`card number ${v} exp 09/28`, `Charge ${v} please`, `"pan":"${v}"`]),
    };
  },
  () => {
    const raw = pick([iban('DE', 18), iban('FR', 23).slice(0, 27), iban('NL', 14), iban('AT', 16)]);
    const v = rnd() < 0.5 ? group4(raw) : raw;
    return { type: 'pii.iban', value: v, text: pick([`IBAN: ${v}`, `Transfer to ${v} by Friday.`, `"iban": "${v}"`]) };
  },
  () => {
    const v = `${String(int(1, 665)).padStart(3, '0')}-${String(int(1, 99)).padStart(2, '0')}-${String(int(1, 9999)).padStart(4, '0')}`;
    return {
      type: 'pii.us_ssn',
      value: v,
      text: pick([`SSN ${v}`, `social security number: ${v}`, `applicant ${v} verified`]),
    };
  },
  () => {
    const v = `${pick(['AB', 'CE', 'JG', 'PR', 'WX'])}${digits(6)}${pick(['A', 'B', 'C', 'D'])}`;
    return { type: 'pii.uk_nino', value: v, text: pick([`NI number ${v}`, `National Insurance: ${v}.`]) };
  },
  () => {
    const v = pick([
      `${int(11, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
      `2001:db8:${chars('0123456789abcdef', 4)}::${chars('0123456789abcdef', 3)}:${chars('0123456789abcdef', 4)}`,
    ]);
    return { type: 'pii.ip_address', value: v, text: pick([`login from ${v} at 10:42`, `"client_ip": "${v}"`]) };
  },
  () => {
    const v = pick([
      `${String(int(1, 28)).padStart(2, '0')}.${String(int(1, 12)).padStart(2, '0')}.${int(1940, 2005)}`,
      `${int(1940, 2005)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`,
    ]);
    return {
      type: 'pii.date_of_birth',
      value: v,
      text: pick([`Date of birth: ${v}`, `DOB ${v}`, `born on ${v} in Graz`, `Geburtsdatum: ${v}`]),
    };
  },
];
const secretGens: Gen[] = [
  () => {
    const v = `AKIA${chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`;
    return { type: 'secret.aws_access_key', value: v, text: `aws_access_key_id = ${v}` };
  },
  () => {
    const v = chars(B64, 40);
    return { type: 'secret.aws_secret_key', value: v, text: `AWS_SECRET_ACCESS_KEY=${v}` };
  },
  () => {
    const v = `AIza${chars(`${ALNUM}_-`, 35)}`;
    return { type: 'secret.gcp_api_key', value: v, text: `maps key ${v}` };
  },
  () => {
    const v = `${chars(B64, 86)}==`;
    return {
      type: 'secret.azure_storage_key',
      value: v,
      text: `DefaultEndpointsProtocol=https;AccountName=st${digits(4)};AccountKey=${v};EndpointSuffix=core.windows.net`,
    };
  },
  () => {
    const v = `${pick(['ghp_', 'gho_', 'ghs_'])}${chars(ALNUM, 36)}`;
    return {
      type: 'secret.github_token',
      value: v,
      text: pick([`GITHUB_TOKEN=${v}`, `git clone https://${v}@github.com/org/repo`]),
    };
  },
  () => {
    const v = `glpat-${chars(`${ALNUM}_-`, 20)}`;
    return { type: 'secret.gitlab_token', value: v, text: `PRIVATE-TOKEN: ${v}` };
  },
  () => {
    const v = `xoxb-${digits(11)}-${digits(13)}-${chars(ALNUM, 24)}`;
    return { type: 'secret.slack_token', value: v, text: `slack bot token ${v}` };
  },
  () => {
    const v = `sk_live_${chars(ALNUM, 24)}`;
    return { type: 'secret.stripe_key', value: v, text: `Stripe.apiKey = "${v}";` };
  },
  () => {
    const v = `sk-proj-${chars(`${ALNUM}_-`, 48)}`;
    return { type: 'secret.openai_api_key', value: v, text: `OPENAI_API_KEY=${v}` };
  },
  () => {
    const v = `sk-ant-api03-${chars(`${ALNUM}_-`, 93)}AA`;
    return { type: 'secret.anthropic_api_key', value: v, text: `x-api-key: ${v}` };
  },
  () => {
    const v = `-----BEGIN RSA PRIVATE KEY-----\n${chars(B64, 64)}\n${chars(B64, 64)}\n-----END RSA PRIVATE KEY-----`;
    return { type: 'secret.private_key', value: v, text: `key file:\n${v}\n` };
  },
  () => {
    const h = Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url');
    const p = Buffer.from(`{"sub":"${digits(8)}","exp":${digits(10)}}`).toString('base64url');
    const v = `${h}.${p}.${chars(`${ALNUM}_-`, 43)}`;
    return { type: 'secret.jwt', value: v, text: `Authorization: Bearer ${v}` };
  },
  () => {
    const v = `${chars(ALNUM, 6)}${digits(2)}!${chars(ALNUM, 4)}`;
    return {
      type: 'secret.connection_string',
      value: v,
      text: `DATABASE_URL=${pick(['postgres', 'mysql', 'mongodb+srv'])}://app:${v}@db-${digits(2)}.internal:5432/main`,
    };
  },
  () => {
    const v = `${chars(ALNUM, 12)}${digits(4)}${chars(ALNUM, 16)}`;
    return {
      type: 'secret.generic',
      value: v,
      text: pick([`api_key: "${v}"`, `client_secret=${v}`, `"token": "${v}"`]),
    };
  },
];
const negatives: (() => string)[] = [
  () => `Order #${digits(10)} shipped on 2024-0${int(1, 9)}-1${int(0, 9)} 1${int(0, 9)}:${int(10, 59)}:${int(10, 59)}`,
  () =>
    `request id ${createHash('md5')
      .update(String(rnd()))
      .digest('hex')
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')}`,
  () => `commit ${createHash('sha1').update(String(rnd())).digest('hex')} merged`,
  () =>
    `upgraded to v${int(1, 9)}.${int(0, 20)}.${int(0, 30)} (build ${int(1, 9)}.${int(0, 9)}.${int(0, 9)}.${int(100, 999)})`,
  () => `card 4111 1111 1111 111${int(2, 9)} was declined`,
  () => `IBAN DE${digits(2)}${digits(18)} looks wrong`.replace(/DE(\d\d)/, 'DE00'),
  () => `api_key=YOUR_API_KEY_HERE and password=changeme`,
  () => `sha256 ${createHash('sha256').update(String(rnd())).digest('hex')}`,
  () => `Invoice ${digits(4)}-${digits(4)}-${digits(4)} total 1.234,56 EUR`,
  () => `timestamp ${digits(13)} epoch ms`,
  () => `The meeting moved to 14.03.${int(2024, 2026)} at 10:00.`,
  () => `contact support via the help page, ticket ${digits(6)}`,
  () => `docker image sha256:${createHash('sha256').update(String(rnd())).digest('hex').slice(0, 12)} port 8080`,
  () => `sk-learn-compatible-estimator-wrapper and pk_live_${chars(ALNUM, 24)}`,
  () => `SSN 000-${digits(2)}-${digits(4)} is invalid, so is 666-12-3456`,
  () => `coords 48.1351, 11.5820 and ratio 3:2:1`,
];

const FILLER = ['Here is the data you asked for.', 'Thanks!', 'Result:', 'See below.', 'Noted, will process.'];
const rows: { text: string; kind: string; labels: { type: string; value: string }[] }[] = [];
const gens = [...positives, ...secretGens];
for (let i = 0; i < 1400; i++) {
  if (i % 3 === 2) {
    rows.push({
      text: `${pick(FILLER)} ${pick(negatives)()}`,
      kind: pick(['tool_result', 'model_request']),
      labels: [],
    });
    continue;
  }
  const n = rnd() < 0.3 ? 2 : 1;
  const parts: string[] = [pick(FILLER)];
  const labels: { type: string; value: string }[] = [];
  for (let k = 0; k < n; k++) {
    const g = pick(gens)();
    parts.push(g.text);
    labels.push({ type: g.type, value: g.value });
  }
  if (rnd() < 0.5) parts.push(pick(negatives)());
  rows.push({
    text: parts.join(' '),
    kind: pick(['tool_result', 'model_request', 'tool_call', 'model_response']),
    labels,
  });
}
// ---- Postal addresses and person names ------------------------------------------------------
// Appended after the rows above (same seeded stream) so those stay byte-identical. Written before
// the detectors were run on them; some positives are deliberately outside the heuristics (no
// keyword, lower case, other scripts) so recall is not flattering by construction.
const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
const US_STREETS = [
  'Evergreen',
  'Maple',
  'Oak',
  'Pine Ridge',
  'Sunset',
  'Lakeview',
  'Main',
  'Elm',
  'Cedar Hill',
  'Washington',
  'Amphitheatre',
  'N. Lincoln',
  'W 42nd',
  'Hacker',
];
const US_SUFFIXES = [
  'Street',
  'St.',
  'Avenue',
  'Ave',
  'Road',
  'Drive',
  'Lane',
  'Boulevard',
  'Court',
  'Place',
  'Way',
  'Terrace',
  'Parkway',
  'Blvd',
];
const US_CITIES: [string, string][] = [
  ['Springfield', 'IL'],
  ['Portland', 'OR'],
  ['Austin', 'TX'],
  ['Menlo Park', 'CA'],
  ['New York', 'NY'],
  ['Columbus', 'OH'],
];
const UK_STREETS = ['Baker', 'Rose', 'Victoria', 'Church', 'Mill', 'Kings', 'Station', 'Abbey'];
const UK_SUFFIXES = ['Street', 'Road', 'Lane', 'Close', 'Gardens', 'Crescent', 'Avenue', 'Mews'];
const UK_TOWNS = ['London', 'Manchester', 'Leeds', 'Bristol', 'Oxford', 'Glasgow'];
const DE_STREETS = [
  'Hauptstraße',
  'Bahnhofstr.',
  'Goethestraße',
  'Schillerstrasse',
  'Lindenallee',
  'Birkenweg',
  'Marktplatz',
  'Kirchgasse',
  'Kurfürstendamm',
  'Karl-Marx-Allee',
  'Berliner Straße',
  'Am Markt',
  'An der Alster',
  'Friedrich-Ebert-Ring',
  'Mühlenweg',
  'Rosenstraße',
  'Kaiserring',
  'Alte Gasse',
];
const DE_TOWNS = ['Berlin', 'München', 'Hamburg', 'Köln', 'Leipzig', 'Freiburg', 'Düsseldorf'];
const FIRST_X = [
  'Anna',
  'Jürgen',
  'Chloé',
  'Deniz',
  'Emil',
  'Fatima',
  'George',
  'Hana',
  'Ivan',
  'Julia',
  'Anne-Marie',
  'Patrick',
  'Sofia',
  'Lukas',
  'Mei',
  'Oluwaseun',
  ...FIRST.map(cap),
];
const LAST_X = [
  'Müller',
  'Schmidt',
  'Okafor',
  'Rossi',
  'Nguyen',
  'Kowalski',
  "O'Brien",
  'McDonald',
  'van der Berg',
  'García López',
  'Weber',
  'Dubois',
  'Larsen',
  ...LAST.map(cap),
];

function usAddress(): string {
  const street = `${int(1, 9999)} ${pick(US_STREETS)} ${pick(US_SUFFIXES)}`;
  if (rnd() < 0.5) return street;
  const [city, state] = pick(US_CITIES);
  return `${street}, ${city}, ${state} ${digits(5)}`;
}
function ukAddress(): string {
  const pc = `${pick(['SW1A', 'NW1', 'M1', 'LS6', 'BS8', 'OX2', 'G12'])} ${int(1, 9)}${chars('ABDEFGHJLNPQRSTUWXYZ', 2)}`;
  const street = `${int(1, 250)}${pick(['', '', 'A', 'B'])} ${pick(UK_STREETS)} ${pick(UK_SUFFIXES)}`;
  return rnd() < 0.7 ? `${street}, ${pick(UK_TOWNS)} ${pc}` : street;
}
function deAddress(): string {
  const street = `${pick(DE_STREETS)} ${int(1, 180)}${pick(['', '', '', 'a', 'b'])}`;
  return rnd() < 0.6 ? `${street}, ${int(10, 99)}${digits(3)} ${pick(DE_TOWNS)}` : street;
}
const addressGens: Gen[] = [
  () => {
    const v = usAddress();
    const text = pick([
      `Ship to: ${v}`,
      `Please send the replacement to ${v}.`,
      `She lives at ${v} with two cats.`,
      `{"shipping_address": "${v}"}`,
      `Our office moved to ${v} last month.`,
      `Return label: ${v}`,
    ]);
    return { type: 'pii.postal_address', value: v, text };
  },
  () => {
    const v = ukAddress();
    const text = pick([
      `Delivery address: ${v}`,
      `Tenant resides at ${v}.`,
      `Invoice to ${v}, attn accounts`,
      `Send the keys to ${v} please`,
    ]);
    return { type: 'pii.postal_address', value: v, text };
  },
  () => {
    const v = deAddress();
    const text = pick([
      `Lieferadresse: ${v}`,
      `Bitte die Unterlagen an ${v} schicken.`,
      `wohnhaft ${v}`,
      `Anschrift: ${v}`,
      `Die Rechnung geht an ${v}.`,
      `{"adresse": "${v}"}`,
    ]);
    return { type: 'pii.postal_address', value: v, text };
  },
  () => {
    // Outside the heuristics on purpose: lower case, no suffix, spelled-out or foreign forms.
    const v = pick([
      `${int(1, 999)} main st`,
      `${int(10, 99)} rue de Rivoli, 75001 Paris`,
      `Straße des 17. Juni ${int(1, 150)}`,
      `Calle Mayor ${int(1, 90)}, 28013 Madrid`,
      `PO Box ${int(100, 9999)}, Austin, TX ${digits(5)}`,
    ]);
    return { type: 'pii.postal_address', value: v, text: pick([`address: ${v}`, `ship it to ${v}`]) };
  },
];
const nameGens: Gen[] = [
  () => {
    const v = `${pick(FIRST_X)} ${pick(LAST_X)}`;
    const text = pick([
      `Hi, my name is ${v} and I need help with my order.`,
      `Name: ${v}\nCustomer since ${int(2010, 2024)}`,
      `{"customer_name": "${v}", "tier": "gold"}`,
      `Dear ${v},\nthank you for your application.`,
      `Best regards,\n${v}`,
      `Mit freundlichen Grüßen\n${v}`,
      `Ansprechpartner: ${v}`,
      `Signed, ${v}`,
      `Kind regards, ${v}`,
      `Mein Name ist ${v}.`,
      `Cardholder name: ${v}`,
    ]);
    return { type: 'pii.person_name', value: v, text };
  },
  () => {
    const v = rnd() < 0.5 ? pick(LAST_X) : `${pick(FIRST_X)} ${pick(LAST_X)}`;
    const text = pick([
      `Appointment for Mr. ${v} at 3pm.`,
      `Sehr geehrte Frau ${v},`,
      `Dr. ${v} will review the scan.`,
      `Bitte Herrn ${v} informieren.`,
      `Ms ${v} called twice.`,
    ]);
    return { type: 'pii.person_name', value: v, text };
  },
  () => {
    const v = pick(FIRST_X.filter((f) => !f.includes('-')));
    return { type: 'pii.person_name', value: v, text: pick([`Ich heiße ${v}.`, `my name is ${v}`]) };
  },
  () => {
    // No keyword: outside the heuristic on purpose.
    const v = `${pick(FIRST_X)} ${pick(LAST_X)}`;
    const text = pick([`${v} called about the refund.`, `Meeting notes: ${v} agreed to the plan.`, `Assigned to ${v}`]);
    return { type: 'pii.person_name', value: v, text };
  },
];
const addressNameNegatives: (() => string)[] = [
  () => 'version 2 Street Fighter is a classic',
  () => `Windows needs 3 Drive letters for this setup`,
  () => `Chapter 12 Way forward: we ship in Q${int(1, 4)}`,
  () => 'see step 4 Place the lid on the pot',
  () => `Meeting at ${int(8, 17)}:${pick(['00', '15', '30', '45'])} in Room ${int(1, 9)}B`,
  () => 'We drove Route 66 last summer',
  () => `${int(2, 9)} Items in your cart`,
  () => `for${int(1, 99)} Street = lookup(x); const for_10_Street = 1;`,
  () => `Section ${int(1, 20)} Court decision pending`,
  () => 'HTTP 200 Ok',
  () => `We sold ${int(2, 50)} Blue Widgets on ${int(1, 28)} March ${int(2023, 2025)}.`,
  () => `Top ${int(3, 20)} Ways To Save Money`,
  () => `Im Jahr ${int(2019, 2025)} stieg der Umsatz um ${int(2, 20)} Prozent.`,
  () => `Kapitel ${int(1, 9)} Weg zum Ziel`,
  () => `call String ${int(2, 9)} times; Monitoring ${int(2, 9)} is next`,
  () => `Apollo ${int(11, 17)} Landing Place was in the Sea of Tranquility`,
  () => `Phase ${int(1, 3)} Rollout Plan Review`,
  () => `Am Montag ${int(1, 12)} Uhr treffen wir uns.`,
  () => 'Name: Order Summary',
  () => 'Dear Customer, your parcel is on its way.',
  () => 'Dear Hiring Manager,',
  () => 'Hi Team, quick update below.',
  () => 'Best regards,\nThe Support Team',
  () => `{"name": "Wireless Mouse", "sku": "WM-${digits(4)}", "price": ${int(5, 90)}.99}`,
  () => '- name: Build And Deploy\n  runs-on: ubuntu-latest',
  () => 'Product name: Blue Widget Pro',
  () => 'Dr. Oetker Pizza is on sale',
  () => 'Sehr geehrte Damen und Herren,',
  () => 'Mit freundlichen Grüßen\nIhr Support-Team',
  () => 'Ich heiße Sie herzlich willkommen.',
  () => 'Hello World program in Rust',
  () => `Project name: Apollo Mission ${int(2, 9)}`,
  () => 'signed, sealed, delivered',
  () => `Name: Quarterly Report Q${int(1, 4)}`,
];
for (let i = 0; i < 450; i++) {
  if (i % 3 === 2) {
    rows.push({
      text: `${pick(FILLER)} ${pick(addressNameNegatives)()}`,
      kind: pick(['tool_result', 'model_request', 'model_response']),
      labels: [],
    });
    continue;
  }
  const g = pick(rnd() < 0.5 ? addressGens : nameGens)();
  const parts = [pick(FILLER), g.text];
  if (rnd() < 0.3) parts.push(pick([...negatives, ...addressNameNegatives])());
  rows.push({
    text: parts.join(' '),
    kind: pick(['tool_result', 'model_request', 'tool_call', 'model_response']),
    labels: [{ type: g.type, value: g.value }],
  });
}
writeFileSync(OUT, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
process.stdout.write(`wrote ${rows.length} rows to ${OUT}\n`);
