import type { SigmaString } from './sigma-string.js';

/** A test over one text (already folded when the comparison is case-insensitive). */
type TextTest = (text: string) => boolean;

/** The cheapest way to test one Sigma string, chosen once at compile time. */
type Shape =
  | { readonly kind: 'exact' | 'prefix' | 'suffix' | 'infix'; readonly needle: string }
  | { readonly kind: 'anything' }
  | { readonly kind: 'glob'; readonly pattern: RegExp };

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Classify a Sigma string; `fold` lower-cases the literal parts (case-insensitive comparison). */
const shapeOf = (value: SigmaString, fold: boolean): Shape => {
  const lit = (text: string): string => (fold ? text.toLowerCase() : text);
  const [a, b, c] = value;
  if (value.length === 0) return { kind: 'exact', needle: '' };
  if (value.length === 1 && a?.kind === 'text') return { kind: 'exact', needle: lit(a.text) };
  if (value.length === 1 && a?.kind === 'any') return { kind: 'anything' };
  if (value.length === 2 && a?.kind === 'text' && b?.kind === 'any') return { kind: 'prefix', needle: lit(a.text) };
  if (value.length === 2 && a?.kind === 'any' && b?.kind === 'text') return { kind: 'suffix', needle: lit(b.text) };
  if (value.length === 3 && a?.kind === 'any' && b?.kind === 'text' && c?.kind === 'any') {
    return { kind: 'infix', needle: lit(b.text) };
  }
  const source = value
    .map((part) => (part.kind === 'any' ? '[\\s\\S]*' : part.kind === 'one' ? '[\\s\\S]' : escapeRegex(lit(part.text))))
    .join('');
  return { kind: 'glob', pattern: new RegExp(`^${source}$`) };
};

const testOf = (shape: Shape): TextTest => {
  switch (shape.kind) {
    case 'exact': {
      const { needle } = shape;
      return (text) => text === needle;
    }
    case 'prefix': {
      const { needle } = shape;
      return (text) => text.startsWith(needle);
    }
    case 'suffix': {
      const { needle } = shape;
      return (text) => text.endsWith(needle);
    }
    case 'infix': {
      const { needle } = shape;
      return (text) => text.includes(needle);
    }
    case 'anything':
      return () => true;
    case 'glob': {
      const { pattern } = shape;
      return (text) => pattern.test(text);
    }
  }
};

/** Exact lists longer than this become a `Set`. */
const SET_THRESHOLD = 8;

/** One test for "any of these strings": exact needles grouped into a `Set` when there are many. */
const anyOf = (values: readonly SigmaString[], fold: boolean): TextTest => {
  const shapes = values.map((value) => shapeOf(value, fold));
  if (shapes.some((shape) => shape.kind === 'anything')) return () => true;
  const exact = shapes.flatMap((shape) => (shape.kind === 'exact' ? [shape.needle] : []));
  const others = shapes.filter((shape) => shape.kind !== 'exact').map(testOf);
  const tests: TextTest[] = [];
  if (exact.length > SET_THRESHOLD) {
    const set = new Set(exact);
    tests.push((text) => set.has(text));
  } else {
    tests.push(...exact.map((needle) => testOf({ kind: 'exact', needle })));
  }
  tests.push(...others);
  if (tests.length === 1) return tests[0] as TextTest;
  return (text) => {
    for (const test of tests) if (test(text)) return true;
    return false;
  };
};

/** Rough per-value cost, used to order the items of a selection (cheap tests first). */
const costOf = (values: readonly SigmaString[]): number =>
  values.reduce((sum, value) => {
    const kind = shapeOf(value, false).kind;
    return sum + (kind === 'exact' ? 1 : kind === 'glob' ? 8 : 2);
  }, 0);

export { anyOf, costOf, type Shape, shapeOf, type TextTest };
