import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildHandler } from '../../infra/constructs/handler-asset.js';

/**
 * Each Lambda handler built by the function infra deploys with (infra/constructs/handler-asset.ts: esbuild, ESM split
 * into chunks, minified, source maps, AWS SDK included). `bytes` is all its code (every chunk); `initialBytes` what a
 * cold start loads (index.mjs and the chunks it imports statically).
 */
type BundleInfo = {
  readonly handler: string;
  /** The built handler's folder (index.mjs, chunks/). */
  readonly dir: string;
  readonly bytes: number;
  readonly initialBytes: number;
  readonly chunks: number;
  /** gzip of the initial code. */
  readonly gzipBytes: number;
  readonly mapBytes: number;
};

const handlerEntries = (root: string): string[] =>
  readdirSync(join(root, 'functions/handlers'))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .sort()
    .map((name) => join('functions/handlers', name));

const bundleHandler = (root: string, entry: string, outDir: string): BundleInfo => {
  const handler = entry.replace(/^.*\//, '').replace(/\.ts$/, '');
  const dir = join(outDir, handler);
  const files = buildHandler(root, entry, dir);
  const initial = files.filter((file) => file.initial);
  return {
    handler,
    dir,
    bytes: files.reduce((sum, file) => sum + file.bytes, 0),
    initialBytes: initial.reduce((sum, file) => sum + file.bytes, 0),
    chunks: files.length,
    gzipBytes: initial.reduce((sum, file) => sum + gzipSync(readFileSync(join(dir, file.path))).length, 0),
    mapBytes: files.reduce((sum, file) => sum + statSync(join(dir, `${file.path}.map`)).size, 0),
  };
};

/** Builds every handler under functions/handlers/ into `outDir/<handler>/`. */
const bundleHandlers = (root: string, outDir: string): BundleInfo[] =>
  handlerEntries(root).map((entry) => bundleHandler(root, entry, outDir));

export { type BundleInfo, bundleHandlers };
