import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const isOurPackage = (dir: string): boolean => {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'tamperwatch';
  } catch {
    return false;
  }
};

/**
 * The tamperwatch package root, found by walking up from a module: the CLI runs from `dist/cli.mjs` when installed and
 * from `functions/cli/*.ts` in tests, at different depths. Falls back to the module's own folder.
 *
 * @example
 * const rulesDir = join(findPackageRoot(import.meta.url), 'rules');
 */
const findPackageRoot = (moduleUrl: string): string => {
  const start = dirname(fileURLToPath(moduleUrl));
  for (let dir = start; ; dir = dirname(dir)) {
    if (isOurPackage(dir)) return dir;
    if (dirname(dir) === dir) return start;
  }
};

/** `version` from the package manifest, for `--version`. */
const packageVersion = (root: string): string => {
  try {
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : '0.0.0';
  } catch {
    return '0.0.0';
  }
};

export { findPackageRoot, packageVersion };
