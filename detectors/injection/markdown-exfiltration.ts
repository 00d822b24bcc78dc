import type { Accepted, PatternRule, RuleMatch } from '../pattern-detector.ts';
import { escalate } from './escalation.ts';

const VERSION = '1.0.0';
const TYPE = 'injection.markdown_exfiltration';
const MIN_QUERY_CHARS = 48;
const MIN_PARAM_VALUE_CHARS = 32;

const TEMPLATE_MARKERS = ['{', '}', '${', '{{', '%7b', '%7d', '<', '>', '[', ']', '%3c', '%3e'];

/** Why an image URL looks like a data-carrying beacon, or null when it looks like an ordinary image. */
export function exfiltrationSignal(url: string): string | null {
  const q = url.indexOf('?');
  const lower = url.toLowerCase();
  if (TEMPLATE_MARKERS.some((t) => lower.includes(t))) return 'templated_url';
  if (q === -1) return null;
  const query = url.slice(q + 1);
  if (query.length >= MIN_QUERY_CHARS) return 'long_query';
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const value = eq === -1 ? pair : pair.slice(eq + 1);
    if (value.length >= MIN_PARAM_VALUE_CHARS) return 'long_parameter';
  }
  return null;
}

function validate(m: RuleMatch): Accepted | false {
  const signal = exfiltrationSignal(m.value);
  if (signal === null) return false;
  let host = m.value.slice(m.value.indexOf('//') + 2);
  for (const stop of ['/', '?', '#']) {
    const at = host.indexOf(stop);
    if (at !== -1) host = host.slice(0, at);
  }
  return escalate(m.kind, 'high', 0.85, {
    evidence: `image → ${host.slice(0, 80)} (${signal})`,
    attributes: { signal, host: host.slice(0, 253) },
  });
}

export const markdownExfiltrationRules: readonly PatternRule[] = [
  {
    id: TYPE,
    version: VERSION,
    type: TYPE,
    severity: 'high',
    score: 0.85,
    priority: 10,
    pattern: '!\\[[^\\]\\n]{0,200}\\]\\(\\s*<?(?P<v>https?://[^\\s)>]+)',
    validate,
    mask: () => 'image',
  },
  {
    id: TYPE,
    version: VERSION,
    type: TYPE,
    severity: 'high',
    score: 0.85,
    priority: 10,
    pattern: '(?i)<img\\b[^>]{0,500}?\\bsrc\\s*=\\s*["\']?(?P<v>https?://[^"\'\\s>]+)',
    validate,
    mask: () => 'image',
  },
];
