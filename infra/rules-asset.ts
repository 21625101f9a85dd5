import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Suppression } from '../functions/core/suppress.js';
import { loadRules } from '../functions/load-rules.js';
import type { OperationIndex } from './event-patterns.js';

class RuleLoadError extends Error {
  constructor(
    readonly messages: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`${messages.length} rule error(s); fix them before synth:\n  ${messages.join('\n  ')}`, options);
    this.name = 'RuleLoadError';
  }
}

/**
 * Loads the AWS rules at synth (a bad rule fails the synth with every error listed) and returns the rule index's
 * operations, from which the ingest patterns are generated: rules and patterns cannot drift apart.
 *
 * @example
 * const { operations } = loadAwsRuleIndex('/work/main', 'rules/aws');
 */
const loadAwsRuleIndex = (projectRoot: string, rulesDir: string): { operations: OperationIndex; ruleCount: number } => {
  const { ruleSet, errors } = loadRules([join(projectRoot, rulesDir)], { strict: true });
  if (errors.length > 0) throw new RuleLoadError(errors.map((error) => error.message));
  const ruleCount = ruleSet.rules.filter((rule) => rule.provider === 'aws').length;
  if (ruleCount === 0) throw new RuleLoadError([`${rulesDir}: no AWS rule found`]);
  return { operations: ruleSet.operations('aws'), ruleCount };
};

/** Writes the suppressions the function reads at cold start; the asset step (handler-asset.ts) copies the file in. */
const writeSuppressionsFile = (outdir: string, stage: string, suppressions: readonly Suppression[]): string => {
  const file = join(outdir, `tamperwatch-${stage}-suppressions.json`);
  writeFileSync(file, `${JSON.stringify(suppressions, null, 2)}\n`);
  return file;
};

export { loadAwsRuleIndex, RuleLoadError, writeSuppressionsFile };
