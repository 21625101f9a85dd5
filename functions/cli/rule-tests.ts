import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { InputItem } from '../core/formats/read-input.js';
import { readEvents } from '../core/formats/read-input.js';
import {
  type CaseResult,
  coverageProblems,
  inlineItems,
  judgeRuleCase,
  parseRuleCases,
  type RuleCase,
} from '../core/rule-cases.js';
import type { RuleSet } from '../core/sigma/rule-set.js';
import { compileRuleFiles, readRuleFiles } from './rule-files.js';

/** One case with its input already decoded; `problems` holds what went wrong reading it. */
type LoadedCase = { readonly testCase: RuleCase; readonly items: readonly InputItem[]; readonly problems: string[] };

/** One rule file with its cases file, ready to run. `ruleSet` holds the rule alone; undefined when refused or skipped. */
type RuleSuite = {
  readonly file: string;
  readonly name: string;
  readonly casesFile: string;
  readonly ruleSet: RuleSet | undefined;
  readonly skipped: string | undefined;
  readonly problems: readonly string[];
  readonly cases: readonly LoadedCase[];
};

type SuiteResult = {
  readonly suite: RuleSuite;
  readonly cases: readonly CaseResult[];
  readonly passed: boolean;
};

const stemOf = (file: string): string => (file.split(/[\\/]/).pop() ?? file).replace(/\.ya?ml$/i, '');

const collect = async (items: AsyncIterable<InputItem>): Promise<InputItem[]> => {
  const all: InputItem[] = [];
  for await (const item of items) all.push(item);
  return all;
};

/** Case `file` paths are relative to the project root: tried against each root in order (cwd, then the package). */
const loadCase = async (testCase: RuleCase, casesFile: string, roots: readonly string[]): Promise<LoadedCase> => {
  if (testCase.file === undefined)
    return { testCase, items: inlineItems(testCase, `${casesFile}#${testCase.name}`), problems: [] };
  const file = testCase.file;
  const found = isAbsolute(file) ? [file] : roots.map((root) => resolve(root, file));
  const path = found.find((candidate) => existsSync(candidate));
  if (path === undefined) return { testCase, items: [], problems: [`input file not found: ${file}`] };
  try {
    return { testCase, items: await collect(readEvents(createReadStream(path), file)), problems: [] };
  } catch (error) {
    return { testCase, items: [], problems: [`cannot read ${file}: ${(error as Error).message}`] };
  }
};

/**
 * Every rule under `paths` with its `<name>.cases.json`, inputs decoded. Used by `tamperwatch rules test` and by the
 * vitest rule-case suite, so both judge the same evidence the same way.
 */
const loadRuleSuites = async (
  paths: readonly string[],
  options: { readonly cwd: string; readonly roots: readonly string[]; readonly ownRules: string },
): Promise<RuleSuite[]> => {
  const suites: RuleSuite[] = [];
  for (const source of readRuleFiles(paths, options.cwd)) {
    const compiled = compileRuleFiles([source], options.cwd, options.ownRules);
    const casesFile = source.file.replace(/\.ya?ml$/i, '.cases.json');
    const skipped = compiled.skipped[0]?.reason;
    const problems = compiled.errors.map((error) => `refused: ${error.message}`);
    const casesPath = resolve(options.cwd, casesFile);
    let cases: LoadedCase[] = [];
    if (!existsSync(casesPath)) {
      problems.push(`no cases file (expected ${casesFile})`);
    } else {
      const parsed = parseRuleCases(readFileSync(casesPath, 'utf8'), casesFile);
      problems.push(...parsed.problems, ...(parsed.problems.length === 0 ? coverageProblems(parsed.cases) : []));
      cases = await Promise.all(parsed.cases.map((testCase) => loadCase(testCase, casesFile, options.roots)));
    }
    const ruleSet = compiled.errors.length === 0 && skipped === undefined ? compiled.ruleSet : undefined;
    suites.push({ file: source.file, name: stemOf(source.file), casesFile, ruleSet, skipped, problems, cases });
  }
  return suites;
};

/** Judges one loaded case; reading problems count as failures. */
const runLoadedCase = (loaded: LoadedCase, ruleSet: RuleSet, now: Date): CaseResult => {
  const result = judgeRuleCase({ testCase: loaded.testCase, items: loaded.items, ruleSet, now });
  if (loaded.problems.length === 0) return result;
  return { ...result, passed: false, reasons: [...loaded.problems, ...result.reasons] };
};

const runSuite = (suite: RuleSuite, now: Date): SuiteResult => {
  if (suite.skipped !== undefined) return { suite, cases: [], passed: true };
  const ruleSet = suite.ruleSet;
  const cases = ruleSet === undefined ? [] : suite.cases.map((loaded) => runLoadedCase(loaded, ruleSet, now));
  return { suite, cases, passed: suite.problems.length === 0 && ruleSet !== undefined && cases.every((c) => c.passed) };
};

const renderSuite = (result: SuiteResult): string[] => {
  const { suite, cases } = result;
  if (suite.skipped !== undefined) return [`SKIP  ${suite.file}: ${suite.skipped}`];
  const failed = cases.filter((c) => !c.passed).length;
  const head = `${result.passed ? 'PASS' : 'FAIL'}  ${suite.file}: ${cases.length - failed} passed, ${failed} failed`;
  const caseLines = cases.flatMap((c) => [
    `  ${c.passed ? 'ok  ' : 'FAIL'}  ${c.expect.padEnd(8)}  ${c.name}`,
    ...c.reasons.map((reason) => `          ${reason}`),
  ]);
  return [head, ...suite.problems.map((problem) => `  - ${problem}`), ...caseLines];
};

/** The readable report of `rules test`: per rule its cases and reasons, then one totals line. */
const renderRuleTestReport = (results: readonly SuiteResult[]): string => {
  const rulesFailed = results.filter((r) => !r.passed).length;
  const rulesSkipped = results.filter((r) => r.suite.skipped !== undefined).length;
  const cases = results.flatMap((r) => r.cases);
  const casesFailed = cases.filter((c) => !c.passed).length;
  const totals =
    `${results.length} rules: ${results.length - rulesFailed - rulesSkipped} passed, ${rulesFailed} failed, ` +
    `${rulesSkipped} skipped; ${cases.length} cases: ${cases.length - casesFailed} passed, ${casesFailed} failed`;
  return `${[...results.flatMap(renderSuite), totals].join('\n')}\n`;
};

export {
  type LoadedCase,
  loadRuleSuites,
  type RuleSuite,
  renderRuleTestReport,
  runLoadedCase,
  runSuite,
  type SuiteResult,
};
