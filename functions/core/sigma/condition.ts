/**
 * Sigma conditions: lowercase `and`, `or`, `not`, parentheses, `1 of` / `any of` / `all of` a pattern (`*` anywhere)
 * or `them`. Precedence, loosest first: or < and < not < `x of` < ( ). Refused: uppercase operators, `|`
 * aggregations, `near`, `N of` with N ≠ 1, undefined identifiers, a pattern matching no identifier.
 */
type ConditionNode =
  | { readonly kind: 'id'; readonly name: string }
  | { readonly kind: 'and' | 'or'; readonly items: readonly ConditionNode[] }
  | { readonly kind: 'not'; readonly item: ConditionNode };

/** A condition problem with its offset in the condition text. */
class ConditionError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} (offset ${offset})`);
    this.name = 'ConditionError';
  }
}

type Token = { readonly text: string; readonly offset: number };

const operators = new Set(['and', 'or', 'not', 'of']);

const tokenize = (text: string): Token[] => {
  const tokens: Token[] = [];
  const pattern = /\s+|[()]|[A-Za-z0-9_*-]+|./gy;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const [token] = match;
    if (/^\s+$/.test(token)) continue;
    if (token === '|')
      throw new ConditionError("aggregations ('|') are not supported (use correlation rules)", match.index);
    if (!/^([()]|[A-Za-z0-9_*-]+)$/.test(token))
      throw new ConditionError(`unexpected character '${token}'`, match.index);
    tokens.push({ text: token, offset: match.index });
  }
  return tokens;
};

const globToRegex = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\-]/g, '\\$&').replaceAll('*', '.*')}$`);

class Parser {
  #position = 0;

  constructor(
    readonly tokens: readonly Token[],
    readonly identifiers: readonly string[],
    readonly length: number,
  ) {}

  parse(): ConditionNode {
    if (this.tokens.length === 0) throw new ConditionError('empty condition', 0);
    const node = this.#or();
    const next = this.#peek();
    if (next !== undefined) throw new ConditionError(`unexpected '${next.text}'`, next.offset);
    return node;
  }

  #peek(): Token | undefined {
    return this.tokens[this.#position];
  }

  #take(): Token {
    const token = this.tokens[this.#position];
    if (token === undefined) throw new ConditionError('unexpected end of condition', this.length);
    this.#position++;
    return token;
  }

  #isOperator(token: Token | undefined, operator: string): boolean {
    if (token === undefined) return false;
    if (token.text === operator) return true;
    if (token.text.toLowerCase() === operator && !this.identifiers.includes(token.text)) {
      throw new ConditionError(`operators are lowercase: '${token.text}' → '${operator}'`, token.offset);
    }
    return false;
  }

  #or(): ConditionNode {
    const items = [this.#and()];
    while (this.#isOperator(this.#peek(), 'or')) {
      this.#take();
      items.push(this.#and());
    }
    return items.length === 1 ? (items[0] as ConditionNode) : { kind: 'or', items };
  }

  #and(): ConditionNode {
    const items = [this.#not()];
    while (this.#isOperator(this.#peek(), 'and')) {
      this.#take();
      items.push(this.#not());
    }
    return items.length === 1 ? (items[0] as ConditionNode) : { kind: 'and', items };
  }

  #not(): ConditionNode {
    if (this.#isOperator(this.#peek(), 'not')) {
      this.#take();
      return { kind: 'not', item: this.#not() };
    }
    return this.#primary();
  }

  #primary(): ConditionNode {
    const token = this.#take();
    if (token.text === '(') {
      const node = this.#or();
      const close = this.#take();
      if (close.text !== ')') throw new ConditionError(`expected ')' but found '${close.text}'`, close.offset);
      return node;
    }
    if (token.text === ')') throw new ConditionError("unexpected ')'", token.offset);
    const next = this.#peek();
    if (next !== undefined && (next.text === 'of' || next.text.toLowerCase() === 'of')) {
      this.#isOperator(next, 'of');
      return this.#selector(token);
    }
    if (token.text === 'near')
      throw new ConditionError("'near' is not supported (use correlation rules)", token.offset);
    if (operators.has(token.text)) throw new ConditionError(`unexpected '${token.text}'`, token.offset);
    if (token.text.includes('*')) {
      throw new ConditionError(`wildcard '${token.text}' needs '1 of' or 'all of'`, token.offset);
    }
    if (!this.identifiers.includes(token.text)) {
      if (['and', 'or', 'not'].includes(token.text.toLowerCase())) this.#isOperator(token, token.text.toLowerCase());
      throw new ConditionError(`undefined identifier '${token.text}'`, token.offset);
    }
    return { kind: 'id', name: token.text };
  }

  #selector(quantifier: Token): ConditionNode {
    this.#take(); // of
    if (/^\d+$/.test(quantifier.text) && quantifier.text !== '1') {
      throw new ConditionError(
        `'${quantifier.text} of' is not supported (only 1 of, any of, all of)`,
        quantifier.offset,
      );
    }
    if (quantifier.text !== '1' && quantifier.text !== 'any' && quantifier.text !== 'all') {
      throw new ConditionError(`expected 1, any or all before 'of', found '${quantifier.text}'`, quantifier.offset);
    }
    const target = this.#take();
    if (!/^[A-Za-z0-9_*-]+$/.test(target.text))
      throw new ConditionError(`expected a pattern after 'of'`, target.offset);
    const names =
      target.text === 'them'
        ? this.identifiers.filter((name) => !name.startsWith('_'))
        : this.identifiers.filter(
            (name) => globToRegex(target.text).test(name) && (!name.startsWith('_') || target.text.startsWith('_')),
          );
    if (names.length === 0) {
      throw new ConditionError(`'${quantifier.text} of ${target.text}' matches no identifier`, target.offset);
    }
    const items = names.map((name): ConditionNode => ({ kind: 'id', name }));
    if (items.length === 1) return items[0] as ConditionNode;
    return { kind: quantifier.text === 'all' ? 'and' : 'or', items };
  }
}

/** Parse a condition against the rule's search identifiers; throws {@link ConditionError}. */
const parseCondition = (text: string, identifiers: readonly string[]): ConditionNode =>
  new Parser(tokenize(text), identifiers, text.length).parse();

/** The identifiers a condition references, in first-use order. */
const identifiersOf = (node: ConditionNode): string[] => {
  if (node.kind === 'id') return [node.name];
  if (node.kind === 'not') return identifiersOf(node.item);
  return [...new Set(node.items.flatMap(identifiersOf))];
};

/** Turn a condition into a closure over per-identifier tests (short-circuit, evaluated lazily). */
const compileCondition = <T>(
  node: ConditionNode,
  tests: ReadonlyMap<string, (input: T) => boolean>,
): ((input: T) => boolean) => {
  switch (node.kind) {
    case 'id': {
      const test = tests.get(node.name);
      if (test === undefined) throw new Error(`no test for '${node.name}'`);
      return test;
    }
    case 'not': {
      const inner = compileCondition(node.item, tests);
      return (input) => !inner(input);
    }
    case 'and': {
      const items = node.items.map((item) => compileCondition(item, tests));
      return (input) => {
        for (const item of items) if (!item(input)) return false;
        return true;
      };
    }
    case 'or': {
      const items = node.items.map((item) => compileCondition(item, tests));
      return (input) => {
        for (const item of items) if (item(input)) return true;
        return false;
      };
    }
  }
};

export { ConditionError, type ConditionNode, compileCondition, identifiersOf, parseCondition };
