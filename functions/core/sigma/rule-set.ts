import {
  buildRuleSet,
  type CompiledRule,
  type CompileRulesOptions,
  type LoadResult,
  type OperationSet,
  type RuleMeta,
  type RuleSet,
  type RuleSource,
} from './build-rule-set.js';
import { parseRuleYaml } from './parse-yaml.js';

/**
 * Compile rule files from their YAML text (or the tree a rule pack carries); never throws for a bad rule. Errors of
 * all rules come back together; `status: deprecated` or `unsupported` rules are skipped and counted; ids and names
 * must be unique across the set (build-rule-set.ts).
 *
 * @example
 * const { ruleSet, errors } = compileRules([{ file: 'rules/aws/x.yml', text }]);
 * if (errors.length > 0) throw new RuleSetError(errors);
 * for (const rule of ruleSet.candidates(event)) rule.test(event.fields);
 */
const compileRules = (sources: readonly RuleSource[], options: CompileRulesOptions = {}): LoadResult =>
  buildRuleSet(sources, { ...options, parse: parseRuleYaml });

export {
  type CompiledRule,
  type CompileRulesOptions,
  compileRules,
  type LoadResult,
  type OperationSet,
  type RuleMeta,
  type RuleSet,
  type RuleSource,
};
