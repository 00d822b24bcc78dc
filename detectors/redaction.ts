import type { Finding } from '../schemas/generated/finding.ts';

/** Classifier verdicts on a whole field: evidence for a decision, not spans to cut out. */
const WHOLE_FIELD_VERDICTS: ReadonlySet<string> = new Set(['injection.ml', 'injection.chat_guard']);

export interface RedactionResult {
  readonly text: string;
  /** Number of merged regions replaced. */
  readonly redactions: number;
}

/**
 * Replaces every finding span on `field` with `[REDACTED:<type>]`. Overlapping or touching spans
 * are merged into one region labelled with the types involved (`[REDACTED:pii.email+secret.generic]`).
 * Spans covering a whole field for a classifier verdict (injection.ml, injection.chat_guard) are skipped unless listed in
 * `types`, since redacting the whole text is a block, not a redaction.
 */
export function redact(
  text: string,
  findings: readonly Finding[],
  field: string,
  types?: ReadonlySet<string>,
): RedactionResult {
  const spans: { start: number; end: number; type: string }[] = [];
  for (const f of findings) {
    if (types ? !types.has(f.type) : WHOLE_FIELD_VERDICTS.has(f.type)) continue;
    for (const s of f.spans) {
      if (s.field !== field) continue;
      const start = Math.max(0, Math.min(text.length, s.start));
      const end = Math.max(start, Math.min(text.length, s.end));
      if (end > start) spans.push({ start, end, type: f.type });
    }
  }
  if (spans.length === 0) return { text, redactions: 0 };
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: { start: number; end: number; types: string[] }[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) {
      last.end = Math.max(last.end, s.end);
      if (!last.types.includes(s.type)) last.types.push(s.type);
    } else {
      merged.push({ start: s.start, end: s.end, types: [s.type] });
    }
  }
  let out = '';
  let at = 0;
  for (const m of merged) {
    out += `${text.slice(at, m.start)}[REDACTED:${m.types.join('+')}]`;
    at = m.end;
  }
  out += text.slice(at);
  return { text: out, redactions: merged.length };
}
