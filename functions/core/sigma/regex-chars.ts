/**
 * Character sets over ASCII plus one "anything else" slot, just precise enough to tell whether two alternatives of a
 * repeated group can match the same character (the `(a|a)+` family of catastrophic patterns).
 */
type CharSet = ReadonlySet<number>;

const OTHER = 128;
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, index) => from + index);
const ALL: CharSet = new Set(range(0, OTHER));
const DIGITS: CharSet = new Set(range(48, 57));
const WORD: CharSet = new Set([...range(48, 57), ...range(65, 90), ...range(97, 122), 95, OTHER]);
const SPACE: CharSet = new Set([9, 10, 11, 12, 13, 32, OTHER]);

const complement = (set: CharSet): CharSet => new Set([...ALL].filter((code) => !set.has(code) || code === OTHER));

const codeSet = (char: string, ignoreCase: boolean): CharSet => {
  const code = char.charCodeAt(0);
  if (code >= OTHER) return new Set([OTHER]);
  if (!ignoreCase) return new Set([code]);
  return new Set([char.toLowerCase().charCodeAt(0), char.toUpperCase().charCodeAt(0)].map((c) => Math.min(c, OTHER)));
};

/** The set of a class escape (`\d`, `\W`, …), or undefined for any other escape. */
const escapeSet = (letter: string): CharSet | undefined => {
  switch (letter) {
    case 'd':
      return DIGITS;
    case 'w':
      return WORD;
    case 's':
      return SPACE;
    case 'D':
      return complement(DIGITS);
    case 'W':
      return complement(WORD);
    case 'S':
      return complement(SPACE);
    default:
      return undefined;
  }
};

const overlaps = (a: CharSet, b: CharSet): boolean => {
  for (const code of a) if (b.has(code)) return true;
  return false;
};

/** Approximate set of a bracket expression body (without the brackets); unknown escapes widen it to everything. */
const classSet = (body: string, ignoreCase: boolean): CharSet => {
  const negated = body.startsWith('^');
  const set = new Set<number>();
  let i = negated ? 1 : 0;
  while (i < body.length) {
    let char = body[i] as string;
    if (char === '\\') {
      const letter = body[i + 1] ?? '';
      const known = escapeSet(letter);
      if (known !== undefined) for (const code of known) set.add(code);
      else if (/[a-zA-Z0-9]/.test(letter)) return ALL;
      else for (const code of codeSet(letter, ignoreCase)) set.add(code);
      i += 2;
      continue;
    }
    if (body[i + 1] === '-' && i + 2 < body.length && body[i + 2] !== '\\') {
      const to = body[i + 2] as string;
      for (const code of range(char.charCodeAt(0), Math.min(to.charCodeAt(0), OTHER))) {
        for (const folded of codeSet(String.fromCharCode(code), ignoreCase)) set.add(folded);
      }
      if (to.charCodeAt(0) >= OTHER) set.add(OTHER);
      i += 3;
      continue;
    }
    char = body[i] as string;
    for (const code of codeSet(char, ignoreCase)) set.add(code);
    i++;
  }
  return negated ? complement(set) : set;
};

export { ALL, type CharSet, classSet, codeSet, escapeSet, overlaps };
