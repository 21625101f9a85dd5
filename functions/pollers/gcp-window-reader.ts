import type { DeadLetter, DeadLetterSink } from '../clients/dead-letter-queue.js';
import { type EntriesPage, type EntriesRequest, GcpApiError, type LogEntrySource } from '../clients/gcp-logging.js';
import type { AuditEvent } from '../core/audit-event.js';
import { eventsFromValue } from '../core/formats/read-input.js';
import { entryKey, type ReadEntry, receivedAtOf } from '../core/sources/gcp/overlap-state.js';
import {
  type AuditLogKind,
  buildEntriesFilter,
  type MethodSet,
  type PollWindow,
} from '../core/sources/gcp/poll-window.js';
import type { PipelineResult, Telemetry } from '../pipeline.js';

/** The pipeline's telemetry plus what a poller reports: gauges in seconds and informational logs. */
type PollTelemetry = Telemetry & {
  seconds(name: string, value: number): void;
  info(message: string, details: Readonly<Record<string, unknown>>): void;
};

type WindowPorts = {
  readonly source: LogEntrySource;
  /** The pipeline bound to its options: detect → suppress → claim → publish. */
  readonly process: (events: readonly AuditEvent[], receivedAt: Date) => Promise<PipelineResult>;
  readonly deadLetters: DeadLetterSink;
  readonly clock: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** Milliseconds left in this invocation. */
  readonly remainingMs: () => number;
  readonly telemetry: PollTelemetry;
};

type WindowLimits = {
  readonly pageSize: number;
  /** Pages this window may use before it counts as an overrun (Infinity at minimum span). */
  readonly pageLimit: number;
  readonly serverRetries: number;
  /** Pages left in this run, shared by every resource (the per-minute quota is per project). */
  readonly budget: { pages: number };
  /** No page is started with less time left than this. */
  readonly marginMs: number;
};

/** Why a run stopped reading a resource before its window was done; the checkpoint stays where it was. */
type StopReason = 'quota' | 'server' | 'rejected' | 'budget' | 'deadline' | 'publish' | 'dead-letter' | 'checkpoint';

type WindowCounts = {
  pages: number;
  entries: number;
  /** Entries read before (overlap, or an earlier try of a halved window) and skipped. */
  repeated: number;
  events: number;
  notices: number;
  malformed: number;
  findings: number;
  published: number;
  duplicates: number;
  suppressed: number;
};

type WindowOutcome =
  | { readonly kind: 'done'; readonly read: readonly ReadEntry[]; readonly counts: WindowCounts }
  | { readonly kind: 'overrun'; readonly read: readonly ReadEntry[]; readonly counts: WindowCounts }
  | { readonly kind: 'stopped'; readonly reason: StopReason; readonly detail: string; readonly counts: WindowCounts };

const emptyCounts = (): WindowCounts => ({
  pages: 0,
  entries: 0,
  repeated: 0,
  events: 0,
  notices: 0,
  malformed: 0,
  findings: 0,
  published: 0,
  duplicates: 0,
  suppressed: 0,
});

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
const backoffMs = (attempt: number): number => 500 * 2 ** attempt;

type Fetched = { readonly page: EntriesPage } | { readonly reason: StopReason; readonly detail: string };

/** One page; a 5xx or network error is retried with backoff while time allows, a 429 never (it ends the run). */
const fetchPage = async (request: EntriesRequest, limits: WindowLimits, ports: WindowPorts): Promise<Fetched> => {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return { page: await ports.source.listEntries(request) };
    } catch (error) {
      if (!(error instanceof GcpApiError)) throw error;
      ports.telemetry.count('GcpApiErrors', 1, { name: 'failure', value: error.failure });
      if (error.failure !== 'server') return { reason: error.failure, detail: error.message };
      const wait = backoffMs(attempt);
      if (attempt >= limits.serverRetries || ports.remainingMs() - wait < limits.marginMs)
        return { reason: 'server', detail: error.message };
      ports.telemetry.warn('entries:list failed, retrying', {
        error: error.message,
        attempt: attempt + 1,
        waitMs: wait,
      });
      await ports.sleep(wait);
    }
  }
};

/** `entries[3]…` in the page of fresh entries → the same place in the page as served. */
const servedPlace = (location: string, indices: readonly number[]): { location: string; index?: number } => {
  const match = /^entries\[(\d+)\]/.exec(location);
  const index = match === null ? undefined : indices[Number(match[1])];
  if (match === null || index === undefined) return { location };
  return { location: `entries[${index}]${location.slice(match[0].length)}`, index };
};

type PageWork = { events: AuditEvent[]; letters: DeadLetter[]; fresh: string[] };

/** Splits one page: entries seen before are skipped; the rest decode into events, notices, or dead letters. */
const splitPage = (
  page: EntriesPage,
  context: { resource: string; source: string; seen: ReadonlySet<string>; read: ReadEntry[]; counts: WindowCounts },
  telemetry: PollTelemetry,
): PageWork => {
  const fresh: { raw: unknown; index: number; key: string }[] = [];
  page.entries.forEach((raw, index) => {
    const key = entryKey(raw);
    context.read.push({ key, receivedAtMs: receivedAtOf(raw) });
    if (context.seen.has(key)) context.counts.repeated += 1;
    else fresh.push({ raw, index, key });
  });
  context.counts.entries += page.entries.length;
  const indices = fresh.map((entry) => entry.index);
  const work: PageWork = { events: [], letters: [], fresh: fresh.map((entry) => entry.key) };
  if (fresh.length === 0) return work;
  for (const item of eventsFromValue({ entries: fresh.map((entry) => entry.raw) }, context.source)) {
    if (item.kind === 'event') work.events.push(item.event);
    else if (item.kind === 'notice') {
      context.counts.notices += 1;
      const { location } = servedPlace(item.location, indices);
      telemetry.info('entry not matched', { source: context.source, location, notice: item.message });
    } else {
      const place = servedPlace(item.error.location, indices);
      const record = place.index === undefined ? null : page.entries[place.index];
      work.letters.push({
        provider: 'gcp',
        resource: context.resource,
        source: context.source,
        location: place.location,
        reason: item.error.reason,
        record,
      });
    }
  }
  return work;
};

/**
 * Reads one window to its end, page by page: each page's fresh entries are decoded, unreadable ones sent to the dead
 * letter queue, and events run through the pipeline before the next page is asked for. `seen` gains a page's keys only
 * once that page is published. `done` carries every entry read, for the next window's overlap.
 */
const readWindow = async (
  target: {
    readonly resource: string;
    readonly window: PollWindow;
    readonly methods: MethodSet;
    readonly logs: readonly AuditLogKind[];
  },
  seen: Set<string>,
  limits: WindowLimits,
  ports: WindowPorts,
): Promise<WindowOutcome> => {
  const { resource, window } = target;
  const { filter, widened } = buildEntriesFilter(window, target.methods, target.logs);
  if (widened) ports.telemetry.warn('method filter over 20,000 characters: reading every Admin Activity entry', {});
  const counts = emptyCounts();
  const read: ReadEntry[] = [];
  const span = `[${window.start.toISOString()}, ${window.end.toISOString()})`;
  let pageToken: string | undefined;
  do {
    if (counts.pages >= limits.pageLimit) return { kind: 'overrun', read, counts };
    if (limits.budget.pages <= 0) return { kind: 'stopped', reason: 'budget', detail: 'page budget spent', counts };
    if (ports.remainingMs() < limits.marginMs)
      return { kind: 'stopped', reason: 'deadline', detail: 'invocation time nearly spent', counts };
    const request = { resourceNames: [resource], filter, pageSize: limits.pageSize, ...(pageToken && { pageToken }) };
    const fetched = await fetchPage(request, limits, ports);
    if (!('page' in fetched)) return { kind: 'stopped', ...fetched, counts };
    limits.budget.pages -= 1;
    counts.pages += 1;
    const receivedAt = ports.clock();
    const source = `entries:list ${resource} ${span} page ${counts.pages}`;
    const work = splitPage(fetched.page, { resource, source, seen, read, counts }, ports.telemetry);
    if (work.letters.length > 0) {
      counts.malformed += work.letters.length;
      ports.telemetry.count('MalformedEntries', work.letters.length);
      for (const letter of work.letters)
        ports.telemetry.warn('malformed entry sent to the dead-letter queue', {
          source: letter.source,
          location: letter.location,
          reason: letter.reason,
        });
      try {
        await ports.deadLetters.send(work.letters);
      } catch (error) {
        return { kind: 'stopped', reason: 'dead-letter', detail: describe(error), counts };
      }
    }
    counts.events += work.events.length;
    let result: PipelineResult;
    try {
      result = await ports.process(work.events, receivedAt);
    } catch (error) {
      return { kind: 'stopped', reason: 'publish', detail: describe(error), counts };
    }
    counts.findings += result.findings;
    counts.published += result.published.length;
    counts.duplicates += result.duplicates;
    counts.suppressed += result.suppressed;
    if (result.failed.length > 0)
      return { kind: 'stopped', reason: 'publish', detail: `${result.failed.length} finding(s) not published`, counts };
    for (const key of work.fresh) seen.add(key);
    pageToken = fetched.page.nextPageToken;
  } while (pageToken !== undefined);
  return { kind: 'done', read, counts };
};

export {
  emptyCounts,
  type PollTelemetry,
  readWindow,
  type StopReason,
  type WindowCounts,
  type WindowLimits,
  type WindowOutcome,
  type WindowPorts,
};
