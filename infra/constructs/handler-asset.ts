import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ILocalBundling } from 'aws-cdk-lib';
import { buildSync } from 'esbuild';
import { packRules } from '../../functions/core/sigma/pack-rules.js';
import type { RuleSource } from '../../functions/core/sigma/rule-set.js';
import { readRuleSources, rulePackFile } from '../../functions/load-rules.js';

/** What goes into one Lambda asset (paths relative to `projectRoot` unless absolute). */
type HandlerAssetSpec = {
  readonly projectRoot: string;
  /** Handler source, relative to the project root; its `handler` export becomes `index.handler`. */
  readonly entry: string;
  /** Rule YAML copied in without the cases files, read at cold start via `TW_RULES_DIR`. */
  readonly rulesDir: string;
  /** A JSON file copied in as `suppressions.json`. */
  readonly suppressionsFile: string;
  /** A folder whose files replace the same paths under the rules dir (stage-bound self-protection rules). */
  readonly ruleOverlay?: string;
};

/**
 * One file of the asset's code: its path in the asset, size, and whether a cold start loads it (`index.mjs` and the
 * chunks it imports statically; the others load on their first `await import()`).
 */
type AssetFile = {
  readonly path: string;
  readonly bytes: number;
  readonly initial: boolean;
  /** The source files bundled into it (relative to the project root, e.g. `node_modules/yaml/dist/index.js`). */
  readonly sources: readonly string[];
};

// ESM output still meets CommonJS dependencies that call require(); esbuild's documented banner provides one per chunk.
const banner =
  "import { createRequire as twCreateRequire } from 'node:module'; const require = twCreateRequire(import.meta.url);";

/**
 * The asset's rule pack (DESIGN §3.3: compile once): the rules dir's YAML, with the overlay replacing the same paths,
 * pre-parsed so a cold start compiles without the YAML parser (test/bench: about 5× faster rule loading).
 */
const assetRulePack = (spec: HandlerAssetSpec): string => {
  // Texts only, named relative to their folder; packRules parses each file once.
  const sourcesUnder = (dir: string): RuleSource[] =>
    readRuleSources([dir]).map((source) => ({ file: relative(dir, source.file), text: source.text }));
  const byFile = new Map(sourcesUnder(join(spec.projectRoot, spec.rulesDir)).map((rule) => [rule.file, rule]));
  if (spec.ruleOverlay !== undefined) for (const rule of sourcesUnder(spec.ruleOverlay)) byFile.set(rule.file, rule);
  return packRules([...byFile.values()].sort((a, b) => a.file.localeCompare(b.file)));
};

/**
 * Builds the handler with esbuild: ESM, split into chunks, so what a module reaches only through `await import()` (the
 * AWS SDK clients of the detector, the YAML parser when a rule pack is present) is neither parsed nor run until used.
 * Minified, with source maps, node20 syntax (runs on nodejs22.x and nodejs24.x), everything bundled (AWS SDK included:
 * one pinned version, no runtime-provided drift).
 */
const buildHandler = (projectRoot: string, entry: string, outputDir: string): AssetFile[] => {
  const { metafile } = buildSync({
    absWorkingDir: projectRoot,
    entryPoints: { index: entry },
    outdir: outputDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    // Stack traces need file, line and name only; without the sources' text the maps a cold start parses are smaller.
    sourcesContent: false,
    banner: { js: banner },
    metafile: true,
    logLevel: 'error',
  });
  const outputs = new Map(
    Object.entries(metafile.outputs).map(([path, output]) => [relative(outputDir, join(projectRoot, path)), output]),
  );
  const initial = new Set<string>();
  const pending = ['index.mjs'];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (initial.has(path)) continue;
    initial.add(path);
    for (const target of outputs.get(path)?.imports ?? [])
      if (target.kind === 'import-statement' && target.external !== true)
        pending.push(relative(outputDir, join(projectRoot, target.path)));
  }
  return [...outputs]
    .filter(([path]) => path.endsWith('.mjs'))
    .map(([path, output]) => ({
      path,
      bytes: output.bytes,
      initial: initial.has(path),
      sources: Object.keys(output.inputs).sort(),
    }))
    .sort(
      (a, b) =>
        Number(b.path === 'index.mjs') - Number(a.path === 'index.mjs') ||
        Number(b.initial) - Number(a.initial) ||
        a.path.localeCompare(b.path),
    );
};

/**
 * Writes a complete Lambda asset into `outputDir`: the handler's chunks (`index.mjs` first), the rules (no cases
 * files) with the overlay and the rule pack, and `suppressions.json`. The construct's local bundling and the cold-start
 * benchmark both call this, so the benchmark measures the asset that is deployed.
 */
const writeHandlerAsset = (spec: HandlerAssetSpec, outputDir: string, rulePack = assetRulePack(spec)): AssetFile[] => {
  mkdirSync(outputDir, { recursive: true });
  const code = buildHandler(spec.projectRoot, spec.entry, outputDir);
  const rulesOut = join(outputDir, spec.rulesDir);
  cpSync(join(spec.projectRoot, spec.rulesDir), rulesOut, {
    recursive: true,
    filter: (source) => !source.endsWith('.cases.json'),
  });
  if (spec.ruleOverlay !== undefined) cpSync(spec.ruleOverlay, rulesOut, { recursive: true });
  writeFileSync(join(rulesOut, rulePackFile), rulePack);
  cpSync(spec.suppressionsFile, join(outputDir, 'suppressions.json'));
  return code;
};

/**
 * The local bundling of a DetectorFunction asset. Its fields are part of the asset staging cache key (CDK hashes the
 * bundling options' own properties): `inputs` digests what esbuild does not read, so two functions of one entry with
 * other rules or suppressions never share an asset.
 */
class HandlerAssetBundling implements ILocalBundling {
  readonly inputs: string;
  // An ES private field: not an own enumerable property, so the half-megabyte pack stays out of the cache key JSON
  // (its digest is in `inputs`).
  readonly #rulePack: string;

  constructor(readonly spec: HandlerAssetSpec) {
    this.#rulePack = assetRulePack(spec);
    this.inputs = createHash('sha256')
      .update(JSON.stringify([spec.entry, spec.rulesDir]))
      .update(readFileSync(spec.suppressionsFile))
      .update(this.#rulePack)
      .digest('hex');
  }

  tryBundle(outputDir: string): boolean {
    writeHandlerAsset(this.spec, outputDir, this.#rulePack);
    return true;
  }
}

export {
  type AssetFile,
  assetRulePack,
  banner,
  buildHandler,
  HandlerAssetBundling,
  type HandlerAssetSpec,
  writeHandlerAsset,
};
