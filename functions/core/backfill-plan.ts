import { compileRules, type RuleSource } from './sigma/rule-set.js';

/**
 * Backfill planning (DESIGN §1.1 "Backfill"), pure: which event names to look up with CloudTrail LookupEvents (one
 * name per call, 2 calls per second), and over which window. The rule index keeps names lower-cased; LookupEvents
 * wants them as CloudTrail logs them, so each name's spelling is taken back from the rule text that holds it.
 */

/** LookupEvents keeps 90 days of management events. */
const lookupRetentionMs = 90 * 86_400_000;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The spelling of `name` in `text` (first whole-word occurrence, any case), or `name` itself when absent. */
const spellingIn = (name: string, text: string): string => {
  const found = new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(name)}(?![A-Za-z0-9_])`, 'i').exec(text);
  return found?.[0] ?? name;
};

/**
 * Every AWS event name a rule can match, spelled as in the rules, sorted; rules named in `exclude` (the canary rule)
 * are left out. Rules that do not compile are skipped here (the loader reports them).
 *
 * @example
 * lookupNames(readRuleSources([rulesDir]), ['tamperwatch-canary-heartbeat']) // ['AttachRolePolicy', …, 'StopLogging', …]
 */
const lookupNames = (sources: readonly RuleSource[], exclude: readonly string[] = []): string[] => {
  const names = new Map<string, string>();
  for (const source of sources) {
    const { ruleSet } = compileRules([source]);
    const rule = ruleSet.rules[0];
    if (rule === undefined || rule.provider !== 'aws') continue;
    if (rule.meta.name !== undefined && exclude.includes(rule.meta.name)) continue;
    for (const name of ruleSet.operations('aws').names)
      if (!names.has(name)) names.set(name, spellingIn(name, source.text));
  }
  return [...names.values()].sort((a, b) => a.localeCompare(b));
};

/**
 * The routine names (from the configuration) that some rule can match, in the configured order, and the ones no rule
 * matches (reported, then ignored).
 */
const routineNames = (
  configured: readonly string[],
  all: readonly string[],
): { names: string[]; unknown: string[] } => {
  const known = new Map(all.map((name) => [name.toLowerCase(), name]));
  const names: string[] = [];
  const unknown: string[] = [];
  for (const name of configured) {
    const spelled = known.get(name.toLowerCase());
    if (spelled === undefined) unknown.push(name);
    else if (!names.includes(spelled)) names.push(spelled);
  }
  return { names, unknown };
};

type WindowInput = {
  readonly now: number;
  /** End of the last complete backfill (epoch ms), if any. */
  readonly watermark?: number;
  /** When blindness began (a StopLoggingTime, or the last healthy check), if the region is or was blind. */
  readonly blindSince?: number;
  /** LookupEvents shows events minutes late: each window starts this much before the watermark (15 min). */
  readonly overlapMs: number;
  /** Without a watermark, look back this far (first run). */
  readonly initialLookbackMs: number;
  /** The newest events are left to the real-time path for this long, so a queued event is not counted as missed. */
  readonly settleMs: number;
};

/**
 * `[start, end)` of this run's lookups: from the watermark (or blindness, whichever is earlier) minus the overlap, to
 * now minus the settle time; never further back than LookupEvents' 90 days. Empty (`start >= end`) when nothing is due.
 *
 * @example
 * backfillWindow({ now, watermark, overlapMs: 15 * 60_000, initialLookbackMs: 3_600_000, settleMs: 120_000 })
 */
const backfillWindow = (input: WindowInput): { start: number; end: number } => {
  const end = input.now - input.settleMs;
  const from = Math.min(
    input.watermark ?? input.now - input.initialLookbackMs,
    input.blindSince ?? Number.POSITIVE_INFINITY,
  );
  const start = Math.max(from - input.overlapMs, input.now - lookupRetentionMs + 60_000);
  return { start, end };
};

/**
 * Event sources of the AWS rules that constrain the service but no event name (looked up by `EventSource` while blind),
 * and the names of rules that constrain neither (no lookup can target them; reported).
 *
 * @example
 * lookupSources(readRuleSources([rulesDir])) // { sources: [], unconstrained: [] } with the shipped rules
 */
const lookupSources = (
  sources: readonly RuleSource[],
  exclude: readonly string[] = [],
): { sources: string[]; unconstrained: string[] } => {
  const found = new Set<string>();
  const unconstrained: string[] = [];
  for (const source of sources) {
    const { ruleSet } = compileRules([source]);
    const rule = ruleSet.rules[0];
    if (rule === undefined || rule.provider !== 'aws') continue;
    if (rule.meta.name !== undefined && exclude.includes(rule.meta.name)) continue;
    const operations = ruleSet.operations('aws');
    if (operations.names.length > 0) continue;
    if (operations.unconstrained) unconstrained.push(rule.meta.name ?? source.file);
    for (const service of operations.services) found.add(spellingIn(service, source.text));
  }
  return { sources: [...found].sort(), unconstrained };
};

export { backfillWindow, lookupNames, lookupRetentionMs, lookupSources, routineNames, spellingIn };
