import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LookupQuery } from '../../functions/clients/cloudtrail.js';
import { lookupNames, routineNames } from '../../functions/core/backfill-plan.js';
import { canaryRuleName, canaryRuleOf } from '../../functions/core/canary.js';
import type { Finding } from '../../functions/core/findings/types.js';
import type { RuleSet } from '../../functions/core/sigma/rule-set.js';
import type { TrailSnapshot } from '../../functions/core/trail-health.js';
import { loadRules, readRuleSources } from '../../functions/load-rules.js';
import { scopeKeyOf } from '../../functions/pipeline.js';
import { type WatchdogSettings, watchTrails } from '../../functions/tamper-evidence/trail-watch.js';
import { defaultRoutineNames } from '../../infra/aws-config.js';
import { cloudTrailRecord } from '../helpers/cloudtrail-event-factory.js';
import { InMemoryCheckpointStore } from '../helpers/in-memory-checkpoint-store.js';
import { InMemoryDedupStore } from '../helpers/in-memory-dedup-store.js';
import { RecordingNotifier } from '../helpers/recording-notifier.js';
import { recordingTelemetry } from '../helpers/recording-telemetry.js';
import { FakeCloudTrail } from '../helpers/watchdog-fake-cloudtrail.js';

const rulesDir = fileURLToPath(new URL('../../rules/aws', import.meta.url));
const minute = 60_000;
const t0 = Date.parse('2026-11-24T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const labelOf = (query: LookupQuery): string => ('eventName' in query ? query.eventName : query.eventSource);

const trail = (logging: boolean, stoppedAt?: number): TrailSnapshot => ({
  arn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail',
  name: 'org-trail',
  homeRegion: 'eu-west-1',
  multiRegion: true,
  organization: false,
  status: logging
    ? { isLogging: true, latestDeliveryTime: t0 - minute, startLoggingTime: t0 - 600 * minute }
    : { isLogging: false, ...(stoppedAt === undefined ? {} : { stopLoggingTime: stoppedAt }) },
  selectors: { basic: [], advanced: [] },
});

let ruleSet: RuleSet;
let all: string[];
beforeAll(() => {
  ruleSet = loadRules([rulesDir]).ruleSet;
  all = lookupNames(readRuleSources([rulesDir]), [canaryRuleName]);
});

/** One region on a clock that the test moves; the watchdog runs with the shipped rules. */
const setup = () => {
  let now = t0;
  const cloudtrail = new FakeCloudTrail(2);
  cloudtrail.trails = [trail(true)];
  const checkpoints = new InMemoryCheckpointStore();
  const dedup = new InMemoryDedupStore();
  const notifier = new RecordingNotifier();
  const recorded = recordingTelemetry();
  const settings = (deadline = Number.POSITIVE_INFINITY): WatchdogSettings => ({
    account: '111122223333',
    regions: ['eu-west-1'],
    maxDeliveryAgeMs: 30 * minute,
    names: { routine: routineNames(defaultRoutineNames, all).names, all, sources: ['example.amazonaws.com'] },
    backfill: { overlapMs: 15 * minute, initialLookbackMs: 60 * minute, settleMs: 2 * minute },
    deadline,
  });
  const run = (deadline?: number) =>
    watchTrails(
      settings(deadline),
      { ruleSet, suppressions: [] },
      {
        cloudtrail: () => cloudtrail,
        checkpoints,
        canaryRule: canaryRuleOf(ruleSet),
        dedup,
        notifier,
        clock: () => new Date(now),
        telemetry: recorded.telemetry,
      },
    );
  const findings = (): Finding[] => notifier.messages.map((message) => JSON.parse(message.body) as Finding);
  return {
    cloudtrail,
    checkpoints,
    dedup,
    recorded,
    run,
    findings,
    at: (ms: number) => {
      now = ms;
    },
  };
};

const gapEvent = (eventName: string, eventSource: string, at: number, eventID: string) => ({
  ...cloudTrailRecord({ eventID, eventName, eventSource, eventTime: iso(at) }),
  requestParameters: { flowLogIds: ['fl-0a1b2c3d4e5f60718'], name: 'org-trail' },
});

describe('Trail watchdog run', () => {
  it('looks up only the routine names while the region is covered, and raises nothing', async () => {
    // Prepare
    const { cloudtrail, run, findings, recorded, checkpoints } = setup();
    // Act
    const [report] = await run();
    // Assess
    expect(report).toMatchObject({
      region: 'eu-west-1',
      state: 'healthy',
      backfill: { mode: 'routine', complete: true },
    });
    expect(cloudtrail.lookups.map(labelOf)).toEqual(routineNames(defaultRoutineNames, all).names);
    expect(findings()).toEqual([]);
    expect(recorded.counts).toContainEqual({ name: 'TrailUnhealthy', value: 0, dimension: 'region=eu-west-1' });
    expect((await checkpoints.read({ provider: 'aws', resource: '111122223333/eu-west-1' }))?.position).toBe(
      iso(t0 - 2 * minute),
    );
  });

  it('stop → critical finding one run later, full backfill of the gap, recovery finding with the count', async () => {
    // Prepare
    const { cloudtrail, run, findings, at, dedup } = setup();
    await run();
    const stoppedAt = t0 + minute;
    cloudtrail.trails = [trail(false, stoppedAt)];
    const stop = cloudTrailRecord({ eventID: 'stop-1', eventName: 'StopLogging', eventTime: iso(stoppedAt) });
    const gap = [
      gapEvent('DeleteFlowLogs', 'ec2.amazonaws.com', t0 + 3 * minute, 'gap-1'),
      gapEvent('DeleteTrail', 'cloudtrail.amazonaws.com', t0 + 4 * minute, 'gap-2'),
      gapEvent('DeleteFlowLogs', 'ec2.amazonaws.com', t0 + 12 * minute, 'gap-3'),
    ];
    cloudtrail.history = [stop, ...gap];
    // The StopLogging record itself came through in real time (DESIGN §1.1): its finding is already claimed.
    const { detect } = await import('../../functions/core/detect.js');
    const { eventsFromValue } = await import('../../functions/core/formats/read-input.js');
    const realtime = detect(
      eventsFromValue(stop, 'rt').flatMap((item) => (item.kind === 'event' ? [item.event] : [])),
      ruleSet,
      new Date(stoppedAt),
      'realtime',
    ).findings;
    for (const finding of realtime) {
      const claim = await dedup.claim({
        findingId: finding.id,
        scopeKey: scopeKeyOf(finding),
        now: new Date(stoppedAt),
      });
      if (claim !== undefined) await dedup.confirm(claim, 'sent', new Date(stoppedAt));
    }
    // Act: runs every 5 minutes after the stop
    at(t0 + 5 * minute);
    cloudtrail.lookups.length = 0;
    const [blind] = await run();
    const lostAfter = findings().filter((finding) => finding.kind === 'health');
    at(t0 + 10 * minute);
    await run();
    cloudtrail.trails = [trail(true)];
    at(t0 + 20 * minute);
    const [restored] = await run();
    // Assess
    expect(blind).toMatchObject({ state: 'blind', backfill: { mode: 'full' } });
    expect(new Set(cloudtrail.lookups.map(labelOf))).toEqual(new Set([...all, 'example.amazonaws.com']));
    expect(cloudtrail.lookups[0]?.start.getTime()).toBeLessThanOrEqual(stoppedAt - 15 * minute);
    expect(lostAfter).toHaveLength(1);
    expect(lostAfter[0]).toMatchObject({
      severity: 'critical',
      rule: { name: 'tamperwatch-trail-coverage-lost' },
      matched: ['not-logging'],
    });
    const health = findings().filter((finding) => finding.kind === 'health');
    expect(health.map((finding) => finding.rule.name)).toEqual([
      'tamperwatch-trail-coverage-lost',
      'tamperwatch-trail-coverage-restored',
    ]);
    const backfilled = findings().filter((finding) => finding.event.channel === 'backfill');
    expect(backfilled.map((finding) => finding.event.id).sort()).toEqual(['gap-1', 'gap-2', 'gap-3']);
    expect(restored).toMatchObject({ state: 'healthy', backfill: { mode: 'full' } });
    expect(health[1]).toMatchObject({ severity: 'critical', raw: { recoveredByBackfill: 3 } });
    expect(health[1]?.summary).toContain('backfill recovered 3 finding(s)');
  });

  it('leaves the watermark when the run hits its deadline, so the next run reads the window again', async () => {
    // Prepare
    const { run, checkpoints } = setup();
    // Act
    const [report] = await run(t0 - 1);
    // Assess
    expect(report?.backfill).toMatchObject({ complete: false, watermarkAdvanced: false, lookups: 0 });
    expect(await checkpoints.read({ provider: 'aws', resource: '111122223333/eu-west-1' })).toBeUndefined();
  });

  it('reports a failing lookup without losing the health verdict', async () => {
    // Prepare
    const { cloudtrail, run, findings } = setup();
    cloudtrail.trails = [];
    cloudtrail.failLookups = true;
    // Act
    const [report] = await run();
    // Assess
    expect(report).toMatchObject({ state: 'blind', backfill: { complete: false } });
    expect(report?.error).toBeUndefined();
    expect(findings().map((finding) => finding.matched)).toEqual([['no-trail']]);
  });
});
