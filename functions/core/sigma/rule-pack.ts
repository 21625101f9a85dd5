import type { RuleSource } from './build-rule-set.js';
import type { YamlMap } from './yaml-tree.js';

/**
 * A rule pack: rule files with their YAML parsed ahead of time (at synth, into the Lambda asset), so a cold start reads
 * one JSON document instead of parsing YAML. The `yaml` library was two thirds of compiling the AWS rules in a fresh
 * process (test/bench cold-start profile); this module, the pack's reader, does not load the parser (pack-rules.ts
 * writes packs). Files keep their text (the rule version hashes it; errors quote it); a file
 * whose YAML does not parse is packed without a tree and fails at load exactly as it would from disk.
 */
type PackedRule = { readonly file: string; readonly text: string; readonly parsed?: YamlMap };
type RulePack = { readonly format: typeof packFormat; readonly rules: readonly PackedRule[] };

const packFormat = 'tamperwatch.rule-pack/v1';

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

export { type PackedRule, packFormat, type RulePack, unpackRules };
