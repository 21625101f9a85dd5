import { describe, expect, it } from 'vitest';
import type { Finding } from '../../functions/core/findings/types.js';
import { compileRules } from '../../functions/core/sigma/rule-set.js';
import type { TrailSnapshot } from '../../functions/core/trail-health.js';
import { createWatchdogHandler } from '../../functions/handlers/trail-watchdog.js';
import { InMemoryCheckpointStore } from '../helpers/in-memory-checkpoint-store.js';
import { InMemoryDedupStore } from '../helpers/in-memory-dedup-store.js';
import { lambdaContext } from '../helpers/lambda-context.js';
import { RecordingNotifier } from '../helpers/recording-notifier.js';
import { FakeCloudTrail } from '../helpers/watchdog-fake-cloudtrail.js';
import { FakeKms } from '../helpers/watchdog-fake-kms.js';
import { fakePowertools } from '../helpers/watchdog-powertools.js';

const minute = 60_000;
const t0 = Date.parse('2026-11-24T10:00:00Z');
const findingsKey = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-8444-555555555555';
const opsKey = 'arn:aws:kms:us-east-1:123456789012:key/66666666-7777-4888-9999-000000000000';
const iso = (ms: number): string => new Date(ms).toISOString();

const loggingTrail: TrailSnapshot = {
  arn: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail',
  name: 'org-trail',
  homeRegion: 'us-east-1',
  multiRegion: true,
  organization: false,
  status: { isLogging: true, latestDeliveryTime: t0 - minute, startLoggingTime: t0 - 600 * minute },
  selectors: { basic: [], advanced: [] },
};

/** The watchdog handler with a healthy trail, both stack keys enabled and a clock the test moves. */
const setup = () => {
  let now = t0;
  const cloudtrail = new FakeCloudTrail();
  cloudtrail.trails = [loggingTrail];
  const kms = new FakeKms();
  kms.keys.set(findingsKey, { keyState: 'Enabled' });
  kms.keys.set(opsKey, { keyState: 'Enabled' });
  const checkpoints = new InMemoryCheckpointStore();
  const notifier = new RecordingNotifier();
  const handler = createWatchdogHandler({
    regions: ['us-east-1'],
    keyArns: [findingsKey, opsKey],
    kms,
    maxDeliveryAgeMs: 30 * minute,
    names: { routine: [], all: [] },
    backfill: { overlapMs: 15 * minute, initialLookbackMs: 60 * minute, settleMs: 2 * minute },
    ruleSet: compileRules([]).ruleSet,
    suppressions: [],
    cloudtrail: () => cloudtrail,
    checkpoints,
    canaryRule: undefined,
    dedup: new InMemoryDedupStore(),
    notifier,
    clock: () => new Date(now),
    ...(({ logger, metricsPort }) => ({ logger, metrics: metricsPort }))(fakePowertools()),
    reserveMs: 20_000,
  });
  const runAt = (time: number) => {
    now = time;
    return handler({ source: 'tamperwatch.schedule' }, lambdaContext());
  };
  const findings = (): Finding[] => notifier.messages.map((message) => JSON.parse(message.body) as Finding);
  return { kms, checkpoints, notifier, runAt, findings };
};

describe('Trail watchdog run: tamperwatch’s own KMS keys', () => {
  it('describes every key each run and raises nothing while they are enabled', async () => {
    // Prepare
    const { kms, runAt, findings, checkpoints } = setup();
    // Act
    const first = await runAt(t0);
    const second = await runAt(t0 + 5 * minute);
    // Assess
    expect(kms.calls).toEqual([findingsKey, opsKey, findingsKey, opsKey]);
    expect(first.keys).toEqual([
      { arn: findingsKey, state: 'enabled', keyState: 'Enabled', published: [] },
      { arn: opsKey, state: 'enabled', keyState: 'Enabled', published: [] },
    ]);
    expect(second.regions[0]).toMatchObject({ state: 'healthy' });
    expect(findings()).toEqual([]);
    const state = await checkpoints.read({ provider: 'key-health', resource: opsKey });
    expect(JSON.parse(state?.state ?? '{}')).toEqual({ state: 'enabled', checkedAt: iso(t0 + 5 * minute) });
  });

  it('disabled → critical finding (T1685 / T1562.001), once per hour; enabled again → recovery finding', async () => {
    // Prepare
    const { kms, runAt, findings } = setup();
    await runAt(t0);
    kms.keys.set(opsKey, { keyState: 'Disabled' });
    // Act
    const disabled = await runAt(t0 + 5 * minute);
    await runAt(t0 + 10 * minute);
    kms.keys.set(opsKey, { keyState: 'Enabled' });
    const enabled = await runAt(t0 + 15 * minute);
    await runAt(t0 + 20 * minute);
    // Assess
    expect(disabled.keys[1]).toMatchObject({ arn: opsKey, state: 'impaired', keyState: 'Disabled' });
    expect(enabled.keys[1]).toMatchObject({ state: 'enabled', published: [expect.any(String)] });
    const [lost, restored, ...rest] = findings();
    expect(rest).toEqual([]);
    expect(lost).toMatchObject({
      kind: 'health',
      severity: 'critical',
      rule: { name: 'tamperwatch-kms-key-impaired' },
      attack: { techniques: [{ id: 'T1685', legacyId: 'T1562.001' }] },
      event: { operation: 'KmsKeyImpaired', channel: 'poll' },
      target: { account: '123456789012', region: 'us-east-1', resource: opsKey },
      matched: ['key-disabled'],
      raw: { key: opsKey, keyState: 'Disabled', impairedSince: iso(t0 + 5 * minute) },
    });
    expect(restored).toMatchObject({
      severity: 'critical',
      rule: { name: 'tamperwatch-kms-key-restored' },
      attack: { techniques: [{ id: 'T1685', legacyId: 'T1562.001' }] },
      matched: ['key-enabled'],
      raw: { previousProblem: 'key-disabled', impairedSince: iso(t0 + 5 * minute) },
    });
    expect(restored?.summary).toContain('enabled again after 10 min');
  });

  it.each([
    { name: 'deletion scheduled', key: { keyState: 'PendingDeletion', deletionDate: t0 + 7 * 1_440 * minute } },
    { name: 'awaiting key material', key: { keyState: 'PendingImport' } },
    { name: 'policy denies the watchdog', key: { error: 'AccessDeniedException' } },
  ])('raises the critical finding when the key is impaired: $name', async ({ key }) => {
    // Prepare
    const { kms, runAt, findings } = setup();
    kms.keys.set(findingsKey, key);
    // Act
    const { keys } = await runAt(t0);
    // Assess
    expect(keys[0]).toMatchObject({ state: 'impaired' });
    expect(findings().map((finding) => [finding.rule.name, finding.severity, finding.target.resource])).toEqual([
      ['tamperwatch-kms-key-impaired', 'critical', findingsKey],
    ]);
  });

  it('alerts again when the problem gets worse within the hour (disabled, then deletion scheduled)', async () => {
    // Prepare
    const { kms, runAt, findings } = setup();
    kms.keys.set(findingsKey, { keyState: 'Disabled' });
    await runAt(t0);
    kms.keys.set(findingsKey, { keyState: 'PendingDeletion' });
    // Act
    await runAt(t0 + 5 * minute);
    // Assess
    expect(findings().map((finding) => finding.matched)).toEqual([['key-disabled'], ['key-pending-deletion']]);
    expect(findings()[1]?.raw).toMatchObject({ impairedSince: iso(t0) });
  });

  it('fails the invocation when the finding cannot be published (findings key disabled), and raises it next run', async () => {
    // Prepare
    const { kms, runAt, findings, notifier, checkpoints } = setup();
    kms.keys.set(findingsKey, { keyState: 'Disabled' });
    notifier.failNext(1);
    // Act
    const failed = runAt(t0);
    await expect(failed).rejects.toThrow(/key health finding not published/);
    const retried = await runAt(t0 + 5 * minute);
    // Assess
    expect(retried.keys[0]).toMatchObject({ state: 'impaired', published: [expect.any(String)] });
    expect(findings().map((finding) => finding.rule.name)).toEqual(['tamperwatch-kms-key-impaired']);
    expect(findings()[0]?.raw).toMatchObject({ impairedSince: iso(t0 + 5 * minute) });
    expect(checkpoints.writes.filter((write) => write.resource === findingsKey)).toHaveLength(1);
  });

  it('fails the invocation without a finding or a state change when DescribeKey is throttled', async () => {
    // Prepare
    const { kms, runAt, findings, checkpoints } = setup();
    await runAt(t0);
    kms.keys.set(opsKey, { error: 'ThrottlingException' });
    // Act
    const run = runAt(t0 + 5 * minute);
    // Assess
    await expect(run).rejects.toThrow(`${opsKey}: DescribeKey ${opsKey} failed: ThrottlingException`);
    expect(findings()).toEqual([]);
    const state = await checkpoints.read({ provider: 'key-health', resource: opsKey });
    expect(JSON.parse(state?.state ?? '{}')).toMatchObject({ state: 'enabled', checkedAt: iso(t0) });
  });
});
