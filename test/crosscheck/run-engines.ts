// Runs the same rules over the same events through tamperwatch's engine (in process) and through the oracle binary
// (rsigma-eval, one JSON document on stdin and stdout), and reports per rule whether it loaded and which events it
// matched.
import { spawnSync } from 'node:child_process';
import { createFieldView } from '../../functions/core/field-view.js';
import { compileRules } from '../../functions/core/sigma/rule-set.js';
import type { GeneratedEvent } from './generate.js';

type RuleSourceText = { readonly file: string; readonly text: string };
type RuleOutcome =
  | { readonly status: 'ok'; readonly matches: ReadonlySet<string>; readonly errors: ReadonlySet<string> }
  | { readonly status: 'refused' | 'skipped'; readonly message: string };
type EngineRun = { readonly name: string; readonly rules: ReadonlyMap<string, RuleOutcome> };

const runOurs = (rules: readonly RuleSourceText[], events: readonly GeneratedEvent[]): EngineRun => {
  const { ruleSet, errors, skipped } = compileRules(rules);
  const outcomes = new Map<string, RuleOutcome>();
  for (const error of errors) outcomes.set(error.at.file, { status: 'refused', message: error.message });
  for (const skip of skipped) outcomes.set(skip.file, { status: 'skipped', message: skip.reason });
  const views = events.map((event) => ({ id: event.id, view: createFieldView(event.record) }));
  for (const rule of ruleSet.rules) {
    const matches = new Set<string>();
    const failed = new Set<string>();
    for (const { id, view } of views) {
      try {
        if (rule.test(view) !== undefined) matches.add(id);
      } catch {
        failed.add(id);
      }
    }
    outcomes.set(rule.file, { status: 'ok', matches, errors: failed });
  }
  return { name: 'tamperwatch', rules: outcomes };
};

type OracleOutput = { oracle: string; rules: { file: string; matches?: string[]; error?: string }[] };

const runOracle = (binary: string, rules: readonly RuleSourceText[], events: readonly GeneratedEvent[]): EngineRun => {
  const input = JSON.stringify({ rules, events: events.map((event) => ({ id: event.id, record: event.record })) });
  const result = spawnSync(binary, [], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  if (result.status !== 0) throw new Error(`oracle failed (${result.status ?? result.signal}): ${result.stderr}`);
  const output = JSON.parse(result.stdout) as OracleOutput;
  const outcomes = new Map<string, RuleOutcome>(
    output.rules.map((rule): [string, RuleOutcome] => [
      rule.file,
      rule.error === undefined
        ? { status: 'ok', matches: new Set(rule.matches ?? []), errors: new Set() }
        : { status: 'refused', message: rule.error },
    ]),
  );
  return { name: output.oracle, rules: outcomes };
};

export { type EngineRun, type RuleOutcome, type RuleSourceText, runOracle, runOurs };
