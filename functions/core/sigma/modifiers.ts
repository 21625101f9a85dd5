import { encodeBase64, encodeBase64Offset, encodeUtf16, isBytes, type Variant, windash } from './modifiers/encoding.js';
import type { RegexFlag } from './regex.js';
import { withLeadingAny, withTrailingAny } from './sigma-string.js';

type Position = 'exact' | 'contains' | 'startswith' | 'endswith';
type ValueKind = 'string' | 'regex' | 'cidr' | 'exists' | 'fieldref' | 'compare';
type CompareOp = 'lt' | 'lte' | 'gt' | 'gte';
type ValueStep = { readonly name: string; readonly apply: (variant: Variant) => Variant[] };

/** What a detection item's modifier chain means, read left to right. */
type ItemPlan = {
  kind: ValueKind;
  position: Position;
  cased: boolean;
  all: boolean;
  neq: boolean;
  compare?: CompareOp;
  readonly regexFlags: RegexFlag[];
  readonly steps: ValueStep[];
  readonly names: string[];
};

type ModifierContext = { readonly keyword: boolean; readonly first: boolean };
/** One modifier: checks where it may stand and records its meaning in the plan; throws `Error(reason)`. */
type ModifierSpec = (plan: ItemPlan, context: ModifierContext) => void;

const expect = (condition: boolean, reason: string): void => {
  if (!condition) throw new Error(reason);
};

const first =
  (kind: ValueKind, needsField = true): ModifierSpec =>
  (plan, context) => {
    expect(context.first, `'${plan.names[plan.names.length - 1]}' must be the first modifier`);
    expect(!needsField || !context.keyword, `'${plan.names[plan.names.length - 1]}' needs a field`);
    plan.kind = kind;
  };

const position =
  (name: Exclude<Position, 'exact'>): ModifierSpec =>
  (plan) => {
    expect(
      plan.kind === 'string' || plan.kind === 'fieldref',
      `'${name}' cannot follow '${plan.kind === 'regex' ? 're' : plan.kind}'`,
    );
    expect(plan.position === 'exact', `only one of contains, startswith, endswith`);
    plan.position = name;
    if (plan.kind === 'fieldref') return;
    const wrap = (variant: Variant): Variant[] => {
      expect(!isBytes(variant), `'${name}' cannot follow an encoding without base64`);
      if (isBytes(variant)) return [variant];
      if (name === 'contains') return [withTrailingAny(withLeadingAny(variant))];
      return [name === 'startswith' ? withTrailingAny(variant) : withLeadingAny(variant)];
    };
    plan.steps.push({ name, apply: wrap });
  };

const stringStep =
  (name: string, apply: (variant: Variant) => Variant[]): ModifierSpec =>
  (plan) => {
    expect(plan.kind === 'string', `'${name}' applies to plain string values only`);
    expect(
      plan.position === 'exact' || name === 'windash',
      `'${name}' must come before contains, startswith, endswith`,
    );
    plan.steps.push({ name, apply });
  };

const regexFlag =
  (flag: RegexFlag): ModifierSpec =>
  (plan) => {
    expect(plan.kind === 'regex', `regex flag '${flag}' needs 're' before it`);
    plan.regexFlags.push(flag);
  };

const compare =
  (op: CompareOp): ModifierSpec =>
  (plan, context) => {
    first('compare')(plan, context);
    plan.compare = op;
  };

const unsupported =
  (reason: string): ModifierSpec =>
  () => {
    throw new Error(reason);
  };

const timePart = unsupported('time-part modifiers (minute, hour, day, week, month, year) are not supported');

/** THE allowlist. A `Map`, so `constructor` or `__proto__` can never look supported. */
const modifiers = new Map<string, ModifierSpec>([
  ['contains', position('contains')],
  ['startswith', position('startswith')],
  ['endswith', position('endswith')],
  [
    'all',
    (plan) => {
      expect(plan.kind !== 'exists', "'all' cannot follow 'exists'");
      plan.all = true;
    },
  ],
  [
    'neq',
    (plan, context) => {
      expect(!context.keyword, "'neq' needs a field");
      expect(plan.kind !== 'exists', "'neq' cannot follow 'exists'");
      plan.neq = true;
    },
  ],
  [
    'cased',
    (plan) => {
      expect(
        plan.kind === 'string' || plan.kind === 'fieldref',
        "'cased' applies to strings and field references only",
      );
      plan.cased = true;
    },
  ],
  ['re', first('regex')],
  ['i', regexFlag('i')],
  ['ignorecase', regexFlag('i')],
  ['m', regexFlag('m')],
  ['multiline', regexFlag('m')],
  ['s', regexFlag('s')],
  ['dotall', regexFlag('s')],
  ['cidr', first('cidr')],
  ['exists', first('exists')],
  ['fieldref', first('fieldref')],
  ['lt', compare('lt')],
  ['lte', compare('lte')],
  ['gt', compare('gt')],
  ['gte', compare('gte')],
  [
    'windash',
    stringStep('windash', (variant) => {
      expect(!isBytes(variant), "'windash' must come before the encodings");
      return isBytes(variant) ? [variant] : windash(variant);
    }),
  ],
  ['wide', stringStep('wide', (variant) => [encodeUtf16(variant, 'wide')])],
  ['utf16le', stringStep('utf16le', (variant) => [encodeUtf16(variant, 'utf16le')])],
  ['utf16be', stringStep('utf16be', (variant) => [encodeUtf16(variant, 'utf16be')])],
  ['utf16', stringStep('utf16', (variant) => [encodeUtf16(variant, 'utf16')])],
  ['base64', stringStep('base64', (variant) => [encodeBase64(variant)])],
  ['base64offset', stringStep('base64offset', (variant) => encodeBase64Offset(variant))],
  ['expand', unsupported("placeholders ('expand', %name%) need a processing pipeline and are not supported")],
  ['minute', timePart],
  ['hour', timePart],
  ['day', timePart],
  ['week', timePart],
  ['month', timePart],
  ['year', timePart],
]);

const encodings = new Set(['wide', 'utf16le', 'utf16be', 'utf16']);

/** Read a modifier chain (`contains|all`) into a plan; throws `Error(reason)` naming the offending modifier. */
const planModifiers = (names: readonly string[], keyword: boolean): ItemPlan => {
  const plan: ItemPlan = {
    kind: 'string',
    position: 'exact',
    cased: false,
    all: false,
    neq: false,
    regexFlags: [],
    steps: [],
    names: [],
  };
  names.forEach((name, index) => {
    const spec = modifiers.get(name);
    if (spec === undefined) throw new Error(name === '' ? 'empty modifier' : `unknown modifier '${name}'`);
    if (plan.names.includes(name) && name !== 'base64') throw new Error(`modifier '${name}' repeated`);
    plan.names.push(name);
    spec(plan, { keyword, first: index === 0 });
  });
  const at = (name: string): number => plan.names.lastIndexOf(name);
  const encoding = plan.names.find((name) => encodings.has(name));
  if (encoding !== undefined) {
    expect(
      Math.max(at('base64'), at('base64offset')) > at(encoding),
      `'${encoding}' must be followed by base64 or base64offset`,
    );
  }
  if (at('base64offset') !== -1)
    expect(at('contains') > at('base64offset'), "'base64offset' must be followed by 'contains'");
  if (plan.kind === 'exists') expect(plan.names.length === 1, "'exists' takes no other modifier");
  if (plan.kind === 'compare') expect(plan.names.length === 1, `'${plan.compare}' takes no other modifier`);
  expect(!(plan.neq && plan.all), "'neq' and 'all' cannot be combined");
  expect(!(keyword && plan.kind !== 'string'), 'keywords take only string modifiers');
  return plan;
};

export { type CompareOp, type ItemPlan, modifiers, type Position, planModifiers, type ValueKind, type ValueStep };
