import * as z from 'zod';
import type { KeyReader } from '../clients/kms.js';
import { healthFinding, hourBucket } from '../core/findings/health.js';
import type { Finding } from '../core/findings/types.js';
import { type KeyHealth, type KeySnapshot, keyHealth } from '../core/key-health.js';
import { once } from '../core/once.js';
import type { PipelinePorts } from '../pipeline.js';
import { CheckpointConflictError, type CheckpointStore } from '../stores/checkpoint-port.js';
import { publishHealthFindings } from './health-publish.js';

type KeyWatchSettings = {
  /** The invoking account: the finding's account when an ARN does not name one. */
  readonly account: string;
  /** tamperwatch's own KMS keys (findings topic key, ops topic key), as the stack sets them. */
  readonly keyArns: readonly string[];
};

type KeyWatchPorts = Pick<PipelinePorts, 'dedup' | 'notifier' | 'clock' | 'telemetry'> & {
  readonly kms: KeyReader;
  readonly checkpoints: CheckpointStore;
};

type KeyReport = {
  readonly arn: string;
  readonly state?: KeyHealth['state'];
  readonly keyState?: string;
  readonly problem?: string;
  readonly published: readonly string[];
  readonly error?: string;
};

/** The watchdog's memory per key (checkpoint `key-health#<key ARN>`, in `state`); built on first use (cold start). */
const keyState = once(() =>
  z.object({
    state: z.enum(['enabled', 'impaired']),
    /** While impaired: the problem code and since when (ISO). */
    code: z.string().optional(),
    since: z.string().optional(),
    checkedAt: z.string(),
  }),
);
type KeyState = z.output<ReturnType<typeof keyState>>;

const stateKey = (arn: string) => ({ provider: 'key-health', resource: arn });

const parseState = (text: string | undefined): KeyState | undefined => {
  if (text === undefined) return undefined;
  try {
    const parsed = keyState().safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** Account and region from `arn:aws:kms:<region>:<account>:key/<id>`. */
const placeOf = (arn: string, account: string) => {
  const [, , , region, owner] = arn.split(':');
  return { account: owner || account, region: region || 'unknown' };
};

type FindingContext = {
  readonly account: string;
  readonly snapshot: KeySnapshot;
  readonly health: KeyHealth;
  readonly previous: KeyState | undefined;
  readonly since: string;
  readonly now: Date;
};

/** Impaired → critical finding (again each hour, and when the problem changes); impaired → enabled → recovery. */
const findingsOf = (context: FindingContext): Finding[] => {
  const { snapshot, health, previous, now, since } = context;
  const place = placeOf(snapshot.arn, context.account);
  const base = { ...place, reporter: 'trail-watchdog', now, resource: snapshot.arn };
  const prefix = `trail-watchdog/kms/${snapshot.arn}`;
  const details = {
    key: snapshot.arn,
    keyState: snapshot.keyState,
    ...(snapshot.description === undefined ? {} : { description: snapshot.description }),
    ...(snapshot.deletionDate === undefined ? {} : { deletionDate: new Date(snapshot.deletionDate).toISOString() }),
    ...(snapshot.error === undefined ? {} : { error: snapshot.error }),
  };
  if (health.state === 'impaired')
    return [
      healthFinding({
        ...base,
        check: 'kms-key-impaired',
        severity: health.severity,
        summary: `tamperwatch KMS key unusable since ${since}: ${health.detail}; the topic it encrypts cannot deliver`,
        eventId: `${prefix}/${health.code}/${hourBucket(now)}`,
        matched: [health.code],
        details: { ...details, impairedSince: since },
      }),
    ];
  if (health.state === 'enabled' && previous?.state === 'impaired') {
    const minutes = Math.round((now.getTime() - Date.parse(since)) / 60_000);
    return [
      healthFinding({
        ...base,
        check: 'kms-key-restored',
        severity: 'critical',
        summary: `tamperwatch KMS key ${snapshot.arn} enabled again after ${minutes} min (${previous.code ?? 'impaired'} since ${since})`,
        eventId: `${prefix}/restored/${since}`,
        matched: ['key-enabled'],
        details: { ...details, impairedSince: since, previousProblem: previous.code, restoredAt: now.toISOString() },
      }),
    ];
  }
  return [];
};

/** One key: DescribeKey → verdict → finding → state. */
const watchKey = async (arn: string, settings: KeyWatchSettings, ports: KeyWatchPorts): Promise<KeyReport> => {
  const key = stateKey(arn);
  const checkpoint = await ports.checkpoints.read(key);
  const previous = parseState(checkpoint?.state);
  const snapshot = await ports.kms.describe(arn);
  const now = ports.clock();
  const health = keyHealth(snapshot);
  const base = {
    arn,
    state: health.state,
    ...(snapshot.keyState === undefined ? {} : { keyState: snapshot.keyState }),
    ...(health.state === 'enabled' ? {} : { problem: health.detail }),
  };
  // No verdict: keep the state; a failed call fails the run (the function's error alarm), a transient state does not.
  if (health.state === 'indeterminate')
    return { ...base, published: [], ...(health.failed ? { error: health.detail } : {}) };
  const since = previous?.state === 'impaired' && previous.since !== undefined ? previous.since : now.toISOString();
  const findings = findingsOf({ account: settings.account, snapshot, health, previous, since, now });
  const publication = await publishHealthFindings(findings, ports);
  // A finding not published (the findings key itself disabled?): keep the state, fail the run, raise it again next run.
  if (publication.failed.length > 0)
    return {
      ...base,
      published: publication.published,
      error: `key health finding not published: ${JSON.stringify(publication.failed)}`,
    };
  const next: KeyState =
    health.state === 'impaired'
      ? { state: 'impaired', code: health.code, since, checkedAt: now.toISOString() }
      : { state: 'enabled', checkedAt: now.toISOString() };
  await ports.checkpoints
    .advance(key, checkpoint, { position: now.toISOString(), state: JSON.stringify(next) }, now)
    .catch((error: unknown) => {
      if (!(error instanceof CheckpointConflictError)) throw error;
      ports.telemetry.warn('key health state moved by another run', { key: arn });
    });
  return { ...base, published: publication.published };
};

/**
 * Every run of the watchdog: DescribeKey on each of tamperwatch's own KMS keys. A key Disabled, PendingDeletion,
 * PendingImport, Unavailable or unreadable (AccessDenied: its policy changed) raises the critical `kms-key-impaired`
 * health finding (T1685 / T1562.001, again each hour); Enabled again raises `kms-key-restored`. Keys are independent.
 *
 * @example
 * const reports = await watchKeys({ account, keyArns }, { kms, checkpoints, dedup, notifier, clock, telemetry });
 */
const watchKeys = async (settings: KeyWatchSettings, ports: KeyWatchPorts): Promise<KeyReport[]> => {
  const reports: KeyReport[] = [];
  for (const arn of settings.keyArns) {
    try {
      reports.push(await watchKey(arn, settings, ports));
    } catch (error) {
      ports.telemetry.warn('key check failed', { key: arn, error: describe(error) });
      reports.push({ arn, published: [], error: describe(error) });
    }
  }
  return reports;
};

export { type KeyReport, type KeyWatchPorts, type KeyWatchSettings, watchKeys };
