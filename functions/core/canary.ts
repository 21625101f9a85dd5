import * as z from 'zod';
import type { AuditEvent } from './audit-event.js';
import { once } from './once.js';
import type { CompiledRule, RuleSet } from './sigma/rule-set.js';

/**
 * The canary heartbeat (DESIGN §9.1), pure parts: which events are canary writes, and whether the last write made it
 * through EventBridge → SQS → detector in time. The canary writes `tamperwatch-<stage>-canary` (SSM PutParameter, a
 * write management event); the built-in rule `tamperwatch-canary-heartbeat` recognises it; the detector records its
 * arrival instead of alerting.
 */

/** The built-in rule (rules/aws/tamperwatch/tamperwatch-canary-heartbeat.yml) that recognises canary writes. */
const canaryRuleName = 'tamperwatch-canary-heartbeat';

/** The SSM parameter the canary writes; the stack names it the same way. */
const canaryParameterName = (stage: string): string => `tamperwatch-${stage}-canary`;

/** The canary rule of a rule set, or undefined when the deployment ships without it. */
const canaryRuleOf = (ruleSet: RuleSet): CompiledRule | undefined =>
  ruleSet.rules.find((rule) => rule.meta.name === canaryRuleName && rule.provider === 'aws');

/**
 * Separates canary writes from the events to detect on: a canary write is a heartbeat, never a finding.
 *
 * @example
 * const { canary, rest } = splitCanary(events, canaryRuleOf(ruleSet));
 */
const splitCanary = (
  events: readonly AuditEvent[],
  rule: CompiledRule | undefined,
): { canary: AuditEvent[]; rest: AuditEvent[] } => {
  if (rule === undefined) return { canary: [], rest: [...events] };
  const canary: AuditEvent[] = [];
  const rest: AuditEvent[] = [];
  for (const event of events) {
    const isCanary = event.provider === 'aws' && event.outcome === 'success' && rule.test(event.fields) !== undefined;
    (isCanary ? canary : rest).push(event);
  }
  return { canary, rest };
};

/**
 * What the canary keeps between runs (checkpoint `canary-write#<account>/<region>`, in `state`); built on first use,
 * not at import (cold start).
 */
const canaryState = once(() =>
  z.object({
    /** ISO times of recent writes, newest first. */
    writes: z.array(z.string()).default([]),
    /** Set while the canary is missing: the time of the first write that did not arrive. */
    missingSince: z.string().optional(),
  }),
);
type CanaryState = z.output<ReturnType<typeof canaryState>>;

const parseCanaryState = (text: string | undefined): CanaryState => {
  if (text === undefined) return { writes: [] };
  try {
    const parsed = canaryState().safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : { writes: [] };
  } catch {
    return { writes: [] };
  }
};

type CanaryVerdict =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'arriving'; readonly restoredAfter?: string; readonly write: string }
  | { readonly kind: 'missing'; readonly since: string; readonly write: string };

/** CloudTrail's eventTime has whole seconds: a write at 10:00:00.700 arrives as 10:00:00. */
const floorSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

/**
 * Judges the latest write old enough to have arrived (older than `maxDelayMs`): it arrived when the newest canary event
 * the detector recorded is not older than it. Writes younger than the delay are not judged yet.
 *
 * @example
 * judgeCanary(state, arrival?.position, now.getTime(), 600_000) // { kind: 'missing', since, write } → health finding
 */
const judgeCanary = (
  state: CanaryState,
  arrival: string | undefined,
  now: number,
  maxDelayMs: number,
): CanaryVerdict => {
  const due = state.writes.map(Date.parse).filter((time) => !Number.isNaN(time) && now - time >= maxDelayMs);
  if (due.length === 0) return { kind: 'unknown' };
  const latestDue = Math.max(...due);
  const write = new Date(latestDue).toISOString();
  const arrived = arrival !== undefined && Date.parse(arrival) >= floorSecond(latestDue);
  if (arrived)
    return state.missingSince === undefined
      ? { kind: 'arriving', write }
      : { kind: 'arriving', write, restoredAfter: state.missingSince };
  return { kind: 'missing', since: state.missingSince ?? write, write };
};

/** The state after this run's write: the new write first, writes older than two delays dropped, at most 8 kept. */
const nextCanaryState = (
  state: CanaryState,
  verdict: CanaryVerdict,
  written: string | undefined,
  now: number,
  maxDelayMs: number,
): CanaryState => {
  const recent = state.writes.filter((time) => now - Date.parse(time) < 2 * maxDelayMs);
  const writes = [...(written === undefined ? [] : [written]), ...recent].slice(0, 8);
  const missingSince =
    verdict.kind === 'missing' ? verdict.since : verdict.kind === 'arriving' ? undefined : state.missingSince;
  return { writes, ...(missingSince === undefined ? {} : { missingSince }) };
};

export {
  type CanaryState,
  type CanaryVerdict,
  canaryParameterName,
  canaryRuleName,
  canaryRuleOf,
  judgeCanary,
  nextCanaryState,
  parseCanaryState,
  splitCanary,
};
