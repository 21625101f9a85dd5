import { type Cidr, cidrContains, parseCidr } from './cidr.js';
import {
  type CompiledItem,
  fail,
  fieldTest,
  foldedLeaves,
  type ItemSource,
  type Locate,
  type Test,
  textValues,
} from './match-support.js';
import type { Variant } from './modifiers/encoding.js';
import { type ItemPlan, planModifiers } from './modifiers.js';
import { translateRegex } from './regex.js';
import {
  hasWildcards,
  literalString,
  parseSigmaString,
  plainText,
  type SigmaString,
  withLeadingAny,
  withTrailingAny,
} from './sigma-string.js';
import { anyOf, costOf, type TextTest } from './text-match.js';
import type { FieldSource } from './types.js';
import { compileCompare, compileExists, compileFieldrefs } from './value-matchers.js';

const stringGroups = (source: ItemSource, plan: ItemPlan, locate: Locate): SigmaString[][] =>
  source.values.map((node) => {
    if (node.value === null) return [];
    if (typeof node.value === 'boolean' && plan.steps.length > 0) {
      fail(`a boolean takes no string modifiers (quote it: '${node.value}')`, node, source, locate);
    }
    let variants: Variant[] = [
      typeof node.value === 'string' ? parseSigmaString(node.value) : literalString(node.source),
    ];
    if (typeof node.value === 'boolean') variants = [literalString(String(node.value))];
    for (const step of plan.steps) {
      try {
        variants = variants.flatMap(step.apply);
      } catch (error) {
        fail((error as Error).message, node, source, locate);
      }
    }
    return variants.map((variant) => {
      if (variant instanceof Uint8Array) return fail('an encoding needs base64 after it', node, source, locate);
      return source.field === undefined ? withTrailingAny(withLeadingAny(variant)) : variant;
    });
  });

const compileStrings = (source: ItemSource, plan: ItemPlan, locate: Locate): CompiledItem => {
  const groups = stringGroups(source, plan, locate);
  const nullable = source.values.some((node) => node.value === null);
  if (nullable && plan.names.length > 0) fail('null takes no modifiers', source.key, source, locate);
  const fold = !plan.cased;
  const tests = plan.all ? groups.map((group) => anyOf(group, fold)) : [anyOf(groups.flat(), fold)];
  const cost = costOf(groups.flat());
  const { field } = source;
  if (field === undefined) {
    const leavesOf = plan.cased ? (view: FieldSource) => view.leaves() : foldedLeaves;
    const [any = () => false] = tests;
    const test: Test = plan.all
      ? (view) => tests.every((one) => leavesOf(view).some(one))
      : (view) => leavesOf(view).some(any);
    return { test, cost: cost + 20 };
  }
  const plainable =
    plan.names.every((name) => name === 'cased') && !nullable && groups.flat().every((v) => !hasWildcards(v));
  const plain = plainable ? groups.flat().map((value) => plainText(value).toLowerCase()) : undefined;
  return {
    test: fieldTest(field, plan, tests, plan.cased, nullable),
    cost,
    field,
    ...(plain === undefined ? {} : { plain }),
  };
};

const compileRegexes = (field: string, source: ItemSource, plan: ItemPlan, locate: Locate): CompiledItem => {
  const groups = textValues(source, locate, "'re'").map(({ node, text }): TextTest => {
    const result = translateRegex(text, plan.regexFlags);
    if (!result.ok) return fail(`regex '${text}': ${result.reason}`, node, source, locate);
    const { regex } = result;
    return (value) => regex.test(value);
  });
  const tests = plan.all ? groups : [(value: string) => groups.some((test) => test(value))];
  return { test: fieldTest(field, plan, tests, true, false), cost: 10 * groups.length, field };
};

const compileCidrs = (field: string, source: ItemSource, plan: ItemPlan, locate: Locate): CompiledItem => {
  const cidrs = textValues(source, locate, "'cidr'").map(({ node, text }): Cidr => {
    const cidr = parseCidr(text);
    return typeof cidr === 'string' ? fail(cidr, node, source, locate) : cidr;
  });
  const groups = cidrs.map(
    (cidr): TextTest =>
      (value) =>
        cidrContains(cidr, value),
  );
  const tests = plan.all ? groups : [(value: string) => cidrs.some((cidr) => cidrContains(cidr, value))];
  return { test: fieldTest(field, plan, tests, true, false), cost: 5 * cidrs.length, field };
};

/** Compile one detection item; throws a {@link RuleError} naming the item and the reason. */
const compileItem = (source: ItemSource, locate: Locate): CompiledItem => {
  let plan: ItemPlan;
  try {
    plan = planModifiers(source.modifiers, source.field === undefined);
  } catch (error) {
    return fail((error as Error).message, source.key, source, locate);
  }
  const { field } = source;
  if (field === undefined || plan.kind === 'string') return compileStrings(source, plan, locate);
  if (source.values.some((node) => node.value === null)) fail('null takes no modifiers', source.key, source, locate);
  switch (plan.kind) {
    case 'regex':
      return compileRegexes(field, source, plan, locate);
    case 'cidr':
      return compileCidrs(field, source, plan, locate);
    case 'fieldref':
      return compileFieldrefs(field, source, plan, locate);
    case 'compare':
      return compileCompare(field, source, plan, locate);
    case 'exists':
      return compileExists(field, source, locate);
  }
};

export { type CompiledItem, compileItem, type ItemSource, type Locate, type Test };
