/**
 * Destinations of tool calls, and allow-list matching with plain string operations (no RegExp).
 *
 * `destinationOf(tool.target)`:
 * - a URL (`scheme://…`) gives its host, via the WHATWG parser: userinfo, port, backslash tricks
 *   (`https://evil.com\@good.com` is evil.com) and IDNA are resolved the way an HTTP client would;
 * - `host[:port][/path]` gives the host, with userinfo and port dropped (`[v6]:port` keeps `[v6]`);
 * - an absolute or relative path (`/`, `.`, `~`) is its own destination, whole.
 * Everything is lower-cased and a trailing dot dropped, so `Example.COM.` equals `example.com`.
 */

export function normalizeHost(h: string): string {
  const lower = h.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

export function destinationOf(target: string): string {
  const t = target.trim();
  if (t === '') return '';
  if (t.includes('://') && URL.canParse(t)) {
    const host = new URL(t).hostname;
    if (host !== '') return normalizeHost(host);
  }
  const first = t[0];
  if (first === '/' || first === '.' || first === '~') return t.toLowerCase();
  let authority = t;
  const schemeEnd = authority.indexOf('://');
  if (schemeEnd >= 0) authority = authority.slice(schemeEnd + 3);
  authority = cutAtAny(authority, '/?#\\');
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  return normalizeHost(stripPort(authority));
}

function cutAtAny(s: string, stops: string): string {
  for (let i = 0; i < s.length; i++) if (stops.includes(s[i]!)) return s.slice(0, i);
  return s;
}

function stripPort(authority: string): string {
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    return close < 0 ? authority : authority.slice(0, close + 1);
  }
  const colon = authority.indexOf(':');
  // More than one colon without brackets is a bare IPv6 address, not host:port.
  if (colon < 0 || authority.indexOf(':', colon + 1) >= 0) return authority;
  return authority.slice(0, colon);
}

/**
 * One allow-list entry against one normalised destination:
 * - `*` matches everything;
 * - `*.example.com` matches any subdomain at any depth (`a.example.com`, `a.b.example.com`) but not
 *   `example.com` itself (list it separately, as TLS wildcards do) and never `evil-example.com`;
 * - anything else is an exact, case-insensitive match. A `*` elsewhere is literal, so `*example.com`
 *   or `api.*.com` match nothing but themselves.
 */
export function matchesDestination(destination: string, pattern: string): boolean {
  const p = normalizeHost(pattern);
  if (p === '' || destination === '') return false;
  if (p === '*') return true;
  if (p.startsWith('*.')) {
    const suffix = p.slice(1);
    return destination.length > suffix.length && destination.endsWith(suffix);
  }
  return destination === p;
}

export function destinationAllowed(destination: string, allowed: readonly string[]): boolean {
  return allowed.some((p) => matchesDestination(destination, p));
}
