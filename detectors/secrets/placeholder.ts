import { shannonEntropy } from '../chars.ts';

const PLACEHOLDER_WORDS = [
  'example',
  'placeholder',
  'changeme',
  'change_me',
  'your',
  'xxxx',
  'redacted',
  'dummy',
  'sample',
  'todo',
  'fixme',
  'password',
  'secret',
  'insert',
  'replace',
  'foobar',
  '****',
  '....',
  '<',
  '>',
  '${',
  '{{',
  '%s',
  'process.env',
  'os.environ',
  'getenv',
];

/** True for template values and obvious stand-ins: `${TOKEN}`, `<your-key>`, `xxxxxxxx`, `changeme`. */
export function isPlaceholder(v: string): boolean {
  const lower = v.toLowerCase();
  if (PLACEHOLDER_WORDS.some((w) => lower.includes(w))) return true;
  if (v.startsWith('$')) return true;
  // One repeated character, or very low variety.
  return shannonEntropy(v) < 1.5;
}

/** Mixed character classes: real generated keys almost always contain digits and letters. */
export function hasLettersAndDigits(v: string): boolean {
  let letters = false;
  let digits = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) digits = true;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letters = true;
  }
  return letters && digits;
}
