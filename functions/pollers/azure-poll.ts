import type { ActivityLogs, WireTable } from '../clients/azure-logs.js';
import type { DeadLetterSink } from '../clients/dead-letter-queue.js';
import {
  activityQuery,
  apiRowLimit,
  halveWindow,
  isOverfull,
  nextWindow,
  type OperationFilter,
  type PollLimits,
  type PollWindow,
  spanOf,
} from '../core/sources/azure/poll-query.js';
import { type PipelineOptions, type PipelinePorts, runPipeline, type Telemetry } from '../pipeline.js';
import { type Checkpoint, CheckpointConflictError, type CheckpointStore } from '../stores/checkpoint-port.js';
import { deadLettersOf, overlapState, readWindowRows, seenFromState } from './azure-window-rows.js';

type PollTelemetry = Telemetry & {
  seconds(name: string, value: number): void;
  error(message: string, details: Readonly<Record<string, unknown>>): void;
};

type AzurePollPorts = Omit<PipelinePorts, 'telemetry'> & {
  readonly logs: ActivityLogs;
  readonly checkpoints: CheckpointStore;
  /** Where unreadable rows are parked (the poller's DLQ) before the checkpoint passes them. */
  readonly deadLetters: DeadLetterSink;
  readonly telemetry: PollTelemetry;
  readonly sleep: (milliseconds: number) => Promise<void>;
};

type AzurePollSettings = Omit<PipelineOptions, 'channel'> & {
  readonly workspaceIds: readonly string[];
  readonly operations: OperationFilter;
  readonly limits: PollLimits;
  /** No query starts after this instant: the rest waits for the next run, from the checkpoint. */
  readonly deadline: Date;
  /** Throttled answers in a row (after the SDK's own retries) before the run gives the workspace up. */
  readonly maxThrottles: number;
};

class AzurePollError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AzurePollError';
  }
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

const counters = [
  'windows',
  'rows',
  'events',
  'malformedRows',
  'startRecords',
  'repeatedRows',
  'findings',
  'published',
  'duplicateFindings',
  'partialFailures',
  'throttles',
] as const;

/** What one run did for one workspace; `error` set means the checkpoint stayed where the failure happened. */
type WorkspaceReport = Record<(typeof counters)[number], number> & {
  workspaceId: string;
  checkpoint: string | undefined;
  lagSeconds: number | undefined;
  error: string | undefined;
};

const emptyReport = (workspaceId: string): WorkspaceReport => ({
  ...(Object.fromEntries(counters.map((name) => [name, 0])) as Record<(typeof counters)[number], number>),
  workspaceId,
  checkpoint: undefined,
  lagSeconds: undefined,
  error: undefined,
});

const backoffMs = (retryAfterMs: number | undefined, attempt: number): number =>
  Math.max(retryAfterMs ?? 0, Math.min(30_000, 1_000 * 2 ** (attempt - 1)));

type Fetched = { readonly window: PollWindow; readonly tables: readonly WireTable[]; readonly rows: number };

/**
 * Queries one window until it is read whole: `PartialFailure` or more rows than the cap halve it, 429 waits and asks
 * again. A window is never skipped: what cannot be read throws, and the checkpoint stays.
 */
const fetchWindow = async (
  workspaceId: string,
  first: PollWindow,
  settings: AzurePollSettings,
  ports: AzurePollPorts,
  report: WorkspaceReport,
): Promise<Fetched | undefined> => {
  const { limits } = settings;
  let window = first;
  let rowCap = limits.maxRows + 1;
  let throttles = 0;
  for (;;) {
    if (ports.clock() >= settings.deadline) return undefined;
    const outcome = await ports.logs.query(workspaceId, activityQuery(window, settings.operations, limits, rowCap));
    if (outcome.kind === 'throttled') {
      report.throttles += 1;
      throttles += 1;
      ports.telemetry.count('QueryThrottled', 1);
      if (throttles > settings.maxThrottles)
        throw new AzurePollError(`throttled ${throttles} times: ${outcome.message}`);
      await ports.sleep(backoffMs(outcome.retryAfterMs, throttles));
      continue;
    }
    if (outcome.kind === 'partial') {
      report.partialFailures += 1;
      ports.telemetry.count('QueryPartialFailures', 1);
      ports.telemetry.warn('partial query result: halving the window', {
        workspaceId,
        window: `${window.start.toISOString()}..${window.end.toISOString()}`,
        code: outcome.code,
        message: outcome.message,
        partialRows: outcome.rows,
      });
      const half = halveWindow(window, limits);
      if (half === undefined)
        throw new AzurePollError(`PartialFailure (${outcome.code}) on a window of the minimum span`);
      window = half;
      continue;
    }
    const rows = outcome.tables.reduce((sum, table) => sum + table.rows.length, 0);
    if (rowCap <= limits.maxRows + 1 && isOverfull(rows, limits)) {
      const half = halveWindow(window, limits);
      if (half === undefined)
        rowCap = apiRowLimit; // cannot shrink: read it whole, up to the API's own limit
      else window = half;
      continue;
    }
    if (rows >= apiRowLimit) throw new AzurePollError(`window holds ${apiRowLimit} rows or more at the minimum span`);
    return { window, tables: outcome.tables, rows };
  }
};

/** Windows of one workspace until caught up or out of time; the checkpoint advances after each published window. */
const pollWorkspace = async (
  workspaceId: string,
  settings: AzurePollSettings,
  ports: AzurePollPorts,
): Promise<WorkspaceReport> => {
  const report = emptyReport(workspaceId);
  const key = { provider: 'azure', resource: workspaceId };
  const options: PipelineOptions = { ruleSet: settings.ruleSet, suppressions: settings.suppressions, channel: 'poll' };
  let checkpoint: Checkpoint | undefined;
  try {
    checkpoint = await ports.checkpoints.read(key);
    const seen = seenFromState(checkpoint?.state);
    let span = settings.limits.maxSpanMs;
    for (;;) {
      const planned = nextWindow(checkpoint?.position, ports.clock(), settings.limits, span);
      if (planned === undefined) break;
      const fetched = await fetchWindow(workspaceId, planned, settings, ports, report);
      if (fetched === undefined) break;
      const receivedAt = ports.clock();
      const { window } = fetched;
      const source = `azure:${workspaceId}:${window.start.toISOString()}..${window.end.toISOString()}`;
      const rows = readWindowRows(fetched.tables, source, seen);
      // Unreadable rows: logged with their location and parked in the DLQ before the checkpoint may pass them.
      for (const { error } of rows.malformed)
        ports.telemetry.error('malformed row', { workspaceId, location: error.location, error: error.message });
      await ports.deadLetters.send(deadLettersOf(rows, workspaceId, source));
      const result = await runPipeline(rows.events, receivedAt, options, ports);
      report.windows += 1;
      report.rows += fetched.rows;
      report.events += rows.events.length;
      report.malformedRows += rows.malformed.length;
      report.startRecords += rows.startRecords;
      report.repeatedRows += rows.repeated;
      report.findings += result.findings;
      report.published += result.published.length;
      report.duplicateFindings += result.duplicates;
      if (result.failed.length > 0)
        throw new AzurePollError(`${result.failed.length} finding(s) not published: ${JSON.stringify(result.failed)}`);
      const state = overlapState(rows, window.end, settings.limits.overlapMs);
      const update = { position: window.end.toISOString(), ...(state === undefined ? {} : { state }) };
      checkpoint = await ports.checkpoints.advance(key, checkpoint, update, ports.clock());
      // A window that had to shrink grows back one doubling per success.
      span = Math.min(settings.limits.maxSpanMs, spanOf(window) * 2);
    }
  } catch (error) {
    report.error = describe(error);
    if (error instanceof CheckpointConflictError)
      ports.telemetry.warn('checkpoint moved by another run', { workspaceId });
    else
      ports.telemetry.error('workspace poll failed; its window will be read again', {
        workspaceId,
        error: report.error,
      });
  }
  report.checkpoint = checkpoint?.position;
  // Without any checkpoint the workspace has never been read: as far behind as the first window would start.
  report.lagSeconds =
    checkpoint === undefined
      ? settings.limits.initialLookbackMs / 1_000
      : Math.max(0, (ports.clock().getTime() - Date.parse(checkpoint.position)) / 1_000);
  return report;
};

const metricTotals: readonly (readonly [string, (report: WorkspaceReport) => number])[] = [
  ['RowsRead', (r) => r.rows],
  ['MalformedRows', (r) => r.malformedRows],
  ['StartRecordsSkipped', (r) => r.startRecords],
  ['WindowsPolled', (r) => r.windows],
  ['WorkspaceFailures', (r) => (r.error === undefined ? 0 : 1)],
];

/**
 * One poll of every workspace (DESIGN §1.3): windows on `ingestion_time()` → query → decode → pipeline → checkpoint.
 * Workspaces are independent: one failing leaves the others' progress. `PollerLagSeconds` is the worst lag.
 *
 * @example
 * const reports = await pollAzure(settings, ports);
 * if (reports.some((r) => r.error !== undefined)) throw new AzurePollError('…');
 */
const pollAzure = async (settings: AzurePollSettings, ports: AzurePollPorts): Promise<WorkspaceReport[]> => {
  const reports: WorkspaceReport[] = [];
  for (const workspaceId of settings.workspaceIds) reports.push(await pollWorkspace(workspaceId, settings, ports));
  for (const [name, pick] of metricTotals)
    ports.telemetry.count(
      name,
      reports.reduce((sum, r) => sum + pick(r), 0),
    );
  const lags = reports.flatMap((r) => (r.lagSeconds === undefined ? [] : [r.lagSeconds]));
  if (lags.length > 0) ports.telemetry.seconds('PollerLagSeconds', Math.max(...lags));
  return reports;
};

export {
  AzurePollError,
  type AzurePollPorts,
  type AzurePollSettings,
  type PollTelemetry,
  pollAzure,
  type WorkspaceReport,
};
