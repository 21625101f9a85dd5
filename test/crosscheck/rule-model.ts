// The generator's own reading of a Sigma rule: selections (OR of AND-ed field items) and the condition as a tree.
// Written independently of functions/core/sigma so that a misreading there cannot leak into the test data.
import { parse } from 'yaml';

type RuleValue = string | number | boolean | null;
type Item = { readonly field: string; readonly modifiers: readonly string[]; readonly values: readonly RuleValue[] };
type Selection = { readonly name: string; readonly alternatives: readonly (readonly Item[])[] };
type Condition =
  | { readonly kind: 'ref'; readonly name: string }
  | { readonly kind: 'not'; readonly expr: Condition }
  | { readonly kind: 'and' | 'or'; readonly exprs: readonly Condition[] }
  | { readonly kind: 'of'; readonly all: boolean; readonly names: readonly string[] };
type RuleModel = {
  readonly file: string;
  readonly stem: string;
  readonly text: string;
  readonly selections: readonly Selection[];
  readonly condition: Condition;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const toValue = (value: unknown, where: string): RuleValue => {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value as RuleValue;
  throw new Error(`${where}: unsupported value ${JSON.stringify(value)}`);
};

const toItems = (map: Record<string, unknown>, where: string): Item[] =>
  Object.entries(map).map(([key, raw]) => {
    const [field = '', ...modifiers] = key.split('|');
    const list = Array.isArray(raw) ? raw : [raw];
    return { field, modifiers, values: list.map((value) => toValue(value, `${where}.${key}`)) };
  });

const toSelection = (name: string, definition: unknown): Selection => {
  if (isObject(definition)) return { name, alternatives: [toItems(definition, name)] };
  if (Array.isArray(definition) && definition.every(isObject)) {
    return { name, alternatives: definition.map((map) => toItems(map, name)) };
  }
  throw new Error(`${name}: keyword selections are not generated`);
};

const globToRegExp = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

const parseCondition = (text: string, names: readonly string[]): Condition => {
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const take = (): string => {
    const token = tokens[at];
    if (token === undefined) throw new Error(`condition '${text}': unexpected end`);
    at += 1;
    return token;
  };
  const target = (word: string): string[] => {
    if (word === 'them') return names.filter((name) => !name.startsWith('_'));
    const pattern = globToRegExp(word);
    return names.filter((name) => pattern.test(name));
  };
  const primary = (): Condition => {
    const token = take();
    if (token === '(') {
      const inner = or();
      if (take() !== ')') throw new Error(`condition '${text}': missing ')'`);
      return inner;
    }
    if (['1', 'any', 'all'].includes(token) && peek() === 'of') {
      take();
      return { kind: 'of', all: token === 'all', names: target(take()) };
    }
    if (!names.includes(token)) throw new Error(`condition '${text}': unknown identifier '${token}'`);
    return { kind: 'ref', name: token };
  };
  const not = (): Condition => {
    if (peek() === 'not') {
      take();
      return { kind: 'not', expr: not() };
    }
    return primary();
  };
  const chain = (word: 'and' | 'or', next: () => Condition) => (): Condition => {
    const exprs = [next()];
    while (peek() === word) {
      take();
      exprs.push(next());
    }
    return exprs.length === 1 && exprs[0] !== undefined ? exprs[0] : { kind: word, exprs };
  };
  const and = chain('and', not);
  const or = chain('or', and);
  const tree = or();
  if (at !== tokens.length) throw new Error(`condition '${text}': trailing '${tokens[at]}'`);
  return tree;
};

const evaluateCondition = (condition: Condition, truth: ReadonlyMap<string, boolean>): boolean => {
  switch (condition.kind) {
    case 'ref':
      return truth.get(condition.name) === true;
    case 'not':
      return !evaluateCondition(condition.expr, truth);
    case 'and':
      return condition.exprs.every((expr) => evaluateCondition(expr, truth));
    case 'or':
      return condition.exprs.some((expr) => evaluateCondition(expr, truth));
    case 'of':
      return condition.all
        ? condition.names.every((name) => truth.get(name) === true)
        : condition.names.some((name) => truth.get(name) === true);
  }
};

const readRuleModel = (file: string, text: string): RuleModel => {
  const document: unknown = parse(text, { schema: 'yaml-1.1' });
  const detection = isObject(document) && isObject(document.detection) ? document.detection : undefined;
  if (detection === undefined) throw new Error(`${file}: no detection`);
  const { condition, ...definitions } = detection;
  const selections = Object.entries(definitions).map(([name, definition]) => toSelection(name, definition));
  const names = selections.map((selection) => selection.name);
  const conditions = (Array.isArray(condition) ? condition : [condition]).map((entry) => String(entry));
  const trees = conditions.map((entry) => parseCondition(entry, names));
  const tree: Condition = trees.length === 1 && trees[0] !== undefined ? trees[0] : { kind: 'or', exprs: trees };
  return { file, stem: file.replace(/\.ya?ml$/, ''), text, selections, condition: tree };
};

export { type Condition, evaluateCondition, type Item, type RuleModel, type RuleValue, readRuleModel, type Selection };
