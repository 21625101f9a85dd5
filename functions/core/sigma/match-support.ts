import { RuleError } from './errors.js';
import { textOf } from './event-text.js';
import type { ItemPlan } from './modifiers.js';
import type { TextTest } from './text-match.js';
import type { FieldSource, FieldTexts, RuleLocation } from './types.js';
import type { YamlScalar } from './yaml-tree.js';

/** What every matcher shares: the compiled shapes, text access with its fallback, and the OR / all / neq loop. */

type Test = (view: FieldSource) => boolean;

/** A compiled detection item. `plain`: its lower-cased values when it is a plain positive equality list (the index). */
type CompiledItem = {
  readonly test: Test;
  readonly cost: number;
  readonly field?: string;
  readonly plain?: readonly string[];
};

/** A detection item as written: `field|mod|mod: value(s)`; `field` undefined for keywords. */
type ItemSource = {
  readonly field: string | undefined;
  readonly modifiers: readonly string[];
  readonly values: readonly YamlScalar[];
  readonly key: { readonly line: number; readonly col: number };
  readonly path: readonly (string | number)[];
};

type Locate = (node: { line: number; col: number }, path: readonly (string | number)[]) => RuleLocation;

const fallbackTexts = (values: readonly unknown[] | undefined): FieldTexts | undefined => {
  if (values === undefined) return undefined;
  const raw = values.map(textOf);
  return { values, raw, folded: raw.map((text) => text?.toLowerCase()) };
};

const textsOf = (view: FieldSource, path: string): FieldTexts | undefined =>
  view.texts === undefined ? fallbackTexts(view.get(path)) : view.texts(path);

const foldedLeaves = (view: FieldSource): readonly string[] =>
  view.foldedLeaves === undefined ? view.leaves().map((leaf) => leaf.toLowerCase()) : view.foldedLeaves();

const some = (texts: readonly (string | undefined)[], test: TextTest): boolean => {
  for (const text of texts) if (text !== undefined && test(text)) return true;
  return false;
};

/** OR / AND (`all`) / `neq` over the texts of one field; absent never matches, `null` only when asked for. */
const fieldTest = (
  field: string,
  plan: ItemPlan,
  groups: readonly TextTest[],
  useRaw: boolean,
  nullable: boolean,
): Test => {
  const pick = (entry: FieldTexts): readonly (string | undefined)[] => (useRaw ? entry.raw : entry.folded);
  if (plan.neq) {
    const [test = () => false] = groups;
    return (view) => {
      const entry = textsOf(view, field);
      if (entry === undefined) return false;
      const texts = pick(entry);
      return texts.some((text) => text !== undefined) && !some(texts, test);
    };
  }
  if (plan.all) {
    return (view) => {
      const entry = textsOf(view, field);
      if (entry === undefined) return false;
      const texts = pick(entry);
      return groups.every((test) => some(texts, test));
    };
  }
  const [test = () => false] = groups;
  return (view) => {
    const entry = textsOf(view, field);
    if (entry === undefined) return nullable;
    if (nullable && entry.values.includes(null)) return true;
    return some(pick(entry), test);
  };
};

const fail = (reason: string, node: { line: number; col: number }, source: ItemSource, locate: Locate): never => {
  throw new RuleError(reason, locate(node, source.path));
};

const textValues = (source: ItemSource, locate: Locate, what: string): { node: YamlScalar; text: string }[] =>
  source.values.map((node) => {
    if (typeof node.value !== 'string') return fail(`${what} needs a string value`, node, source, locate);
    return { node, text: node.value };
  });

export {
  type CompiledItem,
  fail,
  fieldTest,
  foldedLeaves,
  type ItemSource,
  type Locate,
  some,
  type Test,
  textsOf,
  textValues,
};
