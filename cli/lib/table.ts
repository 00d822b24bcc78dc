/** Plain-text tables for the warden CLI: one header row, columns padded to their widest cell. */
export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: 'left' | 'right';
}

export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((r) => columns.map((c) => clean(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/** Control characters from the server (agent ids, owners) must not move the terminal's cursor. */
function clean(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    out += code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) ? '?' : ch;
  }
  return out;
}

export function list(values: readonly string[], max = 3): string {
  if (values.length === 0) return '-';
  const shown = values.slice(0, max).join(',');
  return values.length > max ? `${shown},+${values.length - max}` : shown;
}
