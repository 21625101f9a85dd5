import * as z from 'zod';
import type { AuditEvent } from './audit-event.js';
import { detect } from './detect.js';
import type { Finding } from './findings/types.js';
import { eventsFromValue, type InputItem } from './formats/read-input.js';
import { once } from './once.js';
import type { RuleSet } from './sigma/rule-set.js';

/**
 * A rule's evidence (`<name>.cases.json`, DESIGN §6): each case feeds one input through decode → normalize → match →
 * finding and states whether the rule must fire. Pure: the caller reads `file` inputs and passes their items in.
 */

// Built on first use, not at import: modules that share this one's imports should not pay for it at cold start.
const ruleCase = once(() =>
  z
    .strictObject({
      name: z.string().min(1),
      expect: z.enum(['match', 'no_match']),
      input: z.unknown().optional(),
      file: z.string().min(1).optional(),
      record: z.number().int().min(0).optional(),
      source: z.string().optional(),
      finding: z.record(z.string(), z.unknown()).optional(),
    })
    .refine((c) => (c.input === undefined) !== (c.file === undefined), {
      message: 'needs exactly one of input or file',
    }),
);

const casesFile = once(() => z.strictObject({ cases: z.array(ruleCase()) }));

type RuleCase = z.infer<ReturnType<typeof ruleCase>>;

type CaseResult = {
  readonly name: string;
  readonly expect: RuleCase['expect'];
  readonly passed: boolean;
  /** Why it failed; empty when it passed. */
  readonly reasons: readonly string[];
  readonly findings: readonly Finding[];
};

const issuePath = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? '' : `${path.map(String).join('.')}: `;

/** The text of a cases file → its cases, or every problem found in it. */
const parseRuleCases = (text: string, file: string): { cases: RuleCase[]; problems: string[] } => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { cases: [], problems: [`${file}: invalid JSON: ${(error as Error).message}`] };
  }
  const parsed = casesFile().safeParse(value);
  if (parsed.success) return { cases: parsed.data.cases, problems: [] };
  return {
    cases: [],
    problems: parsed.error.issues.map((issue) => `${file}: ${issuePath(issue.path)}${issue.message}`),
  };
};

/** A rule needs at least one true positive and one true negative. */
const coverageProblems = (cases: readonly RuleCase[]): string[] => [
  ...(cases.some((c) => c.expect === 'match') ? [] : ['no match case']),
  ...(cases.some((c) => c.expect === 'no_match') ? [] : ['no no_match case']),
];

/** An inline case input → the items its container decodes to (the same decoders the CLI uses). */
const inlineItems = (testCase: RuleCase, source: string): InputItem[] => eventsFromValue(testCase.input, source);

const valueAt = (value: unknown, path: readonly string[]): { found: boolean; value: unknown } => {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) {
      return { found: false, value: undefined };
    }
    current = (current as Record<string, unknown>)[key];
  }
  return { found: true, value: current };
};

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** Differences between `expected` (a subset, keys may be dotted paths such as `attack.techniques.0.legacyId`) and `actual`. */
const subsetMismatches = (actual: unknown, expected: Readonly<Record<string, unknown>>, prefix = ''): string[] =>
  Object.entries(expected).flatMap(([key, want]) => {
    const label = `${prefix}${key}`;
    const got = valueAt(actual, key.split('.'));
    if (!got.found) return [`${label}: expected ${show(want)}, but it is absent`];
    if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
      return subsetMismatches(got.value, want as Record<string, unknown>, `${label}.`);
    }
    return show(got.value) === show(want) ? [] : [`${label}: expected ${show(want)}, got ${show(got.value)}`];
  });

const selectEvents = (
  testCase: RuleCase,
  items: readonly InputItem[],
): { events: AuditEvent[]; problems: string[] } => {
  const problems = items.flatMap((item) => (item.kind === 'error' ? [`input error: ${item.error.message}`] : []));
  const events = items.flatMap((item) => (item.kind === 'event' ? [item.event] : []));
  // An input the decoder drops on purpose (an Azure start record, a digest file) yields only notices: a fine no_match.
  const dropped = items.some((item) => item.kind === 'notice');
  if (testCase.record === undefined) {
    return { events, problems: events.length === 0 && !dropped ? [...problems, 'the input holds no event'] : problems };
  }
  const chosen = events[testCase.record];
  if (chosen === undefined) {
    return {
      events: [],
      problems: [...problems, `record ${testCase.record} is out of range (${events.length} events)`],
    };
  }
  return { events: [chosen], problems };
};

const noticesOf = (items: readonly InputItem[]): string[] =>
  items.flatMap((item) => (item.kind === 'notice' ? [`${item.location}: ${item.message}`] : []));

const describeEvents = (events: readonly AuditEvent[]): string =>
  events.map((e) => `${e.provider} ${e.service} ${e.operation} (${e.outcome})`).join(', ');

/**
 * Runs one case against a rule set holding the rule under test. Without `record`, every event of the input counts: a
 * `match` case passes when any of them fires, a `no_match` case when none does. `finding` is checked on the first finding.
 */
const judgeRuleCase = (input: {
  testCase: RuleCase;
  items: readonly InputItem[];
  ruleSet: RuleSet;
  now: Date;
}): CaseResult => {
  const { testCase } = input;
  const { events, problems } = selectEvents(testCase, input.items);
  const { findings, ruleErrors } = detect(events, input.ruleSet, input.now, 'cli');
  const reasons = [...problems, ...ruleErrors.map((e) => `rule error on event ${e.eventId}: ${e.message}`)];
  const first = findings[0];
  if (testCase.expect === 'match' && first === undefined && events.length > 0) {
    reasons.push(`expected a match, got none on ${describeEvents(events)}`);
  }
  if (testCase.expect === 'match' && events.length === 0 && reasons.length === 0) {
    reasons.push(`expected a match, but the input decoded to no event (${noticesOf(input.items).join('; ')})`);
  }
  if (testCase.expect === 'match' && first !== undefined && testCase.finding !== undefined) {
    reasons.push(...subsetMismatches(first, testCase.finding).map((m) => `finding ${m}`));
  }
  if (testCase.expect === 'no_match' && first !== undefined) {
    reasons.push(`expected no match, got ${first.severity} finding: ${first.summary}`);
  }
  return { name: testCase.name, expect: testCase.expect, passed: reasons.length === 0, reasons, findings };
};

export {
  type CaseResult,
  coverageProblems,
  inlineItems,
  judgeRuleCase,
  parseRuleCases,
  type RuleCase,
  subsetMismatches,
};
