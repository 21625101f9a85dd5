import { isAbsolute, relative, resolve, sep } from 'node:path';
import { compileRules, type LoadResult, type RuleSource } from '../core/sigma/rule-set.js';
import { readRuleSources } from '../load-rules.js';

/** A path for messages: relative to the working directory when inside it, else absolute. */
const displayPath = (abs: string, cwd: string): string => {
  const rel = relative(cwd, abs);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
};

/**
 * Rule files under `paths` (resolved against `cwd`), named relative to `cwd` so refusals read
 * `rules/aws/cloudtrail/x.yml:14:7 …` wherever the CLI runs in-process.
 */
const readRuleFiles = (paths: readonly string[], cwd: string): RuleSource[] =>
  readRuleSources(paths.map((path) => resolve(cwd, path))).map((source) => ({
    ...source,
    file: displayPath(resolve(cwd, source.file), cwd),
  }));

/**
 * Compile rule sources; the project's own rules (under `ownRules`, the bundled `rules/`) get the strict DESIGN §6 checks
 * (UUID v4 id, `name` = file stem, every required key), rules from elsewhere (`--rules ~/sigma/rules/cloud`) do not.
 */
const compileRuleFiles = (sources: readonly RuleSource[], cwd: string, ownRules: string): LoadResult => {
  const own = resolve(ownRules);
  return compileRules(sources, { strict: (file) => resolve(cwd, file).startsWith(own + sep) });
};

/** Read and compile every rule under `paths`; never throws for a bad rule, only for an unreadable path. */
const loadRuleFiles = (paths: readonly string[], cwd: string, ownRules: string): LoadResult =>
  compileRuleFiles(readRuleFiles(paths, cwd), cwd, ownRules);

export { compileRuleFiles, displayPath, loadRuleFiles, readRuleFiles };
