// Compares two engine runs per (rule, event) and checks the result against the checked-in list of known
// disagreements: anything new, and anything listed that no longer occurs, is reported.
import type { GeneratedEvent } from './generate.js';
import type { EngineRun, RuleOutcome } from './run-engines.js';

type Verdict = 'match' | 'no_match' | 'error' | 'refused' | 'skipped';
type Who = 'ours' | 'oracle' | 'spec-ambiguous';
type Disagreement = { readonly rule: string; readonly event: string; readonly ours: Verdict; readonly oracle: Verdict };
type KnownDisagreement = Disagreement & { readonly category: string; readonly who: Who; readonly reason: string };
type KnownFile = { readonly oracle: string; readonly disagreements: readonly KnownDisagreement[] };

type Comparison = {
  readonly rules: number;
  readonly events: number;
  readonly pairs: number;
  readonly ownPairs: number;
  readonly agreements: number;
  readonly ownAgreements: number;
  readonly disagreements: readonly Disagreement[];
  /** own events (generated from the rule) on which both engines agree with each other but not with the generator */
  readonly surprises: readonly (Disagreement & { readonly intent: string })[];
  /** rules lacking an own event both engines match, or one both engines do not match */
  readonly uncovered: readonly string[];
};

const verdictOf = (outcome: RuleOutcome | undefined, event: string): Verdict => {
  if (outcome === undefined) return 'refused';
  if (outcome.status !== 'ok') return outcome.status;
  if (outcome.errors.has(event)) return 'error';
  return outcome.matches.has(event) ? 'match' : 'no_match';
};

const compareRuns = (
  files: readonly string[],
  events: readonly GeneratedEvent[],
  ours: EngineRun,
  oracle: EngineRun,
): Comparison => {
  const disagreements: Disagreement[] = [];
  const surprises: (Disagreement & { intent: string })[] = [];
  const uncovered: string[] = [];
  let pairs = 0;
  let ownPairs = 0;
  let agreements = 0;
  let ownAgreements = 0;
  for (const rule of files) {
    const a = ours.rules.get(rule);
    const b = oracle.rules.get(rule);
    if (a?.status !== 'ok' || b?.status !== 'ok') {
      const pair = { rule, event: '*', ours: verdictOf(a, ''), oracle: verdictOf(b, '') };
      if (pair.ours !== pair.oracle) disagreements.push(pair);
      continue;
    }
    let bothMatch = false;
    let bothMiss = false;
    for (const event of events) {
      const pair = { rule, event: event.id, ours: verdictOf(a, event.id), oracle: verdictOf(b, event.id) };
      pairs += 1;
      const own = event.rule === rule;
      if (own) ownPairs += 1;
      if (pair.ours !== pair.oracle) {
        disagreements.push(pair);
        continue;
      }
      agreements += 1;
      if (!own) continue;
      ownAgreements += 1;
      bothMatch ||= pair.ours === 'match';
      bothMiss ||= pair.ours === 'no_match';
      if (pair.ours !== event.intent) surprises.push({ ...pair, intent: event.intent });
    }
    if (!bothMatch || !bothMiss) uncovered.push(rule);
  }
  return {
    rules: files.length,
    events: events.length,
    pairs,
    ownPairs,
    agreements,
    ownAgreements,
    disagreements,
    surprises,
    uncovered,
  };
};

const keyOf = (d: Disagreement): string => `${d.rule} | ${d.event} | ours=${d.ours} oracle=${d.oracle}`;

/** Disagreements not in the known list, and listed ones that no longer occur. */
const checkKnown = (found: readonly Disagreement[], known: KnownFile) => {
  const knownKeys = new Set(known.disagreements.map(keyOf));
  const foundKeys = new Set(found.map(keyOf));
  return {
    unexpected: found.filter((d) => !knownKeys.has(keyOf(d))).map(keyOf),
    resolved: known.disagreements.filter((d) => !foundKeys.has(keyOf(d))).map(keyOf),
  };
};

export {
  type Comparison,
  checkKnown,
  compareRuns,
  type Disagreement,
  type KnownDisagreement,
  type KnownFile,
  keyOf,
  type Who,
};
