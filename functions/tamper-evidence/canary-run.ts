import type { CanaryWriter } from '../clients/ssm-canary.js';
import { type CanaryVerdict, judgeCanary, nextCanaryState, parseCanaryState } from '../core/canary.js';
import { healthFinding, hourBucket } from '../core/findings/health.js';
import type { Finding } from '../core/findings/types.js';
import type { PipelinePorts } from '../pipeline.js';
import { CheckpointConflictError, type CheckpointStore } from '../stores/checkpoint-port.js';
import { arrivalKey } from './canary-arrival.js';
import { publishHealthFindings } from './health-publish.js';

type CanarySettings = {
  readonly account: string;
  readonly regions: readonly string[];
  readonly parameterName: string;
  /** A write not seen by the detector within this long means the real-time path is blind (DESIGN: 10 min). */
  readonly maxDelayMs: number;
};

type CanaryPorts = Pick<PipelinePorts, 'dedup' | 'notifier' | 'clock' | 'telemetry'> & {
  readonly writer: CanaryWriter;
  readonly checkpoints: CheckpointStore;
};

type CanaryReport = {
  readonly region: string;
  readonly verdict: CanaryVerdict['kind'];
  readonly written?: string;
  readonly published: readonly string[];
  readonly error?: string;
};

/** The canary's own memory: its recent writes and whether it is missing. */
const writesKey = (account: string, region: string) => ({ provider: 'canary-write', resource: `${account}/${region}` });

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

const findingsOf = (verdict: CanaryVerdict, settings: CanarySettings, region: string, now: Date): Finding[] => {
  const base = {
    account: settings.account,
    region,
    reporter: 'canary',
    resource: `arn:aws:ssm:${region}:${settings.account}:parameter/${settings.parameterName}`,
    now,
  };
  const prefix = `canary/${settings.account}/${region}`;
  if (verdict.kind === 'missing')
    return [
      healthFinding({
        ...base,
        check: 'canary-missing',
        severity: 'high',
        summary: `real-time path blind in ${settings.account}/${region}: the canary written at ${verdict.write} has not reached the detector (missing since ${verdict.since})`,
        eventId: `${prefix}/missing/${hourBucket(now)}`,
        matched: ['canary-missing'],
        details: { missingSince: verdict.since, write: verdict.write, maxDelaySeconds: settings.maxDelayMs / 1000 },
      }),
    ];
  if (verdict.kind === 'arriving' && verdict.restoredAfter !== undefined)
    return [
      healthFinding({
        ...base,
        check: 'canary-restored',
        severity: 'high',
        summary: `real-time path hears again in ${settings.account}/${region}: the canary written at ${verdict.write} arrived (missing since ${verdict.restoredAfter})`,
        eventId: `${prefix}/restored/${verdict.restoredAfter}`,
        matched: ['canary-restored'],
        details: { missingSince: verdict.restoredAfter, write: verdict.write },
      }),
    ];
  return [];
};

const runRegion = async (region: string, settings: CanarySettings, ports: CanaryPorts): Promise<CanaryReport> => {
  const stored = await ports.checkpoints.read(writesKey(settings.account, region));
  const arrival = await ports.checkpoints.read(arrivalKey(settings.account, region));
  const state = parseCanaryState(stored?.state);
  const now = ports.clock();
  const verdict = judgeCanary(state, arrival?.position, now.getTime(), settings.maxDelayMs);
  const publication = await publishHealthFindings(findingsOf(verdict, settings, region, now), ports);
  ports.telemetry.count('CanaryMissing', verdict.kind === 'missing' ? 1 : 0, { name: 'region', value: region });
  let written: string | undefined;
  let writeError: string | undefined;
  try {
    written = ports.clock().toISOString();
    await ports.writer.write(region, written);
    ports.telemetry.count('CanaryWrites', 1, { name: 'region', value: region });
  } catch (error) {
    written = undefined;
    writeError = describe(error);
    ports.telemetry.count('CanaryWriteErrors', 1, { name: 'region', value: region });
  }
  const unpublished = publication.failed.length > 0;
  // An unpublished finding keeps the previous verdict's state, so the next run raises it again.
  const next = nextCanaryState(
    state,
    unpublished ? { kind: 'unknown' } : verdict,
    written,
    now.getTime(),
    settings.maxDelayMs,
  );
  await ports.checkpoints
    .advance(
      writesKey(settings.account, region),
      stored,
      { position: now.toISOString(), state: JSON.stringify(next) },
      now,
    )
    .catch((error: unknown) => {
      if (!(error instanceof CheckpointConflictError)) throw error;
    });
  const errors = [
    ...(writeError === undefined ? [] : [`canary write failed: ${writeError}`]),
    ...(unpublished ? [`health finding not published: ${JSON.stringify(publication.failed)}`] : []),
  ];
  return {
    region,
    verdict: verdict.kind,
    ...(written === undefined ? {} : { written }),
    published: publication.published,
    ...(errors.length === 0 ? {} : { error: errors.join('; ') }),
  };
};

/**
 * One canary round (DESIGN §9.1) per region: judge the latest write old enough to have arrived (a `canary-missing`
 * health finding if the detector never recorded it, a `canary-restored` one when it arrives again), then write the
 * parameter anew. The `Heartbeat` alarm covers the case where this function itself no longer runs.
 *
 * @example
 * const reports = await runCanary({ account, regions, parameterName, maxDelayMs: 600_000 }, ports);
 */
const runCanary = async (settings: CanarySettings, ports: CanaryPorts): Promise<CanaryReport[]> => {
  const reports: CanaryReport[] = [];
  for (const region of settings.regions) {
    try {
      reports.push(await runRegion(region, settings, ports));
    } catch (error) {
      reports.push({ region, verdict: 'unknown', published: [], error: describe(error) });
    }
  }
  return reports;
};

export { type CanaryPorts, type CanaryReport, type CanarySettings, runCanary, writesKey };
