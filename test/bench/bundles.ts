import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

/**
 * Each Lambda handler bundled as infra/constructs/detector-function.ts has NodejsFunction bundle it: esbuild, ESM,
 * target node20, minified, source map, main fields module/main, the createRequire banner, AWS SDK included.
 */
type BundleInfo = {
  readonly handler: string;
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly mapBytes: number;
};

const fallbackBanner =
  "import { createRequire as twCreateRequire } from 'node:module'; const require = twCreateRequire(import.meta.url);";

/** The banner string as the construct defines it (read from its source, so the bench follows the infra). */
const infraBanner = (root: string): string => {
  const path = join(root, 'infra/constructs/detector-function.ts');
  if (!existsSync(path)) return fallbackBanner;
  const match = /const banner =\s*"([^"]+)"/.exec(readFileSync(path, 'utf8'));
  return match?.[1] ?? fallbackBanner;
};

const handlerEntries = (root: string): string[] =>
  readdirSync(join(root, 'functions/handlers'))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .sort()
    .map((name) => join('functions/handlers', name));

/**
 * A what-if, not the shipped bundle: `import { z } from 'zod'` pulls zod's whole namespace (every locale included) into
 * each bundle; `import * as z from 'zod'` (zod 4's documented form) lets esbuild drop what is unused.
 */
const zodNamespaceImports: Plugin = {
  name: 'zod-namespace-imports',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]functions[\\/].*\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace("import { z } from 'zod';", "import * as z from 'zod';"),
      loader: 'ts',
    }));
  },
};

const bundleHandler = async (
  root: string,
  entry: string,
  outDir: string,
  options: { readonly zodNamespace?: boolean } = {},
): Promise<BundleInfo> => {
  const handler = entry.replace(/^.*\//, '').replace(/\.ts$/, '');
  const outfile = join(outDir, handler, 'index.mjs');
  await build({
    plugins: options.zodNamespace === true ? [zodNamespaceImports] : [],
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    banner: { js: infraBanner(root) },
    logLevel: 'error',
  });
  const code = readFileSync(outfile);
  return {
    handler,
    file: outfile,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    mapBytes: statSync(`${outfile}.map`).size,
  };
};

/** Bundles every handler under functions/handlers/ into `outDir/<handler>/index.mjs`. */
const bundleHandlers = async (root: string, outDir: string): Promise<BundleInfo[]> => {
  const infos: BundleInfo[] = [];
  for (const entry of handlerEntries(root)) infos.push(await bundleHandler(root, entry, outDir));
  return infos;
};

/** Sizes of the bundles a previous `cdk synth` left in cdk.out (a cross-check; empty when there is none). */
const cdkAssets = (root: string): { asset: string; bytes: number }[] => {
  const dir = join(root, 'cdk.out');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith('asset.') && existsSync(join(dir, name, 'index.mjs')))
    .map((name) => ({ asset: name.slice(0, 18), bytes: statSync(join(dir, name, 'index.mjs')).size }));
};

export { type BundleInfo, bundleHandler, bundleHandlers, cdkAssets };
