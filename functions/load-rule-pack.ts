import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildRuleSet,
  type CompileRulesOptions,
  type LoadResult,
  type RuleSource,
} from './core/sigma/build-rule-set.js';
import { unpackRules } from './core/sigma/rule-pack.js';

/** A directory holding this file is read from it, not from its YAML files (see core/sigma/rule-pack.ts). */
const rulePackFile = 'rules.pack.json';

/** The rules of `<dir>/rules.pack.json`, file names under `dir`; undefined when `dir` holds no pack. */
const readRulePack = (dir: string): RuleSource[] | undefined => {
  const pack = join(dir, rulePackFile);
  if (!existsSync(pack)) return undefined;
  return unpackRules(readFileSync(pack, 'utf8')).map((source) => ({ ...source, file: join(dir, source.file) }));
};

/**
 * Compile a directory's rule pack without loading the YAML parser: a Lambda asset's cold start (the detector imports
 * load-rules.ts, and the parser with it, only when this returns undefined). Undefined when `dir` holds no pack, or
 * when a packed file carries no tree (its YAML did not parse when packed): `loadRules` then reports its YAML errors.
 *
 * @example
 * const { ruleSet, errors } = loadRulePack('/var/task/rules/aws') ?? (await import('./load-rules.js')).loadRules([dir]);
 */
const loadRulePack = (dir: string, options?: CompileRulesOptions): LoadResult | undefined => {
  const sources = readRulePack(dir);
  if (sources === undefined || sources.some((source) => source.parsed === undefined)) return undefined;
  return buildRuleSet(sources, options);
};

export { loadRulePack, readRulePack, rulePackFile };
