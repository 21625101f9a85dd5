import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type CompileRulesOptions, compileRules, type LoadResult, type RuleSource } from './core/sigma/rule-set.js';

const isRuleFile = (name: string): boolean => /\.ya?ml$/i.test(name);

const collect = (path: string, out: string[]): void => {
  if (!statSync(path).isDirectory()) {
    out.push(path);
    return;
  }
  for (const entry of readdirSync(path).sort()) {
    const child = join(path, entry);
    if (statSync(child).isDirectory()) collect(child, out);
    else if (isRuleFile(entry)) out.push(child);
  }
};

/**
 * Read rule files: each path is a file (taken as is) or a directory (recursive, `*.yml` / `*.yaml`, sorted; cases
 * files and anything else are ignored). The only place that reads rules from disk. Throws when a path is unreadable.
 *
 * @example
 * const sources = readRuleSources(['rules']); // [{ file: 'rules/aws/cloudtrail/x.yml', text: '…' }, …]
 */
const readRuleSources = (paths: readonly string[]): RuleSource[] => {
  const files: string[] = [];
  for (const path of paths) collect(path, files);
  return [...new Set(files)].map((file) => ({ file, text: readFileSync(file, 'utf8') }));
};

/**
 * Read and compile every rule under `paths`. Bad rules come back as errors (never thrown); callers that must not start
 * with them throw `new RuleSetError(errors)`.
 *
 * @example
 * const { ruleSet, errors } = loadRules(['rules'], { strict: true });
 */
const loadRules = (paths: readonly string[], options?: CompileRulesOptions): LoadResult =>
  compileRules(readRuleSources(paths), options);

export { loadRules, readRuleSources };
