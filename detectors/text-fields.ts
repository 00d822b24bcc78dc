import type { AgentEvent } from '../schemas/generated/agent-event.ts';

export type FieldName = 'content.text' | 'tool.arguments';

export interface ScannedField {
  readonly field: FieldName;
  /** The scanned prefix of the field (the whole field unless it exceeded the cap). */
  readonly text: string;
  /** Length of the whole field, UTF-16 code units. */
  readonly fullLength: number;
  readonly truncated: boolean;
}

function cap(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = maxChars;
  // Do not split a surrogate pair.
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/** The untrusted text fields of an event, each capped at `maxChars`. */
export function scannedFields(e: AgentEvent, maxChars: number): ScannedField[] {
  const out: ScannedField[] = [];
  const content = e.content?.text;
  if (content) {
    const text = cap(content, maxChars);
    out.push({ field: 'content.text', text, fullLength: content.length, truncated: text.length < content.length });
  }
  const args = e.tool?.arguments;
  if (args) {
    const text = cap(args, maxChars);
    out.push({ field: 'tool.arguments', text, fullLength: args.length, truncated: text.length < args.length });
  }
  return out;
}

/** Attributes to attach to findings from a truncated field. Empty when nothing was cut. */
export function truncationAttributes(f: ScannedField): Record<string, string> {
  if (!f.truncated) return {};
  return { scan_truncated: 'true', scanned_chars: String(f.text.length), field_chars: String(f.fullLength) };
}

/**
 * A field's text as UTF-8 bytes, for running RE2 on a Buffer (no per-call string conversion inside
 * RE2) while findings keep UTF-16 spans. `bytes` is a view into a scratch buffer owned by the caller
 * and is only valid until the next `encode` call.
 */
export interface Utf8Field {
  readonly bytes: Buffer;
  /** True when every character is ASCII: byte offsets and UTF-16 offsets are then the same. */
  readonly ascii: boolean;
  /** UTF-16 offset of the character starting at (or containing) byte `offset`. */
  utf16(offset: number): number;
}

/**
 * Fills `map[b]` with the UTF-16 offset for every UTF-8 byte offset `b` of `text` (0..byteLength),
 * encoding as Buffer.from does (a lone surrogate becomes U+FFFD, three bytes). Bytes inside a
 * multi-byte character map to that character's start. Returns `map` (allocated when not given).
 */
export function utf8ToUtf16Offsets(text: string, byteLength: number, map?: Uint32Array): Uint32Array {
  const out = map && map.length > byteLength ? map : new Uint32Array(byteLength + 1);
  let b = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      out[b++] = i;
    } else if (c < 0x800) {
      out[b++] = i;
      out[b++] = i;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A valid surrogate pair: four bytes for two code units.
      out[b++] = i;
      out[b++] = i;
      out[b++] = i;
      out[b++] = i;
      i++;
    } else {
      out[b++] = i;
      out[b++] = i;
      out[b++] = i;
    }
  }
  out[b] = n;
  return out;
}

/** Encodes fields into one growing scratch buffer; one encoder per detector, never shared. */
export class Utf8Encoder {
  private scratch = Buffer.allocUnsafe(16 * 1024);
  private offsets = new Uint32Array(0);

  encode(text: string): Utf8Field {
    // Worst case three bytes per UTF-16 code unit.
    if (this.scratch.length < text.length * 3) this.scratch = Buffer.allocUnsafe(text.length * 3);
    const n = this.scratch.write(text, 0, 'utf8');
    const bytes = this.scratch.subarray(0, n);
    const ascii = n === text.length;
    let map: Uint32Array | null = null;
    return {
      bytes,
      ascii,
      utf16: (offset: number): number => {
        if (ascii) return offset;
        if (map === null) {
          if (this.offsets.length <= n) this.offsets = new Uint32Array(Math.max(n + 1, this.scratch.length + 1));
          map = utf8ToUtf16Offsets(text, n, this.offsets);
        }
        return map[offset]!;
      },
    };
  }
}
