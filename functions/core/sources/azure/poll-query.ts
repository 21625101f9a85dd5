/**
 * Windows and KQL for the Azure Activity Log poller (DESIGN §1.3): pure functions of their arguments, no clock.
 *
 * A window is the committed range `(start, end]` on `ingestion_time()`; `start` is the workspace checkpoint. The query
 * reads from `start − overlap` so rows that became queryable late (indexing) are read again; dedup absorbs the repeats.
 */

/** What the rule index says the Azure rules can match (plain data; `any`: some rule has no operation constraint). */
type OperationFilter = { readonly names: readonly string[]; readonly any: boolean };

type PollLimits = {
  /** Rows ingested this long before the checkpoint are read again (late indexing). */
  readonly overlapMs: number;
  /** The window ends this long before now, so rows still being ingested are left for the next run. */
  readonly settleMs: number;
  readonly maxSpanMs: number;
  /** A window is never halved below this; a PartialFailure at this span is an error, never a skip. */
  readonly minSpanMs: number;
  /** More rows than this in one window: halve it (the query asks for one more to know). */
  readonly maxRows: number;
  /** Cheap bound on `TimeGenerated`, relative to the window start: events are ingested well within it. */
  readonly lookbackMs: number;
  /** Where a workspace without a checkpoint starts. */
  readonly initialLookbackMs: number;
};

type PollWindow = { readonly start: Date; readonly end: Date };

type ActivityQuery = {
  readonly query: string;
  /** The API's own `TimeGenerated` interval; the KQL bound says the same, so either alone would do. */
  readonly timespan: { readonly startTime: Date; readonly endTime: Date };
};

const minute = 60_000;

const defaultPollLimits: PollLimits = {
  overlapMs: 2 * minute,
  settleMs: minute,
  maxSpanMs: 15 * minute,
  minSpanMs: 5_000,
  maxRows: 10_000,
  lookbackMs: 6 * 60 * minute,
  initialLookbackMs: 60 * minute,
};

/** The row limit of one query API call (service-limits#la-query-api): the cap used once a window cannot shrink. */
const apiRowLimit = 500_000;

/** Columns the normalizer and the Azure aliases read (decode.ts, aliases.ts); datetimes travel as text, unrounded. */
const projectedColumns = [
  'TimeGenerated = tostring(TimeGenerated)',
  'Ingested = tostring(Ingested)',
  'EventSubmissionTimestamp = tostring(EventSubmissionTimestamp)',
  'EventDataId',
  'CorrelationId',
  'OperationId',
  'OperationNameValue',
  'ActivityStatusValue',
  'ActivitySubstatusValue',
  'CategoryValue',
  'Level',
  'Caller',
  'CallerIpAddress',
  'SubscriptionId',
  'ResourceGroup',
  'ResourceProviderValue',
  'ResourceId',
  '_ResourceId',
  'Properties_d',
  'Authorization_d',
  'Claims_d',
  'HTTPRequest',
  'Hierarchy',
  'TenantId',
] as const;

/** The name each projected column has in the result. */
const resultColumns: readonly string[] = projectedColumns.map((column) => column.split(' = ')[0] as string);

class PollWindowError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PollWindowError';
  }
}

const kqlString = (text: string): string => `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
const kqlDatetime = (date: Date): string => `datetime(${date.toISOString()})`;

/** A checkpoint position (ISO-8601 window end) as a date; a position that is no date is an error, never a reset. */
const checkpointDate = (position: string): Date => {
  const date = new Date(position);
  if (Number.isNaN(date.getTime())) throw new PollWindowError(`checkpoint position '${position}' is not a date`);
  return date;
};

/**
 * The next window after `checkpoint` (an ISO-8601 position), at most `spanMs` long and ending no later than
 * `now − settle`; undefined when there is nothing to read yet.
 *
 * @example
 * nextWindow('2026-11-24T10:00:00.000Z', new Date('2026-11-24T10:30:00Z'), defaultPollLimits);
 * // { start: 10:00:00, end: 10:15:00 }
 */
const nextWindow = (
  checkpoint: string | undefined,
  now: Date,
  limits: PollLimits,
  spanMs: number = limits.maxSpanMs,
): PollWindow | undefined => {
  const start =
    checkpoint === undefined ? new Date(now.getTime() - limits.initialLookbackMs) : checkpointDate(checkpoint);
  const span = Math.max(limits.minSpanMs, Math.min(spanMs, limits.maxSpanMs));
  const end = Math.min(start.getTime() + span, now.getTime() - limits.settleMs);
  return end > start.getTime() ? { start, end: new Date(end) } : undefined;
};

/** The first half of a window (never below the minimum span); undefined when it cannot shrink any more. */
const halveWindow = (window: PollWindow, limits: PollLimits): PollWindow | undefined => {
  const span = window.end.getTime() - window.start.getTime();
  if (span <= limits.minSpanMs) return undefined;
  const half = Math.max(limits.minSpanMs, Math.floor(span / 2));
  return { start: window.start, end: new Date(window.start.getTime() + half) };
};

const spanOf = (window: PollWindow): number => window.end.getTime() - window.start.getTime();

/**
 * KQL over `AzureActivity` for one window: Administrative rows of the operations the rules can match (all of them when
 * some rule has no operation constraint), ingested in `(start − overlap, end]`, oldest first, at most `rowCap` rows.
 *
 * @example
 * const { query, timespan } = activityQuery(window, ruleSet.operations('azure'), defaultPollLimits);
 * await client.queryWorkspace(workspaceId, query, timespan);
 */
const activityQuery = (
  window: PollWindow,
  operations: OperationFilter,
  limits: PollLimits,
  rowCap: number = limits.maxRows + 1,
): ActivityQuery => {
  const from = new Date(window.start.getTime() - limits.overlapMs);
  const generatedAfter = new Date(from.getTime() - limits.lookbackMs);
  const names = [...new Set(operations.names)];
  const operationFilter =
    operations.any || names.length === 0 ? [] : [`| where OperationNameValue in~ (${names.map(kqlString).join(', ')})`];
  const query = [
    'AzureActivity',
    `| where TimeGenerated > ${kqlDatetime(generatedAfter)}`,
    `| where ingestion_time() > ${kqlDatetime(from)} and ingestion_time() <= ${kqlDatetime(window.end)}`,
    '| where CategoryValue == "Administrative"',
    ...operationFilter,
    '| extend Ingested = ingestion_time()',
    '| order by Ingested asc',
    `| take ${rowCap}`,
    `| project ${projectedColumns.join(', ')}`,
  ].join('\n');
  // TimeGenerated comes before ingestion; the hour past the window end only tolerates clock skew between emitters.
  return { query, timespan: { startTime: generatedAfter, endTime: new Date(window.end.getTime() + 60 * minute) } };
};

/** A window that returned more than `maxRows` rows must shrink; at the minimum span the API limit applies instead. */
const isOverfull = (rows: number, limits: PollLimits): boolean => rows > limits.maxRows;

export {
  type ActivityQuery,
  activityQuery,
  apiRowLimit,
  checkpointDate,
  defaultPollLimits,
  halveWindow,
  isOverfull,
  nextWindow,
  type OperationFilter,
  type PollLimits,
  type PollWindow,
  PollWindowError,
  projectedColumns,
  resultColumns,
  spanOf,
};
