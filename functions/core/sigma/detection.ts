import { ConditionError, type ConditionNode, parseCondition } from './condition.js';
import { RuleError } from './errors.js';
import { type CompiledItem, compileItem, type Locate, type Test } from './matchers.js';
import type { YamlMap, YamlNode, YamlScalar } from './yaml-tree.js';

/** A selection's structure, kept for the index's static pass: items AND-ed, list elements OR-ed. */
type SelectionShape =
  | { readonly kind: 'item'; readonly item: CompiledItem }
  | { readonly kind: 'and' | 'or'; readonly parts: readonly SelectionShape[] };

type Selection = { readonly name: string; readonly test: Test; readonly shape: SelectionShape };

type Detection = { readonly selections: ReadonlyMap<string, Selection>; readonly conditions: readonly ConditionNode[] };

const identifierPattern = /^[A-Za-z0-9_-]+$/;
const reserved = new Set(['and', 'or', 'not', 'of', 'them', 'any', 'all', 'near', 'condition']);

const allOf = (tests: readonly Test[]): Test => {
  if (tests.length === 1) return tests[0] as Test;
  return (view) => {
    for (const test of tests) if (!test(view)) return false;
    return true;
  };
};

const anyOf = (tests: readonly Test[]): Test => {
  if (tests.length === 1) return tests[0] as Test;
  return (view) => {
    for (const test of tests) if (test(view)) return true;
    return false;
  };
};

const scalarsOf = (node: YamlNode, path: readonly (string | number)[], locate: Locate): YamlScalar[] => {
  if (node.kind === 'scalar') return [node];
  if (node.kind === 'map') throw new RuleError('map values are not supported', locate(node, path));
  if (node.items.length === 0)
    return [{ kind: 'scalar', value: null, source: '[]', quoted: false, line: node.line, col: node.col }];
  return node.items.map((item, index) => {
    if (item.kind !== 'scalar')
      throw new RuleError('a value list may hold only scalars', locate(item, [...path, index]));
    return item;
  });
};

type Shaped = { readonly test: Test; readonly shape: SelectionShape };

const compileMap = (map: YamlMap, path: readonly (string | number)[], locate: Locate): Shaped => {
  if (map.entries.length === 0) throw new RuleError('empty selection', locate(map, path));
  const items = map.entries.map((entry) => {
    const [field = '', ...modifiers] = entry.key.split('|');
    const itemPath = [...path, entry.key];
    return compileItem(
      {
        field: field === '' ? undefined : field,
        modifiers,
        values: scalarsOf(entry.value, itemPath, locate),
        key: entry,
        path: itemPath,
      },
      locate,
    );
  });
  const ordered = [...items].sort((a, b) => a.cost - b.cost);
  const parts = items.map((item): SelectionShape => ({ kind: 'item', item }));
  return {
    test: allOf(ordered.map((item) => item.test)),
    shape: parts.length === 1 ? (parts[0] as SelectionShape) : { kind: 'and', parts },
  };
};

const keywordItem = (values: YamlScalar[], path: readonly (string | number)[], locate: Locate): Shaped => {
  const [first] = values;
  const nullValue = values.find((value) => value.value === null);
  if (first === undefined || nullValue !== undefined) {
    throw new RuleError('keywords must be strings or numbers', locate(nullValue ?? first ?? { line: 1, col: 1 }, path));
  }
  const item = compileItem({ field: undefined, modifiers: [], values, key: first, path }, locate);
  return { test: item.test, shape: { kind: 'item', item } };
};

const compileSelection = (node: YamlNode, path: readonly (string | number)[], locate: Locate): Shaped => {
  if (node.kind === 'map') return compileMap(node, path, locate);
  if (node.kind === 'scalar') return keywordItem([node], path, locate);
  if (node.items.length === 0) throw new RuleError('empty selection', locate(node, path));
  const scalars = node.items.filter((item): item is YamlScalar => item.kind === 'scalar');
  const branches = node.items.flatMap((item, index): Shaped[] => {
    if (item.kind === 'map') return [compileMap(item, [...path, index], locate)];
    if (item.kind === 'seq') throw new RuleError('nested lists are not supported', locate(item, [...path, index]));
    return [];
  });
  if (scalars.length > 0) branches.push(keywordItem(scalars, path, locate));
  return {
    test: anyOf(branches.map((branch) => branch.test)),
    shape:
      branches.length === 1
        ? (branches[0] as Shaped).shape
        : { kind: 'or', parts: branches.map((branch) => branch.shape) },
  };
};

const conditionLocation = (
  node: YamlScalar,
  error: ConditionError,
  path: readonly (string | number)[],
  locate: Locate,
) => {
  const before = String(node.value).slice(0, error.offset).split('\n');
  const last = before[before.length - 1] ?? '';
  const sameLine = before.length === 1;
  return locate(
    {
      line: node.line + before.length - 1,
      col: sameLine ? node.col + error.offset + (node.quoted ? 1 : 0) : last.length + 1,
    },
    path,
  );
};

const readConditions = (
  node: YamlNode,
  identifiers: readonly string[],
  locate: Locate,
  errors: RuleError[],
): ConditionNode[] => {
  const scalars = node.kind === 'seq' ? node.items : [node];
  return scalars.flatMap((item, index) => {
    const path = node.kind === 'seq' ? ['detection', 'condition', index] : ['detection', 'condition'];
    if (item.kind !== 'scalar' || typeof item.value !== 'string') {
      errors.push(new RuleError('a condition must be a string or a list of strings', locate(item, path)));
      return [];
    }
    try {
      return [parseCondition(item.value, identifiers)];
    } catch (error) {
      if (!(error instanceof ConditionError)) throw error;
      errors.push(new RuleError(error.reason, conditionLocation(item, error, path, locate)));
      return [];
    }
  });
};

/** Compile a `detection` map: every selection and condition, collecting all errors. */
const compileDetection = (node: YamlNode, locate: Locate): { detection?: Detection; errors: RuleError[] } => {
  if (node.kind !== 'map') return { errors: [new RuleError('detection must be a map', locate(node, ['detection']))] };
  const errors: RuleError[] = [];
  const selections = new Map<string, Selection>();
  let conditionNode: YamlNode | undefined;
  for (const entry of node.entries) {
    const path = ['detection', entry.key];
    if (entry.key === 'condition') conditionNode = entry.value;
    else if (entry.key === 'timeframe')
      errors.push(new RuleError("'timeframe' is not supported (use correlation rules)", locate(entry, path)));
    else if (!identifierPattern.test(entry.key) || reserved.has(entry.key)) {
      errors.push(
        new RuleError(
          `'${entry.key}' is not a valid search identifier (letters, digits, _ and -; not a keyword)`,
          locate(entry, path),
        ),
      );
    } else {
      try {
        selections.set(entry.key, { name: entry.key, ...compileSelection(entry.value, path, locate) });
      } catch (error) {
        if (!(error instanceof RuleError)) throw error;
        errors.push(error);
      }
    }
  }
  if (conditionNode === undefined) {
    errors.push(new RuleError("missing 'condition'", locate(node, ['detection'])));
    return { errors };
  }
  const identifiers = node.entries
    .map((entry) => entry.key)
    .filter((key) => key !== 'condition' && key !== 'timeframe');
  const conditions = readConditions(conditionNode, identifiers, locate, errors);
  if (errors.length > 0) return { errors };
  return { detection: { selections, conditions }, errors };
};

export { compileDetection, type Detection, type Selection, type SelectionShape };
