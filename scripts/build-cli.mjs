// Bundles the CLI into dist/cli.mjs (run by `prepare`, `pretest` and `build`). One ESM file for Node 20; the banner gives
// bundled CommonJS dependencies the `require` that ESM lacks.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

await build({
  absWorkingDir: root,
  entryPoints: ['functions/cli/main.ts'],
  outfile: 'dist/cli.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __twCreateRequire } from 'node:module'; const require = __twCreateRequire(import.meta.url);",
  },
});
