import type { CliIo } from './cli-io.js';
import { loadRuleFiles } from './rule-files.js';

/**
 * `tamperwatch rules check`: every refusal as `file:line:col reason`, then `N rules: L loaded, R refused, S skipped`.
 * Exit 0 only when nothing was refused, else 2 (as for any rule error).
 */
const runRulesCheck = (paths: readonly string[], io: CliIo, ownRules: string): number => {
  let loaded: ReturnType<typeof loadRuleFiles>;
  try {
    loaded = loadRuleFiles(paths, io.cwd, ownRules);
  } catch (error) {
    io.stderr.write(`tamperwatch: cannot read rules: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  for (const error of loaded.errors) io.stdout.write(`${error.message}\n`);
  const refused = new Set(loaded.errors.map((error) => error.at.file)).size;
  const loadedCount = loaded.ruleSet.rules.length;
  const skipped = loaded.skipped.length;
  io.stdout.write(
    `${loadedCount + refused + skipped} rules: ${loadedCount} loaded, ${refused} refused, ${skipped} skipped\n`,
  );
  return refused === 0 ? 0 : 2;
};

export { runRulesCheck };
