/**
 * Masking for evidence. Every function returns a string that identifies the shape of the value
 * and at most a few characters of it, never the clear value.
 */

function stars(n: number): string {
  return '*'.repeat(Math.max(0, n));
}

/** `john.doe@example.com` -> `j***@example.com`. */
export function maskEmail(v: string): string {
  const at = v.lastIndexOf('@');
  if (at <= 0) return maskGeneric(v);
  return `${v[0]}***${v.slice(at)}`;
}

function digitsOf(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) out += v[i];
  }
  return out;
}

/** `4111 1111 1111 1111` -> `****1111`. */
export function maskCard(v: string): string {
  return `****${digitsOf(v).slice(-4)}`;
}

/** `DE89370400440532013000` -> `DE****************3000` (country, stars, last four). */
export function maskIban(v: string): string {
  let compact = '';
  for (const ch of v) if (ch !== ' ') compact += ch;
  if (compact.length < 8) return stars(compact.length);
  return `${compact.slice(0, 2)}${stars(compact.length - 6)}${compact.slice(-4)}`;
}

/** Secrets: first four characters and an ellipsis. Short values are fully hidden. */
export function maskSecret(v: string): string {
  if (v.length < 12) return '****…';
  return `${v.slice(0, 4)}…`;
}

/** Phone: leading `+` kept, all digits but the last two starred. */
export function maskPhone(v: string): string {
  const d = digitsOf(v);
  return `${v.trimStart().startsWith('+') ? '+' : ''}${stars(d.length - 2)}${d.slice(-2)}`;
}

/** US SSN: `***-**-6789`. */
export function maskSsn(v: string): string {
  return `***-**-${digitsOf(v).slice(-4)}`;
}

/** UK NINO: `AB******C` -> prefix letters hidden too, only the suffix letter shown. */
export function maskNino(v: string): string {
  let compact = '';
  for (const ch of v) if (ch !== ' ') compact += ch;
  return `${stars(compact.length - 1)}${compact.slice(-1)}`;
}

/** IPv4: last octet hidden. IPv6: first group kept. */
export function maskIp(v: string): string {
  const dot = v.lastIndexOf('.');
  if (dot > 0 && !v.includes(':')) return `${v.slice(0, dot)}.***`;
  const colon = v.indexOf(':');
  return colon > 0 ? `${v.slice(0, colon)}:****` : '****';
}

/** Every letter and digit becomes `*`, separators stay: `01.02.1990` -> `**.**.****`. */
export function maskShape(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    out += alnum ? '*' : v[i];
  }
  return out;
}

export function maskGeneric(v: string): string {
  return v.length <= 1 ? '*' : `${v[0]}${stars(Math.min(v.length - 1, 8))}`;
}

/** Non-secret phrases (injection triggers): whitespace collapsed and cut to `max` characters. */
export function excerpt(v: string, max = 80): string {
  let out = '';
  let space = false;
  for (const ch of v) {
    const isSpace = ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t';
    if (isSpace) {
      space = out.length > 0;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += ch;
    if (out.length >= max) return `${out.slice(0, max)}…`;
  }
  return out;
}

function isSeparator(ch: string): boolean {
  return ch === ' ' || ch === ',' || ch === '\n' || ch === '\r' || ch === '\t';
}

/** First code point of a word and a dot: `Evergreen` -> `E.`. */
function initial(word: string): string {
  const cp = word.codePointAt(0);
  return cp === undefined ? '' : `${String.fromCodePoint(cp)}.`;
}

/** One token of the locality part (after the street): postcode region and state codes stay. */
function maskLocalityToken(t: string): string {
  let digits = 0;
  let letters = 0;
  let upper = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (t[i]!.toLowerCase() !== t[i]!.toUpperCase()) {
      letters++;
      if (c >= 65 && c <= 90) upper++;
    }
  }
  const first = t.charCodeAt(0);
  const startsWithDigit = first >= 48 && first <= 57;
  if (digits === 0) return letters === 2 && upper === 2 && t.length === 2 ? t : initial(t);
  // UK outward code (SW1A, NW1) is a district, not an address: kept. The inward code (1AA) is not.
  if (!startsWithDigit && t.length <= 4 && letters + digits === t.length) return t;
  if (startsWithDigit && letters > 0) return stars(t.length);
  // Numeric postcodes (62704, 10115, D-10115, 62704-1234): the first two digits, the region, stay.
  let out = '';
  let seen = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) out += ++seen <= 2 ? t[i] : '*';
    else out += t[i];
  }
  return out;
}

/**
 * Street address: street words become initials and house numbers stars; after the first comma or
 * line break (the locality) the postcode region (`62***`, `10***`, `SW1A ***`), two-letter state
 * codes and the city's initial are kept.
 * `742 Evergreen Terrace, Springfield, IL 62704` -> `*** E. T., S., IL 62***`.
 */
export function maskAddress(v: string): string {
  let out = '';
  let locality = false;
  let i = 0;
  while (i < v.length) {
    const ch = v[i]!;
    if (isSeparator(ch)) {
      if (ch === ',' || ch === '\n') locality = true;
      out += ch;
      i++;
      continue;
    }
    let j = i;
    while (j < v.length && !isSeparator(v[j]!)) j++;
    const t = v.slice(i, j);
    if (locality) out += maskLocalityToken(t);
    else {
      let hasDigit = false;
      for (let k = 0; k < t.length && !hasDigit; k++) hasDigit = t.charCodeAt(k) >= 48 && t.charCodeAt(k) <= 57;
      out += hasDigit ? stars(t.length) : initial(t);
    }
    i = j;
  }
  return out;
}

/** Person name: initials only, `Jane van Dyke` -> `J. v. D.`. */
export function maskInitials(v: string): string {
  const out: string[] = [];
  let i = 0;
  while (i < v.length) {
    if (isSeparator(v[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j < v.length && !isSeparator(v[j]!)) j++;
    out.push(initial(v.slice(i, j)));
    i = j;
  }
  return out.join(' ');
}
