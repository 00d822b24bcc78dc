/**
 * A YAML writer for the generated manifests (deploy/strimzi). The project has no YAML library among
 * its dependencies and the manifests are plain data — maps, lists, strings, numbers, booleans — so
 * this writes block-style YAML with every string JSON-quoted (a JSON string is a valid YAML scalar),
 * which also keeps "1", "true" or "compact" from ever being read back as another type.
 */
export type YamlValue = string | number | boolean | null | readonly YamlValue[] | { readonly [k: string]: YamlValue };

const plainKey = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/; // trusted text: our own manifest keys

function key(k: string): string {
  return plainKey.test(k) ? k : JSON.stringify(k);
}

function scalar(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

function isBlock(v: YamlValue): v is readonly YamlValue[] | { readonly [k: string]: YamlValue } {
  return typeof v === 'object' && v !== null && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
}

function emptyCollection(v: YamlValue): string {
  return Array.isArray(v) ? '[]' : '{}';
}

function lines(v: YamlValue, indent: string): string[] {
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const item of v as readonly YamlValue[]) {
      if (isBlock(item) && !Array.isArray(item)) {
        const inner = lines(item, `${indent}  `);
        out.push(`${indent}- ${inner[0]!.trimStart()}`, ...inner.slice(1));
      } else if (isBlock(item)) {
        out.push(`${indent}-`, ...lines(item, `${indent}  `));
      } else {
        out.push(`${indent}- ${typeof item === 'object' && item !== null ? emptyCollection(item) : scalar(item)}`);
      }
    }
    return out;
  }
  if (typeof v === 'object' && v !== null) {
    const out: string[] = [];
    for (const [k, value] of Object.entries(v)) {
      if (isBlock(value)) out.push(`${indent}${key(k)}:`, ...lines(value, `${indent}  `));
      else
        out.push(
          `${indent}${key(k)}: ${typeof value === 'object' && value !== null ? emptyCollection(value) : scalar(value)}`,
        );
    }
    return out;
  }
  return [`${indent}${scalar(v)}`];
}

/** One YAML stream of documents, each starting with `---`, with an optional leading comment. */
export function toYamlDocuments(docs: readonly YamlValue[], comment?: string): string {
  const head = comment
    ? `${comment
        .split('\n')
        .map((l) => `# ${l}`.trimEnd())
        .join('\n')}\n`
    : '';
  return head + docs.map((d) => `---\n${lines(d, '').join('\n')}\n`).join('');
}
