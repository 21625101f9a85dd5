import type { GcpPollerSettings } from '../config/gcp-config.js';
import {
  decodeOverlapState,
  encodeOverlapState,
  type OverlapState,
  overlapTail,
  type ReadEntry,
} from '../core/sources/gcp/overlap-state.js';
import {
  type AuditLogKind,
  halveWindow,
  type MethodSet,
  nextSpan,
  nextWindow,
  type PollTiming,
} from '../core/sources/gcp/poll-window.js';
import { type Checkpoint, CheckpointConflictError, type CheckpointStore } from '../stores/checkpoint-port.js';
import {
  emptyCounts,
  readWindow,
  type StopReason,
  type WindowCounts,
  type WindowLimits,
  type WindowPorts,
} from './gcp-window-reader.js';

type GcpPollSettings = {
  readonly resourceNames: readonly string[];
  /** The rule index's GCP method names (`ruleSet.operations('gcp')`). */
  readonly methods: MethodSet;
  /** The audit logs read (default Admin Activity only). */
  readonly logs?: readonly AuditLogKind[];
  readonly pageSize: number;
  readonly maxPagesPerRun: number;
  readonly maxPagesPerWindow: number;
  readonly serverRetries: number;
  readonly timing: PollTiming;
  /** No page is started with less invocation time left than this (default 5 s). */
  readonly marginMs?: number;
};

type GcpPollPorts = WindowPorts & { readonly checkpoints: CheckpointStore };

type ResourceReport = {
  readonly resource: string;
  /** Windows finished (checkpoint advanced) and halvings made in this run. */
  windows: number;
  halvings: number;
  counts: WindowCounts;
  /** The checkpoint after the run (window end on `receiveTimestamp`), and now minus it. */
  checkpoint: string | undefined;
  lagSeconds: number | undefined;
  stopped?: StopReason;
  detail?: string;
};

type GcpPollReport = {
  readonly resources: readonly ResourceReport[];
  readonly totals: WindowCounts;
  /** The largest lag over resources that have a checkpoint (the `PollerLagSeconds` metric). */
  readonly lagSeconds: number | undefined;
  /** A stop that needs a person (credentials, permissions, publishing, the state table); not quota or 5xx. */
  readonly failed: boolean;
};

/** Stops that end the invocation with an error; quota, 5xx, budget and deadline are waited out by the next run. */
const failures: ReadonlySet<StopReason> = new Set(['rejected', 'publish', 'dead-letter', 'checkpoint']);

const addCounts = (into: WindowCounts, from: WindowCounts): void => {
  for (const key of Object.keys(into) as (keyof WindowCounts)[]) into[key] += from[key];
};

const keyOf = (resource: string) => ({ provider: 'gcp', resource });

/**
 * One resource: window after window from its checkpoint until caught up (now − settle), the budget is spent or a
 * stop. A window that needs more pages than allowed is halved and read again (its published entries are skipped); the
 * checkpoint moves to a window's end only after every page of it was published, conditional on its previous value.
 */
const pollResource = async (
  resource: string,
  initial: Checkpoint | undefined,
  settings: GcpPollSettings,
  run: { readonly budget: { pages: number } },
  ports: GcpPollPorts,
): Promise<ResourceReport> => {
  const { timing } = settings;
  const report: ResourceReport = {
    resource,
    windows: 0,
    halvings: 0,
    counts: emptyCounts(),
    checkpoint: initial?.position,
    lagSeconds: undefined,
  };
  let checkpoint = initial;
  let state: OverlapState = decodeOverlapState(initial?.state);
  let span = state.spanMs ?? timing.maxSpanMs;
  let seen = new Set(state.seen);
  // Entries a halved window's earlier try read past its new end: published, so the next window must skip them too.
  let carried: ReadEntry[] = [];
  for (;;) {
    const window = nextWindow({ checkpoint: checkpoint?.position, now: ports.clock(), spanMs: span, timing });
    if (window === undefined) break;
    const atMinimum = window.end.getTime() - window.from.getTime() <= timing.minSpanMs;
    const limits: WindowLimits = {
      pageSize: settings.pageSize,
      pageLimit: atMinimum ? Number.POSITIVE_INFINITY : settings.maxPagesPerWindow,
      serverRetries: settings.serverRetries,
      budget: run.budget,
      marginMs: settings.marginMs ?? 5_000,
    };
    const outcome = await readWindow(
      { resource, window, methods: settings.methods, logs: settings.logs ?? ['activity'] },
      seen,
      limits,
      ports,
    );
    addCounts(report.counts, outcome.counts);
    if (outcome.kind === 'overrun') {
      carried.push(...outcome.read);
      const halved = halveWindow(window, timing);
      span = halved === undefined ? timing.minSpanMs : halved.end.getTime() - halved.from.getTime();
      report.halvings += 1;
      ports.telemetry.count('WindowsHalved', 1);
      continue;
    }
    if (outcome.kind === 'stopped') {
      report.stopped = outcome.reason;
      report.detail = outcome.detail;
      break;
    }
    const tail = overlapTail([...carried, ...outcome.read], window, timing);
    carried = [];
    if (tail.truncated > 0) ports.telemetry.count('OverlapKeysDropped', tail.truncated);
    span = nextSpan(span, outcome.counts.pages, settings.maxPagesPerWindow, timing);
    state = { spanMs: span, seen: tail.seen };
    try {
      const update = { position: window.end.toISOString(), state: encodeOverlapState(state) };
      checkpoint = await ports.checkpoints.advance(keyOf(resource), checkpoint, update, ports.clock());
    } catch (error) {
      report.stopped = 'checkpoint';
      report.detail =
        error instanceof CheckpointConflictError ? error.message : `checkpoint write failed: ${String(error)}`;
      break;
    }
    seen = new Set(tail.seen);
    report.windows += 1;
    report.checkpoint = checkpoint.position;
  }
  return report;
};

/**
 * One poller run over every configured resource name, the one furthest behind first. A 429 ends the run (the quota
 * is per project and minute); other stops end only their resource. Lag = now − checkpoint.
 *
 * @example
 * const report = await pollGcp(settings, ports); // report.totals.published, report.lagSeconds
 */
const pollGcp = async (settings: GcpPollSettings, ports: GcpPollPorts): Promise<GcpPollReport> => {
  const run = { budget: { pages: settings.maxPagesPerRun } };
  const checkpoints = await Promise.all(
    settings.resourceNames.map((resource) => ports.checkpoints.read(keyOf(resource))),
  );
  const order = settings.resourceNames
    .map((resource, index) => ({ resource, checkpoint: checkpoints[index] }))
    .sort((a, b) => (a.checkpoint?.position ?? '').localeCompare(b.checkpoint?.position ?? ''));
  const resources: ResourceReport[] = [];
  let quotaHit = false;
  for (const { resource, checkpoint } of order) {
    if (quotaHit) {
      const counts = emptyCounts();
      const position = checkpoint?.position;
      resources.push({
        resource,
        windows: 0,
        halvings: 0,
        counts,
        checkpoint: position,
        lagSeconds: undefined,
        stopped: 'quota',
      });
      continue;
    }
    const report = await pollResource(resource, checkpoint, settings, run, ports);
    resources.push(report);
    quotaHit = report.stopped === 'quota';
  }
  const now = ports.clock().getTime();
  for (const report of resources)
    report.lagSeconds =
      report.checkpoint === undefined ? undefined : Math.max(0, (now - Date.parse(report.checkpoint)) / 1000);
  const lags = resources.flatMap((report) => (report.lagSeconds === undefined ? [] : [report.lagSeconds]));
  const totals = emptyCounts();
  for (const report of resources) addCounts(totals, report.counts);
  return {
    resources,
    totals,
    lagSeconds: lags.length === 0 ? undefined : Math.max(...lags),
    failed: resources.some((report) => report.stopped !== undefined && failures.has(report.stopped)),
  };
};

/** Seconds and minutes of the deploy-time settings → the poll loop's milliseconds. */
const pollSettingsOf = (gcp: GcpPollerSettings, methods: MethodSet, requestTimeoutMs: number): GcpPollSettings => {
  const timing: PollTiming = {
    overlapMs: gcp.overlapSeconds * 1_000,
    settleMs: gcp.settleSeconds * 1_000,
    latenessMs: gcp.latenessMinutes * 60_000,
    initialLookbackMs: gcp.initialLookbackMinutes * 60_000,
    maxSpanMs: gcp.maxWindowMinutes * 60_000,
    minSpanMs: 10_000,
  };
  const { resourceNames, pageSize, maxPagesPerRun, maxPagesPerWindow, serverRetries, auditLogs: logs } = gcp;
  // A page is started only with time left for its request (its timeout) and for publishing what it holds.
  const marginMs = requestTimeoutMs + 5_000;
  return { resourceNames, methods, logs, pageSize, maxPagesPerRun, maxPagesPerWindow, serverRetries, timing, marginMs };
};

export { type GcpPollPorts, type GcpPollReport, type GcpPollSettings, pollGcp, pollSettingsOf, type ResourceReport };
