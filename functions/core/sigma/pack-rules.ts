import type { RuleSource } from './build-rule-set.js';
import { parseRuleYaml } from './parse-yaml.js';
import { type PackedRule, packFormat, type RulePack } from './rule-pack.js';
import type { YamlMap } from './yaml-tree.js';

const parsedOf = (source: RuleSource): YamlMap | undefined => {
  try {
    return parseRuleYaml(source.text, source.file);
  } catch {
    return undefined;
  }
};

/**
 * Rule sources (file names as they should read at load, e.g. relative to the pack) → the pack's JSON text.
 *
 * @example
 * writeFileSync('asset/rules/aws/rules.pack.json', packRules(sources));
 */
const packRules = (sources: readonly RuleSource[]): string => {
  const rules = sources.map((source): PackedRule => {
    const parsed = parsedOf(source);
    return parsed === undefined
      ? { file: source.file, text: source.text }
      : { file: source.file, text: source.text, parsed };
  });
  return JSON.stringify({ format: packFormat, rules } satisfies RulePack);
};

export { packRules };
