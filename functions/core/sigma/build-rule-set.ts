import type { AuditEvent, Provider } from '../audit-event.js';
import { type Blueprint, type CompiledRule, compileRule, type ParseRule, type RuleSource } from './compile.js';
import { RuleError } from './errors.js';
import { RuleIndex } from './rule-index.js';
import type { RuleMeta } from './rule-metadata.js';

/**
 * Per provider, plain data for prefilters and pollers: `names` are the lower-cased operation names rules can match;
 * `any` is true when some rule has no operation constraint; `services` are the lower-cased services of those rules
 * (event sources, when an operation list cannot describe them), and empty when one of them has no service
 * constraint either (`unconstrained`: only "everything" covers it).
 */
type OperationSet = {
  readonly names: readonly string[];
  readonly services: readonly string[];
  readonly any: boolean;
  readonly unconstrained: boolean;
};

type RuleSet = {
  readonly rules: readonly CompiledRule[];
  /** The rules that can match this event, in rule order (through the index, or every rule of the provider). */
  candidates(event: Pick<AuditEvent, 'provider' | 'service' | 'operation'>): readonly CompiledRule[];
  operations(provider: Provider): OperationSet;
};

type LoadResult = {
  readonly ruleSet: RuleSet;
  readonly errors: RuleError[];
  readonly skipped: { file: string; reason: string }[];
};

type CompileRulesOptions = {
  /** tamperwatch's own rules: UUID v4, `name` = file stem, every DESIGN §6 key. A function decides per file. */
  readonly strict?: boolean | ((file: string) => boolean);
  /** false: no index, `candidates` returns every rule of the provider (brute force, for differential tests). */
  readonly index?: boolean;
};

const bruteForce = (rules: readonly CompiledRule[], index: RuleIndex): RuleSet => ({
  rules,
  candidates: (event) => rules.filter((rule) => rule.provider === event.provider),
  operations: (provider) => index.operations(provider),
});

/**
 * Compile every rule; never throws for a bad rule. Errors of all rules come back together; `status: deprecated` or
 * `unsupported` rules are skipped and counted; ids and names must be unique across the set. Sources without a parsed
 * tree need `parse` (rule-set.ts's `compileRules` passes the YAML parser); this module never loads it, so a Lambda that
 * reads a rule pack (load-rule-pack.ts) compiles without it.
 *
 * @example
 * const { ruleSet, errors } = buildRuleSet(unpackRules(packText), {});
 */
const buildRuleSet = (
  sources: readonly RuleSource[],
  options: CompileRulesOptions & { readonly parse?: ParseRule } = {},
): LoadResult => {
  const errors: RuleError[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const blueprints: Blueprint[] = [];
  const ids = new Map<string, string>();
  const names = new Map<string, string>();
  const strictFor = (file: string): boolean =>
    typeof options.strict === 'function' ? options.strict(file) : options.strict === true;
  for (const source of sources) {
    const outcome = compileRule(source, {
      strict: strictFor(source.file),
      ...(options.parse === undefined ? {} : { parse: options.parse }),
    });
    if (outcome.kind === 'skipped') skipped.push({ file: source.file, reason: outcome.reason });
    else if (outcome.kind === 'error') errors.push(...outcome.errors);
    else {
      const { meta } = outcome.blueprint.rule;
      const clash = (what: string, other: string) =>
        new RuleError(`duplicate ${what} (also in ${other})`, {
          file: source.file,
          line: 1,
          col: 1,
          path: [what],
          ruleId: meta.id,
        });
      const otherId = ids.get(meta.id.toLowerCase());
      const otherName = meta.name === undefined ? undefined : names.get(meta.name);
      if (otherId !== undefined) errors.push(clash('id', otherId));
      else if (otherName !== undefined) errors.push(clash('name', otherName));
      else {
        ids.set(meta.id.toLowerCase(), source.file);
        if (meta.name !== undefined) names.set(meta.name, source.file);
        blueprints.push(outcome.blueprint);
      }
    }
  }
  const index = new RuleIndex(blueprints);
  const rules = blueprints.map((blueprint) => blueprint.rule);
  const ruleSet: RuleSet =
    options.index === false
      ? bruteForce(rules, index)
      : { rules, candidates: (event) => index.candidates(event), operations: (provider) => index.operations(provider) };
  return { ruleSet, errors, skipped };
};

export {
  buildRuleSet,
  type CompiledRule,
  type CompileRulesOptions,
  type LoadResult,
  type OperationSet,
  type RuleMeta,
  type RuleSet,
  type RuleSource,
};
