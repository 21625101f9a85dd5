import { ALL, type CharSet, classSet, codeSet, escapeSet, overlaps } from './regex-chars.js';

/**
 * The scanner behind `translateRegex`: rewrites Python syntax to JavaScript while tracking, per group, whether it
 * holds an unbounded or variable quantifier, a back-reference, or overlapping alternatives, so that repeating such a
 * group is refused before any event is matched (static ReDoS screening).
 */
type RegexFlag = 'i' | 'm' | 's';

/** A quantifier whose maximum exceeds this counts as unbounded. */
const REPEAT_LIMIT = 16;

type Atom = {
  readonly set?: CharSet;
  readonly literal?: string;
  readonly group?: GroupInfo;
  quantified: boolean;
};
type GroupInfo = {
  readonly unbounded: boolean;
  readonly variable: boolean;
  readonly backref: boolean;
  readonly alts: Atom[][];
};
type Frame = { alts: Atom[][]; unbounded: boolean; variable: boolean; backref: boolean; readonly open: string };

/** A refusal with its offset; `translateRegex` turns it into a reason. */
class RegexRefusal extends Error {}

const refusal = (reason: string, offset: number): RegexRefusal => new RegexRefusal(`${reason} at offset ${offset}`);

const allowedLetterEscapes = new Set([...'dDwWsSbBnrtfvxu0123456789']);

const literalOf = (alt: readonly Atom[], ignoreCase: boolean): string | undefined => {
  if (alt.some((atom) => atom.quantified || atom.literal === undefined)) return undefined;
  const text = alt.map((atom) => atom.literal).join('');
  return ignoreCase ? text.toLowerCase() : text;
};

/** Two alternatives that can match the same text make a repeated group ambiguous: `(a|aa)+`, `(\w|\d)*`. */
const ambiguous = (alts: readonly Atom[][], ignoreCase: boolean): boolean => {
  for (let a = 0; a < alts.length; a++) {
    for (let b = a + 1; b < alts.length; b++) {
      const left = alts[a] as Atom[];
      const right = alts[b] as Atom[];
      const [x, y] = [literalOf(left, ignoreCase), literalOf(right, ignoreCase)];
      if (x !== undefined && y !== undefined && (x.startsWith(y) || y.startsWith(x))) return true;
      const [p, q] = [left[0], right[0]];
      const single = left.length === 1 && right.length === 1 && p?.set !== undefined && q?.set !== undefined;
      if (single && overlaps(p.set as CharSet, q.set as CharSet)) return true;
    }
  }
  return false;
};

class Translator {
  readonly #pattern: string;
  readonly #ignoreCase: boolean;
  readonly #multiline: boolean;
  #out = '';
  #i = 0;
  readonly #frames: Frame[] = [{ alts: [[]], unbounded: false, variable: false, backref: false, open: '' }];

  constructor(pattern: string, start: number, flags: ReadonlySet<RegexFlag>) {
    this.#pattern = pattern;
    this.#i = start;
    this.#ignoreCase = flags.has('i');
    this.#multiline = flags.has('m');
  }

  /** True when the pattern has no top-level alternation (after `run`). */
  get singleBranch(): boolean {
    return this.#frames.length === 1 && this.#frame.alts.length === 1;
  }

  get #frame(): Frame {
    return this.#frames[this.#frames.length - 1] as Frame;
  }

  get #alt(): Atom[] {
    return this.#frame.alts[this.#frame.alts.length - 1] as Atom[];
  }

  run(): string {
    const p = this.#pattern;
    while (this.#i < p.length) {
      const char = p[this.#i] as string;
      if (char === '\\') this.#escape();
      else if (char === '[') this.#charClass();
      else if (char === '(') this.#openGroup();
      else if (char === ')') this.#closeGroup();
      else if (char === '|') {
        this.#frame.alts.push([]);
        this.#emit('|', 1);
      } else if (char === '*' || char === '+' || char === '?')
        this.#quantifier(char === '?' ? 1 : Number.POSITIVE_INFINITY, char === '+' ? 1 : 0, char, 1);
      else if (char === '{') this.#brace();
      else if (char === '^' || char === '$') this.#emit(char, 1);
      else if (char === '.') this.#atom({ set: ALL, quantified: false }, '.', 1);
      else this.#atom({ set: codeSet(char, this.#ignoreCase), literal: char, quantified: false }, char, 1);
    }
    if (this.#frames.length !== 1) throw refusal('unbalanced parenthesis', p.length);
    return this.#out;
  }

  #emit(text: string, consumed: number): void {
    this.#out += text;
    this.#i += consumed;
  }

  #atom(atom: Atom, text: string, consumed: number): void {
    this.#alt.push(atom);
    this.#emit(text, consumed);
  }

  #escape(): void {
    const at = this.#i;
    const letter = this.#pattern[at + 1];
    if (letter === undefined) throw refusal('trailing backslash', at);
    if (letter === 'A') {
      this.#emit(this.#multiline ? '(?<![\\s\\S])' : '^', 2);
      return;
    }
    if (letter === 'Z') {
      this.#emit(this.#multiline ? '(?![\\s\\S])' : '$', 2);
      return;
    }
    if (letter === 'a') {
      this.#atom({ set: new Set([7]), literal: '\x07', quantified: false }, '\\x07', 2);
      return;
    }
    if (letter === 'b' || letter === 'B') {
      this.#emit(`\\${letter}`, 2);
      return;
    }
    if (/[1-9]/.test(letter)) {
      this.#frame.backref = true;
      this.#atom({ quantified: false }, `\\${letter}`, 2);
      return;
    }
    if (/[a-zA-Z0-9]/.test(letter) && !allowedLetterEscapes.has(letter)) {
      throw refusal(`unsupported escape '\\${letter}'`, at);
    }
    const set = escapeSet(letter);
    if (set !== undefined) {
      this.#atom({ set, quantified: false }, `\\${letter}`, 2);
      return;
    }
    if (/[a-zA-Z0-9]/.test(letter)) {
      this.#atom({ set: ALL, quantified: false }, `\\${letter}`, 2);
      return;
    }
    this.#atom({ set: codeSet(letter, this.#ignoreCase), literal: letter, quantified: false }, `\\${letter}`, 2);
  }

  #charClass(): void {
    const p = this.#pattern;
    const at = this.#i;
    let j = at + 1;
    let body = '';
    if (p[j] === '^') {
      body += '^';
      j++;
    }
    if (p[j] === ']') {
      body += '\\]';
      j++;
    }
    while (j < p.length && p[j] !== ']') {
      if (p[j] === '\\') {
        const letter = p[j + 1] ?? '';
        if (/[a-zA-Z]/.test(letter) && !allowedLetterEscapes.has(letter))
          throw refusal(`unsupported escape '\\${letter}'`, j);
        body += p.slice(j, j + 2);
        j += 2;
      } else {
        body += p[j];
        j++;
      }
    }
    if (j >= p.length) throw refusal('unterminated character class', at);
    this.#atom({ set: classSet(body, this.#ignoreCase), quantified: false }, `[${body}]`, j + 1 - at);
  }

  #openGroup(): void {
    const rest = this.#pattern.slice(this.#i);
    const at = this.#i;
    const push = (open: string, text: string, consumed: number): void => {
      this.#frames.push({ alts: [[]], unbounded: false, variable: false, backref: false, open });
      this.#emit(text, consumed);
    };
    if (!rest.startsWith('(?')) {
      push('(', '(', 1);
      return;
    }
    const named = /^\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
    if (named !== null) {
      push('(', `(?<${named[1]}>`, named[0].length);
      return;
    }
    const reference = /^\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest);
    if (reference !== null) {
      this.#frame.backref = true;
      this.#atom({ quantified: false }, `\\k<${reference[1]}>`, reference[0].length);
      return;
    }
    const plain = /^\(\?(:|=|!|<=|<!|<[A-Za-z_][A-Za-z0-9_]*>)/.exec(rest);
    if (plain !== null) {
      push('(', plain[0], plain[0].length);
      return;
    }
    if (rest.startsWith('(?>')) throw refusal('atomic groups (?>…) are not supported', at);
    if (rest.startsWith('(?#')) throw refusal('comment groups (?#…) are not supported', at);
    if (rest.startsWith('(?(')) throw refusal('conditional groups (?(…)…) are not supported', at);
    if (/^\(\?[a-zA-Z-]*x/.test(rest)) throw refusal('verbose mode (?x) is not supported', at);
    if (/^\(\?[a-zA-Z-]+[:)]/.test(rest))
      throw refusal('inline flags are only supported at the start of the pattern', at);
    throw refusal('unsupported group syntax', at);
  }

  #closeGroup(): void {
    if (this.#frames.length === 1) throw refusal('unbalanced parenthesis', this.#i);
    const frame = this.#frames.pop() as Frame;
    const parent = this.#frame;
    parent.unbounded ||= frame.unbounded;
    parent.variable ||= frame.variable;
    parent.backref ||= frame.backref;
    const group: GroupInfo = {
      unbounded: frame.unbounded,
      variable: frame.variable,
      backref: frame.backref,
      alts: frame.alts,
    };
    this.#atom({ group, quantified: false }, ')', 1);
  }

  #brace(): void {
    const match = /^\{(\d*)(,?)(\d*)\}/.exec(this.#pattern.slice(this.#i));
    if (match === null || (match[1] === '' && match[2] === '')) {
      this.#atom({ set: new Set([123]), literal: '{', quantified: false }, '\\{', 1);
      return;
    }
    const min = match[1] === '' ? 0 : Number(match[1]);
    const max = match[2] === '' ? min : match[3] === '' ? Number.POSITIVE_INFINITY : Number(match[3]);
    const text = max === min ? `{${min}}` : max === Number.POSITIVE_INFINITY ? `{${min},}` : `{${min},${max}}`;
    this.#quantifier(max, min, text, match[0].length);
  }

  #quantifier(max: number, min: number, text: string, consumed: number): void {
    const at = this.#i;
    const atom = this.#alt[this.#alt.length - 1];
    if (atom === undefined || atom.quantified) throw refusal('nothing to repeat', at);
    const unbounded = max > REPEAT_LIMIT;
    const group = atom.group;
    if (group !== undefined && max > 1) {
      const why = 'can backtrack catastrophically';
      if (group.unbounded || (unbounded && group.variable)) throw refusal(`nested quantifier ((a+)+ style) ${why}`, at);
      if (group.backref) throw refusal(`back-reference inside a repeated group ${why}`, at);
      if (unbounded && ambiguous(group.alts, this.#ignoreCase))
        throw refusal(`overlapping alternatives ((a|aa)+ style) ${why}`, at);
    }
    atom.quantified = true;
    this.#frame.unbounded ||= unbounded;
    this.#frame.variable ||= min !== max;
    this.#emit(text, consumed);
    const next = this.#pattern[this.#i];
    if (next === '+') throw refusal('possessive quantifiers are not supported', this.#i);
    if (next === '?') this.#emit('?', 1);
  }
}

export { type RegexFlag, RegexRefusal, Translator };
