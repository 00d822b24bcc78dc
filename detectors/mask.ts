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
