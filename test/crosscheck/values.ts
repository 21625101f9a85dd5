// Values that satisfy or fail one detection item, and a small string-only check of whether a pinned value satisfies
// an item (the generator's expectation; the engines under comparison never see it).
import type { Item } from './rule-model.js';

type Pin = { readonly kind: 'absent' } | { readonly kind: 'null' } | { readonly kind: 'value'; readonly value: string };
type Pins = ReadonlyMap<string, Pin>;

const has = (item: Item, modifier: string): boolean => item.modifiers.includes(modifier);
const isNullItem = (item: Item): boolean => item.values.length === 1 && item.values[0] === null;
const refOf = (item: Item): string | undefined => (has(item, 'fieldref') ? String(item.values[0]) : undefined);

/** Sigma string → regex source: `*` any run, `?` one character, backslash escapes `*`, `?` and `\`. */
const sigmaToRegex = (text: string): string => {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] ?? '';
    const next = text[i + 1] ?? '';
    if (char === '\\' && ['*', '?', '\\'].includes(next)) {
      out += `\\${next}`;
      i += 1;
    } else if (char === '*') out += '.*';
    else if (char === '?') out += '.';
    else out += char.replace(/[.+?^${}()|[\]\\*]/g, '\\$&');
  }
  return out;
};

/** Expands a Sigma string into one concrete text: `*` becomes `fill`, `?` becomes `x`, escapes are resolved. */
const expandSigma = (text: string, fill: string): string =>
  text.replace(/\\([*?\\])|\*|\?/g, (match, escaped: string | undefined) => escaped ?? (match === '*' ? fill : 'x'));

const pythonRegex = (pattern: string, item: Item): RegExp => {
  const flags = ['i', 'm', 's'].filter((flag) => has(item, flag)).join('');
  const inline = /^\(\?([ims]+)\)/.exec(pattern);
  return inline === null ? new RegExp(pattern, flags) : new RegExp(pattern.slice(inline[0].length), flags + inline[1]);
};

const valueHolds = (text: string, item: Item, value: string): boolean => {
  if (has(item, 're')) return pythonRegex(value, item).test(text);
  const body = sigmaToRegex(value);
  const start = has(item, 'contains') || has(item, 'endswith') ? '' : '^';
  const end = has(item, 'contains') || has(item, 'startswith') ? '' : '$';
  return new RegExp(`${start}${body}${end}`, has(item, 'cased') ? 's' : 'is').test(text);
};

/** Whether `pin` satisfies `item`; undefined where the answer depends on semantics the cross-check is probing. */
const holds = (pin: Pin, item: Item, pins: Pins): boolean | undefined => {
  if (isNullItem(item)) return pin.kind !== 'value';
  const ref = refOf(item);
  if (ref !== undefined) {
    const other = pins.get(ref);
    if (other === undefined) return undefined;
    if (pin.kind !== 'value' || other.kind !== 'value') return pin.kind === 'absent' ? false : undefined;
    return pin.value.toLowerCase() === other.value.toLowerCase();
  }
  if (pin.kind === 'absent') return false;
  if (pin.kind === 'null') return undefined;
  const results = item.values.map((value) => valueHolds(pin.value, item, String(value)));
  return has(item, 'all') ? results.every(Boolean) : results.some(Boolean);
};

/** One string matching a simple regular expression (literals, escapes, classes, groups, quantifiers). */
const sampleRegex = (pattern: string): string => {
  let at = 0;
  const atom = (): string => {
    const char = pattern[at] ?? '';
    at += 1;
    if (char === '\\') {
      const escaped = pattern[at] ?? '';
      at += 1;
      return { d: '7', w: 'a', s: ' ', D: 'a', W: '-', S: 'a' }[escaped] ?? escaped;
    }
    if (char === '.') return 'x';
    if (char === '[') {
      const close = pattern.indexOf(']', at + 1);
      const body = pattern.slice(at, close);
      at = close + 1;
      return body.startsWith('^') ? '\u00e9' : (body.replace(/^\\/, '')[0] ?? 'x');
    }
    if (char === '(') {
      if (pattern.startsWith('?:', at)) at += 2;
      const inner = sequence();
      at += 1; // ')'
      return inner;
    }
    return char;
  };
  const sequence = (): string => {
    let out = '';
    while (at < pattern.length && pattern[at] !== ')') {
      if (pattern[at] === '|') {
        let depth = 0; // keep the first branch, skip the rest of this group
        while (at < pattern.length && (depth > 0 || pattern[at] !== ')')) {
          if (pattern[at] === '(') depth += 1;
          if (pattern[at] === ')') depth -= 1;
          at += 1;
        }
        break;
      }
      if (pattern[at] === '^' || pattern[at] === '$') {
        at += 1;
        continue;
      }
      const text = atom();
      const quantifier = pattern[at];
      if (quantifier === '+') {
        out += text.repeat(6);
        at += 1;
      } else if (quantifier === '*' || quantifier === '?') {
        at += 1;
      } else if (quantifier === '{') {
        const counted = /^\{(\d+)[^}]*\}/.exec(pattern.slice(at));
        out += text.repeat(Number(counted?.[1] ?? 1));
        at += counted?.[0].length ?? 1;
      } else {
        out += text;
      }
    }
    return out;
  };
  return sequence();
};

type Wrap = { readonly prefix: string; readonly suffix: string; readonly fill: string };

/** A text satisfying a string item (not null, not fieldref), built around `values[index]` (all values with `all`). */
const satisfyingText = (item: Item, index: number, wrap: Wrap): string => {
  const chosen = has(item, 'all') ? item.values : [item.values[index % item.values.length]];
  if (has(item, 're')) return sampleRegex(String(chosen[0]));
  const core = chosen.map((value) => expandSigma(String(value), wrap.fill)).join(' ');
  if (has(item, 'contains')) return `${wrap.prefix}${core}${wrap.suffix}`;
  if (has(item, 'startswith')) return `${core}${wrap.suffix}`;
  if (has(item, 'endswith')) return `${wrap.prefix}${core}`;
  return core;
};

export { expandSigma, has, holds, isNullItem, type Pin, type Pins, refOf, sampleRegex, satisfyingText, type Wrap };
