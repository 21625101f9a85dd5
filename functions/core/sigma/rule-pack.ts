import { parseRuleYaml, type YamlMap } from './parse-yaml.js';
import type { RuleSource } from './rule-set.js';

/**
 * A rule pack: rule files with their YAML parsed ahead of time (at synth, into the Lambda asset), so a cold start reads
 * one JSON document instead of parsing YAML. The `yaml` library was two thirds of compiling the AWS rules in a fresh
 * process (test/bench cold-start profile). Files keep their text (the rule version hashes it; errors quote it); a file
 * whose YAML does not parse is packed without a tree and fails at load exactly as it would from disk.
 */
type PackedRule = { readonly file: string; readonly text: string; readonly parsed?: YamlMap };
type RulePack = { readonly format: typeof packFormat; readonly rules: readonly PackedRule[] };

const packFormat = 'tamperwatch.rule-pack/v1';

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

const isPackedRule = (value: unknown): value is PackedRule =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as PackedRule).file === 'string' &&
  typeof (value as PackedRule).text === 'string';

/** A pack's JSON text → rule sources, in pack order; throws when the text is no rule pack of this format. */
const unpackRules = (text: string): RuleSource[] => {
  const pack = JSON.parse(text) as Partial<RulePack> | null;
  if (pack?.format !== packFormat || !Array.isArray(pack.rules) || !pack.rules.every(isPackedRule)) {
    throw new Error(`not a rule pack of format ${packFormat}`);
  }
  return [...pack.rules];
};

export { packFormat, packRules, unpackRules };
