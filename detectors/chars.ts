/** Character-class checks by code unit; no RegExp on untrusted text. */

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function isAsciiWord(c: number): boolean {
  return isDigit(c) || isAsciiLetter(c) || c === 95;
}

/** The character code at `i`, or -1 outside the string. */
export function codeAt(s: string, i: number): number {
  return i >= 0 && i < s.length ? s.charCodeAt(i) : -1;
}

export function digitsOnly(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) if (isDigit(v.charCodeAt(i))) out += v[i];
  return out;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(v: string): number {
  if (v.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / v.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Lower-cased window of `before` chars ending at `start`, for keyword-context checks. */
export function contextBefore(text: string, start: number, before: number): string {
  return text.slice(Math.max(0, start - before), start).toLowerCase();
}

/** Characters of base64url-ish tokens: letters, digits, `_` and `-`. */
export function isTokenChar(c: number): boolean {
  return isAsciiWord(c) || c === 45;
}

/** True when `text[start, end)` is not glued to further token characters on either side. */
export function tokenStandsAlone(text: string, start: number, end: number): boolean {
  return !isTokenChar(codeAt(text, start - 1)) && !isTokenChar(codeAt(text, end));
}
