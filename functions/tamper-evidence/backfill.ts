import type { EventLookup, LookupQuery } from '../clients/cloudtrail.js';
import type { AuditEvent } from '../core/audit-event.js';
import { backfillWindow } from '../core/backfill-plan.js';
import { splitCanary } from '../core/canary.js';
import { eventsFromValue } from '../core/formats/read-input.js';
import type { CompiledRule } from '../core/sigma/rule-set.js';
import { type PipelineOptions, type PipelinePorts, runPipeline } from '../pipeline.js';
import { type Checkpoint, CheckpointConflictError, type CheckpointStore } from '../stores/checkpoint-port.js';

type BackfillSettings = {
  readonly overlapMs: number;
  readonly initialLookbackMs: number;
  readonly settleMs: number;
};

type BackfillRequest = {
  readonly account: string;
  readonly region: string;
  /** `routine`: the configured names; `full`: every name an AWS rule can match (while blind, and on recovery). */
  readonly mode: 'routine' | 'full';
  readonly names: readonly string[];
  /** Event sources to look up as well (rules without an event-name constraint); full runs only. */
  readonly sources?: readonly string[];
  /** When blindness began, if it did: the window reaches back to it. */
  readonly blindSince?: number;
  /** Stop looking up before this time; the watermark then stays where it was. */
  readonly deadline: number;
};

type BackfillPorts = PipelinePorts & {
  readonly lookup: EventLookup;
  readonly checkpoints: CheckpointStore;
  readonly canaryRule: CompiledRule | undefined;
};

type BackfillReport = {
  readonly mode: 'routine' | 'full';
  readonly window: { readonly start: string; readonly end: string };
  readonly names: number;
  readonly lookups: number;
  readonly events: number;
  readonly findings: number;
  /** Findings never claimed before: the real-time path missed them (fast-path misses), now published. */
  readonly recovered: number;
  readonly duplicates: number;
  readonly suppressed: number;
  readonly failed: number;
  readonly complete: boolean;
  readonly watermarkAdvanced: boolean;
  readonly errors: readonly string[];
};

/** Where backfill stands for one account and region (DESIGN §1.4: watermark per region, 15 min overlap). */
const watermarkKey = (account: string, region: string) => ({ provider: 'aws', resource: `${account}/${region}` });

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

const decodePage = (page: unknown, source: string): { events: AuditEvent[]; errors: string[] } => {
  const items = eventsFromValue(page, source);
  return {
    events: items.flatMap((item) => (item.kind === 'event' ? [item.event] : [])),
    errors: items.flatMap((item) => (item.kind === 'error' ? [item.error.message] : [])),
  };
};

/**
 * One backfill run for one region: LookupEvents for each name over `[watermark − overlap, now − settle)`, decoded and
 * run through the same pipeline with `channel: "backfill"`; claims make overlaps with the real-time path harmless, and
 * a finding that claims fresh is a fast-path miss (`recovered`). The watermark moves to the window end only when every
 * name was read and every finding published; otherwise the next run reads the window again.
 *
 * @example
 * const report = await runBackfill({ account, region, mode: 'routine', names, deadline }, settings, options, ports);
 */
const runBackfill = async (
  request: BackfillRequest,
  settings: BackfillSettings,
  options: Omit<PipelineOptions, 'channel'>,
  ports: BackfillPorts,
): Promise<BackfillReport> => {
  const key = watermarkKey(request.account, request.region);
  const previous: Checkpoint | undefined = await ports.checkpoints.read(key);
  const watermark = previous === undefined ? undefined : Date.parse(previous.position);
  const now = ports.clock().getTime();
  const window = backfillWindow({
    now,
    ...(watermark === undefined || Number.isNaN(watermark) ? {} : { watermark }),
    ...(request.blindSince === undefined ? {} : { blindSince: request.blindSince }),
    ...settings,
  });
  const counts = { lookups: 0, events: 0, findings: 0, recovered: 0, duplicates: 0, suppressed: 0, failed: 0 };
  const errors: string[] = [];
  let complete = window.start < window.end;
  const pipelineOptions: PipelineOptions = { ...options, channel: 'backfill' };
  const range = { start: new Date(window.start), end: new Date(window.end) };
  const queries: LookupQuery[] = [
    ...request.names.map((eventName) => ({ eventName, ...range })),
    ...(request.sources ?? []).map((eventSource) => ({ eventSource, ...range })),
  ];
  for (const query of window.start < window.end ? queries : []) {
    const label = 'eventSource' in query ? query.eventSource : query.eventName;
    if (ports.clock().getTime() >= request.deadline) {
      complete = false;
      errors.push(`deadline reached before ${label}`);
      break;
    }
    try {
      for await (const page of ports.lookup.lookup(query)) {
        counts.lookups += 1;
        const decoded = decodePage(page, `lookup-events:${request.region}:${label}`);
        errors.push(...decoded.errors);
        const { rest } = splitCanary(decoded.events, ports.canaryRule);
        counts.events += rest.length;
        if (rest.length === 0) continue;
        const result = await runPipeline(rest, ports.clock(), pipelineOptions, ports);
        counts.findings += result.findings;
        counts.recovered += result.published.length;
        counts.duplicates += result.duplicates;
        counts.suppressed += result.suppressed;
        counts.failed += result.failed.length;
      }
    } catch (error) {
      complete = false;
      errors.push(`${label}: ${describe(error)}`);
    }
  }
  const done = complete && counts.failed === 0;
  let watermarkAdvanced = false;
  if (done) {
    try {
      await ports.checkpoints.advance(key, previous, { position: new Date(window.end).toISOString() }, ports.clock());
      watermarkAdvanced = true;
    } catch (error) {
      if (!(error instanceof CheckpointConflictError)) throw error;
      errors.push('watermark moved by another run; this run leaves it');
    }
  }
  ports.telemetry.count('BackfillFindings', counts.recovered, { name: 'region', value: request.region });
  ports.telemetry.count('BackfillEvents', counts.events, { name: 'region', value: request.region });
  return {
    mode: request.mode,
    window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() },
    names: queries.length,
    ...counts,
    complete: done,
    watermarkAdvanced,
    errors,
  };
};

export {
  type BackfillPorts,
  type BackfillReport,
  type BackfillRequest,
  type BackfillSettings,
  runBackfill,
  watermarkKey,
};
