import {
  type CompiledItem,
  fail,
  type ItemSource,
  type Locate,
  type Test,
  textsOf,
  textValues,
} from './match-support.js';
import type { ItemPlan } from './modifiers.js';
import { hasWildcards, parseSigmaString } from './sigma-string.js';

/** Matchers that are not string patterns: `fieldref`, `lt`/`lte`/`gt`/`gte`, `exists`. */

const fieldrefTest = (field: string, ref: string, plan: ItemPlan): Test => {
  const compare: (a: string, b: string) => boolean =
    plan.position === 'contains'
      ? (a, b) => a.includes(b)
      : plan.position === 'startswith'
        ? (a, b) => a.startsWith(b)
        : plan.position === 'endswith'
          ? (a, b) => a.endsWith(b)
          : (a, b) => a === b;
  return (view) => {
    const left = textsOf(view, field);
    const right = textsOf(view, ref);
    if (left === undefined || right === undefined) return false;
    const [as, bs] = plan.cased ? [left.raw, right.raw] : [left.folded, right.folded];
    let any = false;
    for (const a of as) {
      if (a === undefined) continue;
      for (const b of bs) {
        if (b === undefined) continue;
        any = true;
        if (compare(a, b)) return !plan.neq;
      }
    }
    return plan.neq && any;
  };
};

const compileFieldrefs = (field: string, source: ItemSource, plan: ItemPlan, locate: Locate): CompiledItem => {
  const tests = textValues(source, locate, "'fieldref'").map(({ node, text }) => {
    if (hasWildcards(parseSigmaString(text)) || text === '')
      fail('fieldref takes a field name (no wildcards)', node, source, locate);
    return fieldrefTest(field, text, plan);
  });
  const test: Test =
    plan.all || plan.neq ? (view) => tests.every((one) => one(view)) : (view) => tests.some((one) => one(view));
  return { test, cost: 5 * tests.length, field };
};

const numberPattern = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** An event value as a number: numbers, and strings that are entirely a decimal number. */
const numberOf = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && numberPattern.test(value)) return Number(value);
  return undefined;
};

const compileCompare = (field: string, source: ItemSource, plan: ItemPlan, locate: Locate): CompiledItem => {
  const limits = source.values.map((node) => {
    if (typeof node.value !== 'number') return fail(`'${plan.compare}' needs a number`, node, source, locate);
    return node.value;
  });
  const holds = (value: number, limit: number): boolean =>
    plan.compare === 'lt'
      ? value < limit
      : plan.compare === 'lte'
        ? value <= limit
        : plan.compare === 'gt'
          ? value > limit
          : value >= limit;
  const satisfied = (values: readonly unknown[], limit: number): boolean =>
    values.some((value) => {
      const number = numberOf(value);
      return number !== undefined && holds(number, limit);
    });
  const test: Test = (view) => {
    const values = view.get(field);
    if (values === undefined) return false;
    return plan.all
      ? limits.every((limit) => satisfied(values, limit))
      : limits.some((limit) => satisfied(values, limit));
  };
  return { test, cost: 2, field };
};

const compileExists = (field: string, source: ItemSource, locate: Locate): CompiledItem => {
  const [node, extra] = source.values;
  if (node === undefined || extra !== undefined || typeof node.value !== 'boolean') {
    return fail("'exists' needs one boolean (true or false)", node ?? source.key, source, locate);
  }
  const wanted = node.value;
  return { test: (view) => (view.get(field) !== undefined) === wanted, cost: 0, field };
};

export { compileCompare, compileExists, compileFieldrefs };
