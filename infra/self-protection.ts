import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileRules } from '../functions/core/sigma/rule-set.js';
import { RuleLoadError } from './rules-asset.js';

/** The folder of the self-protection rules (and the canary rule) under the AWS rules (DESIGN §9.3). */
const selfProtectionFolder = 'tamperwatch';

/** Every resource the stack names for the rules to watch starts with this (DESIGN §7). */
const resourcePrefix = (stage: string): string => `tamperwatch-${stage}-`;

/** The top-level `detection:` block of a rule, as line numbers `[start, end)`. */
const detectionLines = (lines: readonly string[]): [number, number] | undefined => {
  const start = lines.findIndex((line) => /^detection:\s*$/.test(line));
  if (start < 0) return undefined;
  const after = lines.findIndex((line, index) => index > start && /^[^\s#]/.test(line));
  return [start, after < 0 ? lines.length : after];
};

/**
 * A self-protection rule bound to one deployment: every `tamperwatch-` in its detection values becomes
 * `tamperwatch-<stage>-`, so it matches this stage's resources (and not another stage's in the same account). Only the
 * `detection` block changes, line for line, so locations in error messages stay true.
 *
 * @example
 * bindToStage(text, 'prod') // requestParameters.name|startswith: tamperwatch-prod-
 */
const bindToStage = (text: string, stage: string): string => {
  const lines = text.split('\n');
  const block = detectionLines(lines);
  if (block === undefined) return text;
  const [start, end] = block;
  return lines
    .map((line, index) =>
      index > start && index < end ? line.replaceAll('tamperwatch-', resourcePrefix(stage)) : line,
    )
    .join('\n');
};

/**
 * Writes the stage-bound copies of `<rulesDir>/tamperwatch/*.yml` to `<outdir>/tamperwatch-<stage>-rules/tamperwatch/`;
 * the asset step (`writeHandlerAsset` in constructs/handler-asset.ts) copies that folder over the rules in each function
 * asset and into its rule pack. Returns the folder (undefined when the rules have no self-protection folder). A bound
 * rule that does not compile fails the synth.
 *
 * @example
 * const overlay = writeBoundRules('cdk.out', 'prod', projectRoot, 'rules/aws'); // 'cdk.out/tamperwatch-prod-rules'
 */
const writeBoundRules = (outdir: string, stage: string, projectRoot: string, rulesDir: string): string | undefined => {
  const source = join(projectRoot, rulesDir, selfProtectionFolder);
  if (!existsSync(source)) return undefined;
  const overlay = join(outdir, `tamperwatch-${stage}-rules`);
  const target = join(overlay, selfProtectionFolder);
  mkdirSync(target, { recursive: true });
  const bound = readdirSync(source)
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort()
    .map((name) => ({
      file: join(rulesDir, selfProtectionFolder, name),
      text: bindToStage(readFileSync(join(source, name), 'utf8'), stage),
    }));
  const { errors } = compileRules(bound, { strict: true });
  if (errors.length > 0) throw new RuleLoadError(errors.map((error) => error.message));
  for (const rule of bound) writeFileSync(join(target, rule.file.split('/').pop() ?? ''), rule.text);
  return overlay;
};

export { bindToStage, resourcePrefix, selfProtectionFolder, writeBoundRules };
