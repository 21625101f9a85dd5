import { hasWildcards, literalString, plainText, type SigmaPart, type SigmaString } from '../sigma-string.js';

/** A value on its way through the modifiers: a Sigma string, or bytes after `wide` / `utf16*` (awaiting base64). */
type Variant = SigmaString | Uint8Array;

const isBytes = (variant: Variant): variant is Uint8Array => variant instanceof Uint8Array;

const WINDASH = ['-', '/', '\u2013', '\u2014', '\u2015'];
const MAX_WINDASH_POSITIONS = 4;
const word = /[A-Za-z0-9_]/;

/** Flatten to single characters and wildcards, so neighbours can be inspected. */
const tokensOf = (value: SigmaString): (string | SigmaPart)[] =>
  value.flatMap((part): (string | SigmaPart)[] => (part.kind === 'text' ? [...part.text] : [part]));

const fromTokens = (tokens: readonly (string | SigmaPart)[]): SigmaString => {
  const parts: SigmaPart[] = [];
  for (const token of tokens) {
    const last = parts[parts.length - 1];
    if (typeof token !== 'string') parts.push(token);
    else if (last?.kind === 'text') parts[parts.length - 1] = { kind: 'text', text: last.text + token };
    else parts.push({ kind: 'text', text: token });
  }
  return parts;
};

/**
 * `windash`: a `-` or `/` that starts a flag (pySigma's `\B[-/]\b`: not preceded by a word character, followed by
 * one) also matches `/`, `-`, en dash, em dash and horizontal bar: every combination.
 */
const windash = (value: SigmaString): SigmaString[] => {
  const tokens = tokensOf(value);
  const positions = tokens.flatMap((token, index) => {
    if (token !== '-' && token !== '/') return [];
    const before = tokens[index - 1];
    const after = tokens[index + 1];
    const boundaryBefore = typeof before !== 'string' || !word.test(before);
    return boundaryBefore && typeof after === 'string' && word.test(after) ? [index] : [];
  });
  if (positions.length > MAX_WINDASH_POSITIONS) {
    throw new Error(`windash on more than ${MAX_WINDASH_POSITIONS} dashes (${5 ** positions.length} variants)`);
  }
  let variants: (string | SigmaPart)[][] = [tokens];
  for (const position of positions) {
    variants = variants.flatMap((variant) => WINDASH.map((dash) => variant.map((t, i) => (i === position ? dash : t))));
  }
  return variants.map(fromTokens);
};

const utf16 = (text: string, order: 'le' | 'be', bom: boolean): Uint8Array => {
  const bytes: number[] = bom ? [0xff, 0xfe] : [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (order === 'le') bytes.push(code & 0xff, code >> 8);
    else bytes.push(code >> 8, code & 0xff);
  }
  return Uint8Array.from(bytes);
};

const toBytes = (variant: Variant, modifier: string): Uint8Array => {
  if (isBytes(variant)) return variant;
  if (hasWildcards(variant)) throw new Error(`'${modifier}' cannot encode wildcards`);
  return new TextEncoder().encode(plainText(variant));
};

const base64 = (bytes: Uint8Array): string => {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
};

/** `wide` / `utf16le`, `utf16be`, `utf16` (byte-order mark FF FE, then little endian, as the specification says). */
const encodeUtf16 = (variant: Variant, modifier: string): Uint8Array => {
  if (isBytes(variant)) throw new Error(`'${modifier}' applied twice`);
  if (hasWildcards(variant)) throw new Error(`'${modifier}' cannot encode wildcards`);
  const text = plainText(variant);
  if (modifier === 'utf16be') return utf16(text, 'be', false);
  return utf16(text, 'le', modifier === 'utf16');
};

/** `base64`: the Base64 text of the value's bytes (UTF-8, or UTF-16 after `wide`). */
const encodeBase64 = (variant: Variant): SigmaString => literalString(base64(toBytes(variant, 'base64')));

/**
 * `base64offset`: the three encodings of the value shifted by 0, 1 and 2 leading bytes, without the characters that
 * depend on the unknown neighbours (pySigma: `abcd` → `YWJjZ`, `FiY2`, `hYmNk`).
 */
const encodeBase64Offset = (variant: Variant): SigmaString[] => {
  const bytes = toBytes(variant, 'base64offset');
  const starts = [0, 2, 3];
  const ends = [0, -3, -2];
  const variants = [0, 1, 2].map((shift) => {
    const shifted = new Uint8Array(bytes.length + shift);
    shifted.fill(0x20, 0, shift);
    shifted.set(bytes, shift);
    const encoded = base64(shifted);
    const end = ends[(bytes.length + shift) % 3] ?? 0;
    return encoded.slice(starts[shift], end === 0 ? undefined : end);
  });
  // An empty variant under `contains` would match every value.
  if (variants.includes('')) throw new Error("value too short for 'base64offset' (an encoding would be empty)");
  return variants.map(literalString);
};

export { encodeBase64, encodeBase64Offset, encodeUtf16, isBytes, type Variant, windash };
