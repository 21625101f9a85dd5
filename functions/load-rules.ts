import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packRules } from './core/sigma/pack-rules.js';
import { type CompileRulesOptions, compileRules, type LoadResult, type RuleSource } from './core/sigma/rule-set.js';
import { readRulePack, rulePackFile } from './load-rule-pack.js';

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

/** The sources of one path: its rule pack when the path is a directory that holds one, else its YAML files. */
const sourcesOf = (path: string): RuleSource[] => {
  const packed = statSync(path).isDirectory() ? readRulePack(path) : undefined;
  if (packed !== undefined) return packed;
  const files: string[] = [];
  collect(path, files);
  return files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
};

/**
 * Read rule files: each path is a file (taken as is) or a directory (recursive, `*.yml` / `*.yaml`, sorted; cases
 * files and anything else are ignored), or a directory with a `rules.pack.json` (the Lambda asset), read from the pack
 * alone. The only place that reads rules from disk. Throws when a path is unreadable.
 *
 * @example
 * const sources = readRuleSources(['rules']); // [{ file: 'rules/aws/cloudtrail/x.yml', text: '…' }, …]
 */
const readRuleSources = (paths: readonly string[]): RuleSource[] => {
  const seen = new Set<string>();
  const sources: RuleSource[] = [];
  for (const source of paths.flatMap(sourcesOf)) {
    if (seen.has(source.file)) continue;
    seen.add(source.file);
    sources.push(source);
  }
  return sources;
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

/**
 * The rule pack of a directory's YAML files (file names relative to it), for the deployment step that writes
 * `<dir>/rules.pack.json` into an asset: a cold start then compiles without parsing YAML.
 *
 * @example
 * writeFileSync(join(assetRules, 'rules.pack.json'), rulePackOf(assetRules));
 */
const rulePackOf = (dir: string): string =>
  packRules(sourcesOf(dir).map((source) => ({ file: relative(dir, source.file), text: source.text })));

export { loadRules, readRuleSources, rulePackFile, rulePackOf };
