import { detect } from '../core/detect.js';
import type { Finding } from '../core/findings/types.js';
import { readEvents } from '../core/formats/read-input.js';
import type { RuleSet } from '../core/sigma/rule-set.js';
import type { CliIo } from './cli-io.js';
import { expandInputs, type InputSource } from './inputs.js';
import { createProgress } from './progress.js';
import {
  type Format,
  type ReportProblem,
  renderJsonReport,
  renderNdjson,
  renderSummary,
  renderText,
  type ScanSummary,
} from './render.js';
import { loadRuleFiles } from './rule-files.js';

type ScanOptions = { readonly paths: readonly string[]; readonly format: Format };

/** Mutable tallies of one run; the report is built from them at the end. */
type ScanState = {
  events: number;
  ruleErrors: number;
  readonly seen: Set<string>;
  readonly findings: Finding[];
  readonly errors: ReportProblem[];
  readonly notices: ReportProblem[];
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Rule directories → a rule set, or exit code 2 after every refusal is printed (nothing is scanned with broken rules). */
const loadRuleSet = (
  paths: readonly string[],
  io: CliIo,
  ownRules: string,
): { ruleSet: RuleSet; count: number } | undefined => {
  let loaded: ReturnType<typeof loadRuleFiles>;
  try {
    loaded = loadRuleFiles(paths, io.cwd, ownRules);
  } catch (error) {
    io.stderr.write(`tamperwatch: cannot read rules: ${messageOf(error)}\n`);
    return undefined;
  }
  if (loaded.errors.length === 0) return { ruleSet: loaded.ruleSet, count: loaded.ruleSet.rules.length };
  for (const error of loaded.errors) io.stderr.write(`${error.message}\n`);
  io.stderr.write(`tamperwatch: ${loaded.errors.length} rule error(s); nothing scanned\n`);
  return undefined;
};

const scanSource = async (
  source: InputSource,
  context: { ruleSet: RuleSet; now: Date; format: Format; io: CliIo; state: ScanState; tick: () => void },
): Promise<void> => {
  const { io, state } = context;
  try {
    for await (const item of readEvents(source.open(), source.name)) {
      if (item.kind === 'error') {
        state.errors.push({ source: item.error.source, location: item.error.location, message: item.error.reason });
        io.stderr.write(`${item.error.message}\n`);
        continue;
      }
      if (item.kind === 'notice') {
        state.notices.push({ source: source.name, location: item.location, message: item.message });
        if (context.format !== 'json') io.stderr.write(`${source.name}: ${item.location}: ${item.message}\n`);
        continue;
      }
      state.events += 1;
      context.tick();
      const { findings, ruleErrors } = detect([item.event], context.ruleSet, context.now, 'cli');
      for (const error of ruleErrors) {
        state.ruleErrors += 1;
        io.stderr.write(
          `${error.file}: [rule ${error.ruleId}] failed on ${source.name}: ${item.location}: ${error.message}\n`,
        );
      }
      for (const finding of findings) {
        if (state.seen.has(finding.id)) continue;
        state.seen.add(finding.id);
        state.findings.push(finding);
        if (context.format === 'text')
          io.stdout.write(renderText(finding, { source: source.name, location: item.location }));
        if (context.format === 'ndjson') io.stdout.write(renderNdjson(finding));
      }
    }
  } catch (error) {
    // readEvents reports read failures as items; this guards the rest of the loop. The findings so far stay printed.
    state.errors.push({ source: source.name, message: messageOf(error) });
    io.stderr.write(`${source.name}: ${messageOf(error)}\n`);
  }
};

/**
 * `tamperwatch scan`: every readable input is scanned and its findings printed even when another input fails.
 * Exit 0: no findings; 1: findings; 2: a rule or input error (2 wins over 1).
 */
const runScan = async (
  options: ScanOptions,
  io: CliIo,
  rules: { readonly paths: readonly string[]; readonly own: string },
): Promise<number> => {
  const loaded = loadRuleSet(rules.paths, io, rules.own);
  if (loaded === undefined) return 2;
  const state: ScanState = { events: 0, ruleErrors: 0, seen: new Set(), findings: [], errors: [], notices: [] };
  const { sources, problems } = expandInputs(options.paths, io);
  for (const p of problems) {
    state.errors.push({ source: p.name, message: p.message });
    io.stderr.write(`${p.name}: ${p.message}\n`);
  }
  const progress = createProgress(io);
  const now = new Date();
  for (const source of sources) {
    await scanSource(source, { ruleSet: loaded.ruleSet, now, format: options.format, io, state, tick: progress.tick });
  }
  progress.done();
  const summary: ScanSummary = {
    rules: loaded.count,
    inputs: sources.length,
    events: state.events,
    findings: state.findings.length,
    errors: state.errors.length,
    ruleErrors: state.ruleErrors,
  };
  if (options.format === 'json') {
    io.stdout.write(
      renderJsonReport({ findings: state.findings, errors: state.errors, notices: state.notices, summary }),
    );
  } else {
    io.stderr.write(renderSummary(summary));
  }
  if (state.errors.length > 0 || state.ruleErrors > 0) return 2;
  return state.findings.length > 0 ? 1 : 0;
};

export { runScan, type ScanOptions };
