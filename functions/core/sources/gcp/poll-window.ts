/**
 * Arrival-time windows and `entries:list` filters for the GCP poller (DESIGN §1.2). Pure: the clock, the checkpoint and
 * the rule index's method names come in as arguments.
 */

/** Logging API limits (logging.proto `ListLogEntriesRequest`, cloud.google.com/logging/quotas). */
const maxFilterLength = 20_000;
const maxResourceNames = 100;
const maxPageSize = 1_000;

/** How windows are cut, in milliseconds. */
type PollTiming = {
  /** Re-read this much before the checkpoint, for entries that became visible late (DESIGN: 5 min). */
  readonly overlapMs: number;
  /** Never read closer to now than this: entries received just now may not be queryable yet (30 s). */
  readonly settleMs: number;
  /** `timestamp` lower bound = checkpoint − this; keeps the scan on the indexed field narrow (1 h). */
  readonly latenessMs: number;
  /** Where the first run starts when there is no checkpoint yet. */
  readonly initialLookbackMs: number;
  /** Largest new span a window may cover (catch-up after an outage goes window by window). */
  readonly maxSpanMs: number;
  /** Smallest span halving goes down to; a window this small is read whatever its page count. */
  readonly minSpanMs: number;
};

const defaultPollTiming: PollTiming = {
  overlapMs: 5 * 60_000,
  settleMs: 30_000,
  latenessMs: 60 * 60_000,
  initialLookbackMs: 60 * 60_000,
  maxSpanMs: 15 * 60_000,
  minSpanMs: 10_000,
};

/**
 * One read: `receiveTimestamp` in `[start, end)`, `timestamp ≥ timestampFloor`. `from` is the checkpoint the window
 * extends (start = from − overlap); after every page of it is published, the checkpoint moves to `end`.
 */
type PollWindow = { readonly from: Date; readonly start: Date; readonly end: Date; readonly timestampFloor: Date };

/** The method names rules can match, as the rule index gives them (structurally `OperationSet`). */
type MethodSet = {
  readonly names: readonly string[];
  readonly services: readonly string[];
  readonly any: boolean;
  readonly unconstrained: boolean;
};

/**
 * Cloud Audit Logs the poller reads: Admin Activity (always written, free) and, for rules on `DATA_WRITE` methods such
 * as Security Command Center mutes, Data Access (only where enabled; reading it needs `logging.privateLogEntries.list`).
 */
type AuditLogKind = 'activity' | 'data_access';

/** Which method restriction the filter carries: names, names or services, or none (every Admin Activity entry). */
type MethodScope = 'names' | 'names-or-services' | 'all';

type EntriesFilter = {
  readonly filter: string;
  readonly scope: MethodScope;
  /** True when the method clause would have passed 20,000 characters and was dropped (the engine still matches). */
  readonly widened: boolean;
};

const toDate = (iso: string): Date => {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`checkpoint '${iso}' is not an ISO-8601 time`);
  return date;
};

const windowFrom = (from: Date, end: Date, timing: PollTiming): PollWindow => ({
  from,
  start: new Date(from.getTime() - timing.overlapMs),
  end,
  timestampFloor: new Date(from.getTime() - timing.latenessMs),
});

/**
 * The next window after `checkpoint` (an ISO time; undefined on the first run): `[checkpoint − overlap, min(now −
 * settle, checkpoint + span))`. Undefined when nothing new can be read yet.
 *
 * @example
 * nextWindow({ checkpoint: '2026-11-24T10:00:00Z', now: new Date('2026-11-24T10:01:30Z'), spanMs: 900_000 });
 * // from 10:00:00, start 09:55:00, end 10:01:00, timestampFloor 09:00:00
 */
const nextWindow = (input: {
  readonly checkpoint: string | undefined;
  readonly now: Date;
  readonly spanMs: number;
  readonly timing?: PollTiming;
}): PollWindow | undefined => {
  const timing = input.timing ?? defaultPollTiming;
  const from =
    input.checkpoint === undefined
      ? new Date(input.now.getTime() - timing.initialLookbackMs)
      : toDate(input.checkpoint);
  const span = Math.min(Math.max(input.spanMs, timing.minSpanMs), timing.maxSpanMs);
  const end = Math.min(input.now.getTime() - timing.settleMs, from.getTime() + span);
  return end <= from.getTime() ? undefined : windowFrom(from, new Date(end), timing);
};

/** The first half of the window's new span, for a window that would overrun its page budget; undefined at minimum span. */
const halveWindow = (window: PollWindow, timing: PollTiming = defaultPollTiming): PollWindow | undefined => {
  const span = window.end.getTime() - window.from.getTime();
  const half = Math.floor(span / 2);
  if (span <= timing.minSpanMs) return undefined;
  return windowFrom(window.from, new Date(window.from.getTime() + Math.max(half, timing.minSpanMs)), timing);
};

/** The span to try next: doubled after a window that used under half its page budget, else kept (within limits). */
const nextSpan = (spanMs: number, pagesUsed: number, pageBudget: number, timing: PollTiming = defaultPollTiming) =>
  Math.min(timing.maxSpanMs, Math.max(timing.minSpanMs, pagesUsed * 2 < pageBudget ? spanMs * 2 : spanMs));

const quote = (value: string): string => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
const anyOf = (field: string, values: readonly string[]): string => `${field}=(${values.map(quote).join(' OR ')})`;

const methodClause = (methods: MethodSet): { clause: string | undefined; scope: MethodScope } => {
  if (methods.unconstrained || (methods.any && methods.services.length === 0))
    return { clause: undefined, scope: 'all' };
  const names = methods.names.length === 0 ? undefined : anyOf('protoPayload.methodName', methods.names);
  if (!methods.any) return { clause: names ?? 'protoPayload.methodName=""', scope: 'names' };
  const services = anyOf('protoPayload.serviceName', methods.services);
  return { clause: names === undefined ? services : `(${names} OR ${services})`, scope: 'names-or-services' };
};

/**
 * The `entries:list` filter for one window: the audit logs read (Admin Activity by default), the arrival window, the `timestamp` floor and the
 * method names the rules can match (string comparisons in the Logging query language ignore case, and the rule index
 * gives lower-cased names). A method clause that would push the filter past 20,000 characters is dropped (`widened`).
 *
 * @example
 * buildEntriesFilter(window, ruleSet.operations('gcp')).filter;
 * // logName:"cloudaudit.googleapis.com%2Factivity" AND receiveTimestamp>="…" AND receiveTimestamp<"…" AND timestamp>="…"
 * //   AND protoPayload.methodName=("google.logging.v2.configservicev2.deletesink" OR …)
 */
const buildEntriesFilter = (
  window: PollWindow,
  methods: MethodSet,
  logs: readonly AuditLogKind[] = ['activity'],
): EntriesFilter => {
  const logClauses = logs.map((log) => `logName:${quote(`cloudaudit.googleapis.com%2F${log}`)}`);
  const base = [
    logClauses.length === 1 ? logClauses[0] : `(${logClauses.join(' OR ')})`,
    `receiveTimestamp>=${quote(window.start.toISOString())}`,
    `receiveTimestamp<${quote(window.end.toISOString())}`,
    `timestamp>=${quote(window.timestampFloor.toISOString())}`,
  ].join(' AND ');
  const { clause, scope } = methodClause(methods);
  if (clause === undefined) return { filter: base, scope, widened: false };
  const filter = `${base} AND ${clause}`;
  if (filter.length <= maxFilterLength) return { filter, scope, widened: false };
  return { filter: base, scope: 'all', widened: true };
};

const resourceNamePattern =
  /^((projects|folders|organizations|billingAccounts)\/[^/\s]+)(\/locations\/[^/\s]+\/buckets\/[^/\s]+\/views\/[^/\s]+)?$/;

/** Problems with configured resource names (shape, count ≤ 100, duplicates); empty when they are usable. */
const resourceNameProblems = (names: readonly string[]): string[] => {
  const problems = names.flatMap((name, index) =>
    resourceNamePattern.test(name)
      ? []
      : [`resourceNames[${index}]: '${name}' is not projects|folders|organizations|billingAccounts/ID or a log view`],
  );
  if (names.length === 0) problems.push('resourceNames: at least one is needed');
  if (names.length > maxResourceNames)
    problems.push(`resourceNames: ${names.length} given, at most ${maxResourceNames}`);
  const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
  if (duplicates.length > 0) problems.push(`resourceNames: duplicated ${[...new Set(duplicates)].join(', ')}`);
  return problems;
};

export {
  type AuditLogKind,
  buildEntriesFilter,
  defaultPollTiming,
  type EntriesFilter,
  halveWindow,
  type MethodScope,
  type MethodSet,
  maxFilterLength,
  maxPageSize,
  maxResourceNames,
  nextSpan,
  nextWindow,
  type PollTiming,
  type PollWindow,
  resourceNameProblems,
};
