import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { CliIo } from './cli-io.js';
import { renderCoverage } from './coverage.js';
import { findPackageRoot, packageVersion } from './package-root.js';
import type { Format } from './render.js';
import { loadRuleSuites, renderRuleTestReport, runSuite } from './rule-tests.js';
import { runRulesCheck } from './rules-check.js';
import { runScan } from './scan.js';

const packageRoot = findPackageRoot(import.meta.url);
const bundledRules = join(packageRoot, 'rules');

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const scanHelp = `
PATH is a file, a directory (read recursively in sorted order; dotfiles, *.md, *.txt and LICENSE/NOTICE files skipped)
or - for stdin. Gzip is recognized by its magic bytes; a document is one JSON value, else NDJSON.

Exit codes:
  0  every input read, no findings
  1  every input read, at least one finding
  2  usage or rule error (nothing scanned), or an input error (after every readable input was scanned); 2 wins over 1`;

/** `rules test`: exit 1 on any failing case or any rule without a match and a no_match case. */
const runRulesTest = async (paths: readonly string[], io: CliIo): Promise<number> => {
  const suites = await loadRuleSuites(paths, { cwd: io.cwd, roots: [io.cwd, packageRoot], ownRules: bundledRules });
  const results = suites.map((suite) => runSuite(suite, new Date()));
  io.stdout.write(renderRuleTestReport(results));
  return results.every((result) => result.passed) ? 0 : 1;
};

const buildProgram = (io: CliIo, setExit: (code: number) => void): Command => {
  const program = new Command('tamperwatch')
    .description('Detect defense impairment (ATT&CK T1685/T1686, pre-v19 T1562) in cloud audit logs with Sigma rules')
    .version(packageVersion(packageRoot))
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('scan')
    .description('scan CloudTrail, GCP audit log and Azure activity log files and print findings')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'ndjson']).default('text'))
    .option('--rules <dir>', 'rule file or directory, may repeat (default: the bundled rules)', collect, [])
    .argument('<path...>', 'files, directories or - for stdin')
    .addHelpText('after', scanHelp)
    .action(async (paths: string[], options: { format: Format; rules: string[] }) => {
      const rulePaths = options.rules.length > 0 ? options.rules : [bundledRules];
      setExit(await runScan({ paths, format: options.format }, io, { paths: rulePaths, own: bundledRules }));
    });

  const rules = program.command('rules').description('check or test rule files');
  rules
    .command('check')
    .description('load every rule and print each refusal as file:line:col reason (exit 0 only when none is refused)')
    .argument('[path...]', 'rule files or directories (default: the bundled rules)')
    .action((paths: string[]) => {
      setExit(runRulesCheck(paths.length > 0 ? paths : [bundledRules], io, bundledRules));
    });
  rules
    .command('test')
    .description(
      "run each rule's <name>.cases.json (exit 1 on a failing case or a rule without match and no_match cases)",
    )
    .argument('[path...]', 'rule files or directories (default: the bundled rules)')
    .action(async (paths: string[]) => {
      setExit(await runRulesTest(paths.length > 0 ? paths : [bundledRules], io));
    });
  rules
    .command('coverage')
    .description(
      'print the coverage table (operation x cloud -> rule, technique, cases) or write it and an ATT&CK Navigator layer',
    )
    .option('--markdown <file>', 'write the coverage page here instead of printing it')
    .option('--layer <file>', 'also write an ATT&CK Navigator layer (JSON) here')
    .argument('[path...]', 'rule files or directories (default: the bundled rules)')
    .action((paths: string[], options: { markdown?: string; layer?: string }) => {
      const report = renderCoverage(paths.length > 0 ? paths : [bundledRules], io.cwd, bundledRules);
      if (options.markdown === undefined) io.stdout.write(report.markdown);
      else writeFileSync(resolve(io.cwd, options.markdown), report.markdown);
      if (options.layer !== undefined) writeFileSync(resolve(io.cwd, options.layer), report.layer);
      setExit(0);
    });
  return program;
};

/**
 * The whole CLI as a function of its arguments and I/O, so tests run it in-process; `bin/tamperwatch.mjs` passes the
 * real process streams and sets `process.exitCode` from the result.
 *
 * @example
 * const code = await main(['scan', '--format', 'ndjson', 'trail/'], { stdout, stderr, stdin, isTTY: false, cwd });
 */
const main = async (argv: readonly string[], io: CliIo): Promise<number> => {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    // Help and --version end with exit code 0; every usage error is 2.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    io.stderr.write(`tamperwatch: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
  return exitCode;
};

export { main };
