import type { Buffer } from 'node:buffer';

/** What the first bytes of a (decompressed) input say about it. */
type Sniffed =
  | { readonly kind: 'json'; readonly bom: number }
  | { readonly kind: 'empty' }
  | { readonly kind: 'binary'; readonly offset: number; readonly byte: number }
  | { readonly kind: 'unknown'; readonly preview: string };

/** How many bytes {@link sniffText} wants to see (fewer only when the input is shorter). */
const sniffBytes = 4096;
const binaryWindow = sniffBytes;

const isSpace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/**
 * Text or not, JSON or not, from the first bytes: a NUL or other control byte means binary data; after an optional
 * UTF-8 byte-order mark and whitespace, an audit input starts with `{` (a record, a container, NDJSON) or `[`.
 */
const sniffText = (head: Buffer, ended: boolean): Sniffed => {
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const window = Math.min(head.length, bom + binaryWindow);
  for (let offset = bom; offset < window; offset += 1) {
    const byte = head[offset] ?? 0;
    if ((byte < 0x20 && !isSpace(byte)) || byte === 0x7f) return { kind: 'binary', offset, byte };
  }
  let first = bom;
  while (first < head.length && isSpace(head[first])) first += 1;
  if (first >= head.length)
    return ended ? { kind: 'empty' } : { kind: 'unknown', preview: `${head.length} bytes of whitespace` };
  const start = head[first];
  if (start === 0x7b || start === 0x5b) return { kind: 'json', bom };
  const preview = head
    .subarray(first, first + 24)
    .toString('utf8')
    .replace(/\s+/g, ' ');
  return { kind: 'unknown', preview: `starts with '${preview}'` };
};

export { type Sniffed, sniffBytes, sniffText };
