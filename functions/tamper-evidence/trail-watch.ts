import * as z from 'zod';
import type { EventLookup, TrailReader } from '../clients/cloudtrail.js';
import { healthFinding, hourBucket } from '../core/findings/health.js';
import type { Finding, Severity } from '../core/findings/types.js';
import { once } from '../core/once.js';
import type { CompiledRule } from '../core/sigma/rule-set.js';
import { type RegionHealth, regionHealth, type TrailSnapshot } from '../core/trail-health.js';
import type { PipelineOptions, PipelinePorts } from '../pipeline.js';
import { CheckpointConflictError, type CheckpointStore } from '../stores/checkpoint-port.js';
import { type BackfillReport, type BackfillSettings, runBackfill } from './backfill.js';
import { publishHealthFindings } from './health-publish.js';

type WatchdogSettings = {
  readonly account: string;
  readonly regions: readonly string[];
  readonly maxDeliveryAgeMs: number;
  /**
   * ≤ 20 names for the routine run; `all`: every name an AWS rule can match, while blind and on recovery, with the
   * event sources of rules that name no event (`sources`).
   */
  readonly names: {
    readonly routine: readonly string[];
    readonly all: readonly string[];
    readonly sources?: readonly string[];
  };
  readonly backfill: BackfillSettings;
  /** Stop starting new lookups after this time (the function's deadline minus a reserve). */
  readonly deadline: number;
};

type WatchdogPorts = PipelinePorts & {
  readonly cloudtrail: (region: string) => TrailReader & EventLookup;
  readonly checkpoints: CheckpointStore;
  readonly canaryRule: CompiledRule | undefined;
};

type RegionReport = {
  readonly region: string;
  readonly state?: RegionHealth['state'];
  readonly problems: readonly string[];
  readonly covering: readonly string[];
  readonly backfill?: BackfillReport;
  readonly published: readonly string[];
  readonly error?: string;
};

/**
 * The watchdog's memory per account and region (checkpoint `trail-health#<account>/<region>`, in `state`); built on
 * first use, not at import (cold start).
 */
const healthState = once(() =>
  z.object({
    state: z.enum(['healthy', 'degraded', 'blind']),
    severity: z.enum(['critical', 'high']).optional(),
    /** While blind: since when (ISO). */
    since: z.string().optional(),
    /** While blind: findings backfill recovered since blindness began. */
    recovered: z.number().int().nonnegative().default(0),
    checkedAt: z.string(),
  }),
);
type HealthState = z.output<ReturnType<typeof healthState>>;

const stateKey = (account: string, region: string) => ({ provider: 'trail-health', resource: `${account}/${region}` });

const parseState = (text: string | undefined): HealthState | undefined => {
  if (text === undefined) return undefined;
  try {
    const parsed = healthState().safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** When blindness began: the previous run's start if it was blind; else the latest stop, not before the last good check. */
const blindSinceOf = (health: RegionHealth, previous: HealthState | undefined, now: number): number => {
  if (previous?.state === 'blind' && previous.since !== undefined) return Date.parse(previous.since);
  const lastCheck = previous === undefined ? undefined : Date.parse(previous.checkedAt);
  const candidates = [health.stoppedAt, lastCheck].filter((time): time is number => time !== undefined);
  return candidates.length === 0 ? now : Math.max(...candidates);
};

const trailSummary = (trails: readonly TrailSnapshot[]) =>
  trails.map((trail) => ({
    arn: trail.arn,
    homeRegion: trail.homeRegion,
    multiRegion: trail.multiRegion,
    organization: trail.organization,
    isLogging: trail.status?.isLogging,
    ...(trail.error === undefined ? {} : { error: trail.error }),
  }));

type FindingContext = {
  readonly account: string;
  readonly region: string;
  readonly now: Date;
  readonly health: RegionHealth;
  readonly trails: readonly TrailSnapshot[];
  readonly previous: HealthState | undefined;
  readonly since: number;
  readonly recovered: number;
  readonly backfill: BackfillReport;
};

const findingsOf = (context: FindingContext): Finding[] => {
  const { account, region, now, health, previous } = context;
  const base = { account, region, reporter: 'trail-watchdog', now };
  const prefix = `trail-watchdog/${account}/${region}`;
  const resource =
    context.trails.map((trail) => trail.arn).join(',') || `arn:aws:cloudtrail:${region}:${account}:trail/*`;
  const problems = health.problems.map((problem) => problem.detail);
  const since = new Date(context.since).toISOString();
  const details = {
    problems: health.problems,
    trails: trailSummary(context.trails),
    backfill: context.backfill,
    recoveredByBackfill: context.recovered,
  };
  const findings: Finding[] = [];
  if (previous?.state === 'blind' && health.state !== 'blind') {
    const minutes = Math.round((now.getTime() - context.since) / 60_000);
    findings.push(
      healthFinding({
        ...base,
        check: 'trail-coverage-restored',
        severity: (previous.severity ?? 'critical') as Severity,
        summary: `CloudTrail coverage restored in ${account}/${region} after ${minutes} min blind (since ${since}); backfill recovered ${context.recovered} finding(s) the real-time path missed`,
        eventId: `${prefix}/coverage-restored/${since}`,
        resource,
        matched: ['coverage-restored'],
        details: { ...details, blindSince: since, restoredAt: now.toISOString() },
      }),
    );
  }
  if (health.state === 'blind')
    findings.push(
      healthFinding({
        ...base,
        check: 'trail-coverage-lost',
        severity: health.severity ?? 'critical',
        summary: `CloudTrail coverage lost in ${account}/${region} since ${since}: ${problems.join('; ')}; backfill recovered ${context.recovered} finding(s) so far`,
        eventId: `${prefix}/coverage-lost/${hourBucket(now)}`,
        resource,
        matched: [...new Set(health.problems.map((problem) => problem.code))],
        details: { ...details, blindSince: since },
      }),
    );
  if (health.state === 'degraded')
    findings.push(
      healthFinding({
        ...base,
        check: 'trail-coverage-narrowed',
        severity: 'high',
        summary: `CloudTrail coverage narrowed in ${account}/${region}: ${problems.join('; ')}`,
        eventId: `${prefix}/coverage-narrowed/${hourBucket(now)}`,
        resource,
        matched: ['sources-excluded'],
        details,
      }),
    );
  return findings;
};

/** One region: health → backfill (full while blind and on recovery) → health findings → state. */
const watchRegion = async (
  region: string,
  settings: WatchdogSettings,
  options: Omit<PipelineOptions, 'channel'>,
  ports: WatchdogPorts,
): Promise<RegionReport> => {
  const { account } = settings;
  const key = stateKey(account, region);
  const checkpoint = await ports.checkpoints.read(key);
  const previous = parseState(checkpoint?.state);
  const cloudtrail = ports.cloudtrail(region);
  const trails = await cloudtrail.snapshot();
  const now = ports.clock();
  const health = regionHealth(trails, { now: now.getTime(), maxDeliveryAgeMs: settings.maxDeliveryAgeMs });
  const blind = health.state === 'blind';
  const wasBlind = previous?.state === 'blind';
  const since = blindSinceOf(health, previous, now.getTime());
  const mode = blind || wasBlind ? 'full' : 'routine';
  const backfill = await runBackfill(
    {
      account,
      region,
      mode,
      names: mode === 'full' ? settings.names.all : settings.names.routine,
      ...(mode === 'full' ? { sources: settings.names.sources ?? [] } : {}),
      ...(blind || wasBlind ? { blindSince: since } : {}),
      deadline: settings.deadline,
    },
    settings.backfill,
    options,
    { ...ports, lookup: cloudtrail },
  );
  const recovered = (wasBlind ? previous.recovered : 0) + (blind || wasBlind ? backfill.recovered : 0);
  const findings = findingsOf({ account, region, now, health, trails, previous, since, recovered, backfill });
  const publication = await publishHealthFindings(findings, ports);
  ports.telemetry.count('TrailUnhealthy', blind ? 1 : 0, { name: 'region', value: region });
  const base = {
    region,
    state: health.state,
    problems: health.problems.map((problem) => `${problem.code}: ${problem.detail}`),
    covering: health.covering,
    backfill,
    published: publication.published,
  };
  // A finding not published: keep the state, so the next run raises it (or the recovery) again.
  if (publication.failed.length > 0)
    return { ...base, error: `health finding not published: ${JSON.stringify(publication.failed)}` };
  const next: HealthState = {
    state: health.state,
    ...(blind ? { severity: health.severity, since: new Date(since).toISOString() } : {}),
    recovered: blind ? recovered : 0,
    checkedAt: now.toISOString(),
  };
  await ports.checkpoints
    .advance(key, checkpoint, { position: now.toISOString(), state: JSON.stringify(next) }, now)
    .catch((error: unknown) => {
      if (!(error instanceof CheckpointConflictError)) throw error;
      ports.telemetry.warn('trail health state moved by another run', { region });
    });
  return base;
};

/**
 * One watchdog run (DESIGN §1.1, §9.1) over every configured region: trail health from DescribeTrails, GetTrailStatus
 * and GetEventSelectors; LookupEvents backfill through the pipeline; health findings when a region goes blind (critical,
 * again each hour), is narrowed, or recovers (with how many findings backfill recovered). Regions are independent: one
 * failing leaves the others' results.
 *
 * @example
 * const reports = await watchTrails(settings, { ruleSet, suppressions }, ports);
 */
const watchTrails = async (
  settings: WatchdogSettings,
  options: Omit<PipelineOptions, 'channel'>,
  ports: WatchdogPorts,
): Promise<RegionReport[]> => {
  const reports: RegionReport[] = [];
  for (const region of settings.regions) {
    try {
      reports.push(await watchRegion(region, settings, options, ports));
    } catch (error) {
      ports.telemetry.warn('region check failed', { region, error: describe(error) });
      reports.push({ region, problems: [], covering: [], published: [], error: describe(error) });
    }
  }
  return reports;
};

export { type RegionReport, type WatchdogPorts, type WatchdogSettings, watchTrails };
