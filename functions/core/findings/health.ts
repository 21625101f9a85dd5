import { createHash } from 'node:crypto';
import { attackTactic, attackTechniques } from './attack.js';
import { findingId } from './finding.js';
import type { Finding, Severity } from './types.js';

/**
 * Health findings (DESIGN §9.1): what the watchdog and the canary report about tamperwatch's own hearing, as
 * `kind: "health"` findings with T1685.002 / T1562.008 (the KMS key checks: T1685 / T1562.001). Each check is a built-in pseudo-rule with a fixed id, so the
 * finding id (rule id, provider, event id) is stable and dedup works as for detections.
 */

type HealthCheck =
  | 'trail-coverage-lost'
  | 'trail-coverage-narrowed'
  | 'trail-coverage-restored'
  | 'canary-missing'
  | 'canary-restored'
  | 'kms-key-impaired'
  | 'kms-key-restored';

/** `technique`: the v19 tag the finding carries (T1685.002 Disable or Modify Cloud Log unless set). */
type CheckDefinition = {
  readonly id: string;
  readonly title: string;
  readonly operation: string;
  readonly technique?: string;
};

/** Where a responder reads what each check means and what to do. */
const design = 'docs/tamper-evidence.md';

const checks: Readonly<Record<HealthCheck, CheckDefinition>> = {
  'trail-coverage-lost': {
    id: '3f6c2a8e-4b1d-4e7a-9c25-7d0e1f4a6b01',
    title: 'CloudTrail Coverage Lost: Real-Time Detection Blind',
    operation: 'TrailCoverageLost',
  },
  'trail-coverage-narrowed': {
    id: '9a41d7c3-2e58-4f06-8b1a-5c3d9e7f2a02',
    title: 'CloudTrail Coverage Narrowed: Event Sources Left Out',
    operation: 'TrailCoverageNarrowed',
  },
  'trail-coverage-restored': {
    id: 'c2e8f5a1-7d39-4b64-a0c7-1e9b3d5f8c03',
    title: 'CloudTrail Coverage Restored',
    operation: 'TrailCoverageRestored',
  },
  'canary-missing': {
    id: '5b7d3e9f-1a26-4c48-9e0b-8f2a6c4d1e04',
    title: 'tamperwatch Canary Missing: Real-Time Path Blind',
    operation: 'CanaryMissing',
  },
  'canary-restored': {
    id: 'e4a9c1f7-3b52-4d8e-b6f0-2c7e5a9d3b05',
    title: 'tamperwatch Canary Arriving Again',
    operation: 'CanaryRestored',
  },
  // tamperwatch's own KMS keys: a disabled or deleted key silences the topic it encrypts (T1685 / T1562.001).
  'kms-key-impaired': {
    id: '7c2f9e4b-6a13-4d85-9f0e-3b8d1a5c7e06',
    title: 'tamperwatch KMS Key Disabled, Pending Deletion or Unreadable',
    operation: 'KmsKeyImpaired',
    technique: 'attack.t1685',
  },
  'kms-key-restored': {
    id: 'a8d3e6f0-2c47-4b19-8e5a-6f1c9b2d4a07',
    title: 'tamperwatch KMS Key Enabled Again',
    operation: 'KmsKeyRestored',
    technique: 'attack.t1685',
  },
};

const levels: Readonly<Record<Severity, string>> = {
  info: 'informational',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

const versionOf = (check: HealthCheck): string =>
  createHash('sha256')
    .update(JSON.stringify(['health/v1', check, checks[check]]))
    .digest('hex')
    .slice(0, 8);

/** `2026-11-24T10`: health findings add the hour to their event id, so a lasting problem re-alerts once an hour. */
const hourBucket = (now: Date): string => now.toISOString().slice(0, 13);

type HealthFindingInput = {
  readonly check: HealthCheck;
  readonly severity: Severity;
  /** One line for a person. */
  readonly summary: string;
  /** Stable per occurrence: the same id on a retry, a new one when the problem is new (or a new hour). */
  readonly eventId: string;
  readonly account: string;
  readonly region: string;
  readonly resource: string;
  /** Which watcher reports it (`trail-watchdog`, `canary`). */
  readonly reporter: string;
  /** Problem codes (the health counterpart of the selections a detection matched). */
  readonly matched: readonly string[];
  /** Evidence for the responder: problems, trails, blind window, backfill counts… */
  readonly details: Readonly<Record<string, unknown>>;
  readonly now: Date;
};

/**
 * A health result → the v1 finding body with `kind: "health"` and `event.channel: "poll"` (the watchers poll).
 *
 * @example
 * const finding = healthFinding({ check: 'trail-coverage-lost', severity: 'critical', summary, eventId: `…/${hourBucket(now)}`, … });
 */
const healthFinding = (input: HealthFindingInput): Finding => {
  const check = checks[input.check];
  return {
    schema: 'tamperwatch.finding/v1',
    id: findingId(check.id, 'aws', input.eventId),
    kind: 'health',
    severity: input.severity,
    summary: input.summary.replace(/[\r\n]+/g, ' '),
    provider: 'aws',
    rule: {
      id: check.id,
      name: `tamperwatch-${input.check}`,
      title: check.title,
      level: levels[input.severity],
      author: 'tamperwatch',
      version: versionOf(input.check),
      references: [design],
    },
    attack: { tactic: attackTactic(), techniques: attackTechniques([check.technique ?? 'attack.t1685.002']) },
    event: {
      id: input.eventId,
      time: input.now.toISOString(),
      operation: check.operation,
      service: 'tamperwatch',
      outcome: 'success',
      channel: 'poll',
    },
    actor: { id: `tamperwatch:${input.reporter}`, type: 'tamperwatch', name: input.reporter },
    target: { account: input.account, region: input.region, resource: input.resource },
    matched: [...input.matched],
    detectedAt: input.now.toISOString(),
    raw: { check: input.check, ...input.details },
    rawTruncated: false,
  };
};

export { type HealthCheck, type HealthFindingInput, healthFinding, hourBucket };
