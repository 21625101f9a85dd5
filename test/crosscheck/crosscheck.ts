// The whole cross-check as one function: find the SigmaHQ AWS rules and the corpus next to the repository, make sure
// the oracle binary is built (test/crosscheck/setup.sh), generate the events, run both engines and compare.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Comparison, compareRuns, type KnownFile } from './compare.js';
import { loadCorpus } from './corpus.js';
import { type GeneratedEvent, generateForRule } from './generate.js';
import { readRuleModel } from './rule-model.js';
import { type EngineRun, type RuleSourceText, runOracle, runOurs } from './run-engines.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const shared = resolve(root, '..', 'shared');
const rulesDir = join(shared, 'sigmahq/rules/cloud/aws/cloudtrail');
const corpusDir = join(shared, 'corpus/aws');
const oracleBinary = join(root, 'test/.tmp/crosscheck/target/release/tamperwatch-crosscheck-oracle');
const knownFile = join(here, 'known-disagreements.json');

type Prerequisites = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** Builds the oracle if needed (a no-op check once built); says why the cross-check cannot run otherwise. */
const prepare = (): Prerequisites => {
  if (!existsSync(rulesDir)) return { ready: false, reason: `SigmaHQ rules not found at ${rulesDir}` };
  if (!existsSync(corpusDir)) return { ready: false, reason: `corpus not found at ${corpusDir}` };
  const setup = spawnSync('bash', [join(here, 'setup.sh')], { encoding: 'utf8', timeout: 20 * 60_000 });
  if (setup.status !== 0 || !existsSync(oracleBinary)) {
    const why = `${setup.stderr ?? ''}${setup.error?.message ?? ''}`.trim().split('\n').slice(-5).join(' / ');
    return { ready: false, reason: `oracle not available (test/crosscheck/setup.sh exited ${setup.status}): ${why}` };
  }
  return { ready: true };
};

type CrosscheckResult = {
  readonly ours: EngineRun;
  readonly oracle: EngineRun;
  readonly events: readonly GeneratedEvent[];
  readonly comparison: Comparison;
};

const readRules = (): RuleSourceText[] =>
  readdirSync(rulesDir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => ({ file, text: readFileSync(join(rulesDir, file), 'utf8') }));

/** The generated events for the given rules (deterministic: the same on every run). */
const generateEvents = (rules: readonly RuleSourceText[] = readRules()): GeneratedEvent[] => {
  const corpus = loadCorpus(corpusDir);
  return rules.flatMap((rule) => generateForRule(readRuleModel(rule.file, rule.text), corpus));
};

const runCrosscheck = (): CrosscheckResult => {
  const rules = readRules();
  const files = rules.map((rule) => rule.file);
  const events = generateEvents(rules);
  const ours = runOurs(rules, events);
  const oracle = runOracle(oracleBinary, rules, events);
  return { ours, oracle, events, comparison: compareRuns(files, events, ours, oracle) };
};

const readKnown = (): KnownFile => JSON.parse(readFileSync(knownFile, 'utf8')) as KnownFile;

export { type CrosscheckResult, generateEvents, knownFile, prepare, readKnown, runCrosscheck };
