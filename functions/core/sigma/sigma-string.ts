/**
 * Sigma strings: `*` matches any run of characters (newlines included), `?` exactly one; a backslash escapes `*`, `?`
 * and `\`, and stays literal before anything else or at the end (pySigma's rules: `C:\Windows\*` is a literal `*`).
 */
type SigmaPart = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'any' } | { readonly kind: 'one' };
type SigmaString = readonly SigmaPart[];

const special = new Set(['*', '?', '\\']);

const pushText = (parts: SigmaPart[], text: string): void => {
  const last = parts[parts.length - 1];
  if (last?.kind === 'text') parts[parts.length - 1] = { kind: 'text', text: last.text + text };
  else parts.push({ kind: 'text', text });
};

/** Parse a plain Sigma value into literal text and wildcards. */
const parseSigmaString = (value: string): SigmaString => {
  const parts: SigmaPart[] = [];
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    if (char === '\\') {
      const next = value[i + 1];
      if (next !== undefined && special.has(next)) {
        pushText(parts, next);
        i++;
      } else {
        pushText(parts, '\\');
      }
    } else if (char === '*') {
      if (parts[parts.length - 1]?.kind !== 'any') parts.push({ kind: 'any' });
    } else if (char === '?') {
      parts.push({ kind: 'one' });
    } else {
      pushText(parts, char);
    }
  }
  return parts;
};

/** A literal string (no wildcards), e.g. the output of base64. */
const literalString = (text: string): SigmaString => (text === '' ? [] : [{ kind: 'text', text }]);

const hasWildcards = (value: SigmaString): boolean => value.some((part) => part.kind !== 'text');

/** The text of a wildcard-free string. */
const plainText = (value: SigmaString): string => value.map((part) => (part.kind === 'text' ? part.text : '')).join('');

const withLeadingAny = (value: SigmaString): SigmaString =>
  value[0]?.kind === 'any' ? value : [{ kind: 'any' }, ...value];
const withTrailingAny = (value: SigmaString): SigmaString =>
  value[value.length - 1]?.kind === 'any' ? value : [...value, { kind: 'any' }];

/** Back to Sigma notation (for messages and the index's wildcard test). */
const formatSigmaString = (value: SigmaString): string =>
  value
    .map((part) => (part.kind === 'any' ? '*' : part.kind === 'one' ? '?' : part.text.replace(/[*?\\]/g, '\\$&')))
    .join('');

export {
  formatSigmaString,
  hasWildcards,
  literalString,
  parseSigmaString,
  plainText,
  type SigmaPart,
  type SigmaString,
  withLeadingAny,
  withTrailingAny,
};
