import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  CloudTrailClient,
  CreateTrailCommand,
  DeleteTrailCommand,
  DescribeTrailsCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { KMSClient } from '@aws-sdk/client-kms';
import type { Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CloudTrailRegion } from '../../functions/clients/cloudtrail.js';
import { KmsKeyReader } from '../../functions/clients/kms.js';
import { lookupNames, routineNames } from '../../functions/core/backfill-plan.js';
import { canaryRuleName, canaryRuleOf, splitCanary } from '../../functions/core/canary.js';
import { detect } from '../../functions/core/detect.js';
import type { Finding } from '../../functions/core/findings/types.js';
import { eventsFromValue } from '../../functions/core/formats/read-input.js';
import type { RuleSet } from '../../functions/core/sigma/rule-set.js';
import { createQueueHandler } from '../../functions/handlers/cloudtrail-queue.js';
import { createWatchdogHandler, type WatchdogHandler } from '../../functions/handlers/trail-watchdog.js';
import { loadRules, readRuleSources } from '../../functions/load-rules.js';
import { SnsNotifier } from '../../functions/notifier/sns-notifier.js';
import { DynamoDbCheckpointStore } from '../../functions/stores/checkpoint-store.js';
import { DynamoDbDedupStore } from '../../functions/stores/dedup-store.js';
import type { RegionReport } from '../../functions/tamper-evidence/trail-watch.js';
import { defaultRoutineNames } from '../../infra/aws-config.js';
import { eventBridgeEnvelope, sqsEventOf, sqsRecordFactory } from '../helpers/cloudtrail-event-factory.js';
import { lambdaContext } from '../helpers/lambda-context.js';
import { fakePowertools } from '../helpers/watchdog-powertools.js';
import {
  account,
  type Clients,
  clientsFor,
  createTable,
  createTopic,
  drain,
  motoClientConfig,
  region,
  subscribeQueue,
} from './aws-fixture.js';
import { awsCorpus, placeInWindow } from './watchdog-corpus.js';
import { type LookupStub, startLookupStub } from './watchdog-lookup-stub.js';

const endpoint = inject('motoEndpoint');
const root = fileURLToPath(new URL('../..', import.meta.url));
const rulesDir = `${root}/rules/aws`;
const minute = 60_000;
const period = 5 * minute; // the default watchdogRate

// The trail watchdog against moto_server (DescribeTrails, GetTrailStatus, GetEventSelectors, StartLogging/StopLogging,
// DynamoDB state, SNS → SQS delivery) and a local CloudTrail JSON 1.1 stub for LookupEvents, which moto lacks. The
// clock is simulated: each call of `runAt` is one scheduled run.
describe.skipIf(endpoint === '')('Trail watchdog on moto_server + LookupEvents stub', () => {
  const suffix = randomUUID().slice(0, 8);
  const trailName = `org-trail-${suffix}`;
  let clients: Clients;
  let cloudtrail: CloudTrailClient;
  let stub: LookupStub;
  let ruleSet: RuleSet;
  let all: string[];
  let alerts: { url: string; arn: string };
  let handler: WatchdogHandler;
  let realtime: ReturnType<typeof createQueueHandler>;
  let now = 0;
  const powertools = fakePowertools();
  // The start of the current hour: health findings repeat once per hour bucket, so the simulated runs (about 25 min)
  // must not cross an hour boundary, whenever the suite happens to run.
  const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const received: Finding[] = [];
  /** The StopLogging record: delivered in real time, and in LookupEvents' history. */
  let stopRecords: Record<string, unknown>[] = [];

  const runAt = async (time: number): Promise<RegionReport> => {
    now = time;
    const { regions } = await handler({ source: 'tamperwatch.schedule' }, lambdaContext());
    const messages: Message[] = await drain(clients, alerts.url);
    received.push(...messages.map((message) => JSON.parse(message.Body ?? '{}') as Finding));
    return regions[0] as RegionReport;
  };
  const health = (name: string) => received.filter((finding) => finding.rule.name === `tamperwatch-${name}`);

  beforeAll(async () => {
    clients = clientsFor(endpoint);
    cloudtrail = new CloudTrailClient(motoClientConfig(endpoint));
    stub = await startLookupStub({ requests: 2, perMs: 40 }); // 2 per second, 25× faster: same pacing logic, short test
    ruleSet = loadRules([rulesDir]).ruleSet;
    all = lookupNames(readRuleSources([rulesDir]), [canaryRuleName]);
    const table = await createTable(clients, `tamperwatch-watchdog-${suffix}`);
    const topicArn = await createTopic(clients, `tamperwatch-watchdog-${suffix}`);
    alerts = await subscribeQueue(clients, topicArn, `watchdog-alerts-${suffix}`);
    const bucket = `tw-trail-logs-${suffix}`;
    expect((await fetch(`${endpoint}/${bucket}`, { method: 'PUT' })).ok).toBe(true);
    const { trailList = [] } = await cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: false }));
    for (const trail of trailList) await cloudtrail.send(new DeleteTrailCommand({ Name: trail.Name }));
    await cloudtrail.send(new CreateTrailCommand({ Name: trailName, S3BucketName: bucket, IsMultiRegionTrail: true }));
    await cloudtrail.send(
      new PutEventSelectorsCommand({
        TrailName: trailName,
        EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }],
      }),
    );
    await cloudtrail.send(new StartLoggingCommand({ Name: trailName }));

    const dedup = new DynamoDbDedupStore(clients.dynamodb, table, { ttlSeconds: 7 * 86_400, staleAfterSeconds: 580 });
    const checkpoints = new DynamoDbCheckpointStore(clients.dynamodb, table);
    const notifier = new SnsNotifier(clients.sns, topicArn);
    const trails = new CloudTrailRegion(cloudtrail);
    const history = new CloudTrailRegion(new CloudTrailClient(motoClientConfig(stub.endpoint)), {
      minIntervalMs: 30, // as 550 ms is to 1 s
    });
    handler = createWatchdogHandler({
      regions: [region],
      keyArns: [], // the key check has its own test: watchdog-keys-moto.test.ts
      kms: new KmsKeyReader(() => new KMSClient(motoClientConfig(endpoint))),
      maxDeliveryAgeMs: 30 * minute,
      names: { routine: routineNames(defaultRoutineNames, all).names, all },
      backfill: { overlapMs: 15 * minute, initialLookbackMs: 60 * minute, settleMs: 2 * minute },
      ruleSet,
      suppressions: [],
      cloudtrail: () => ({ snapshot: () => trails.snapshot(), lookup: (query) => history.lookup(query) }),
      checkpoints,
      canaryRule: canaryRuleOf(ruleSet),
      dedup,
      notifier,
      clock: () => new Date(now),
      logger: powertools.logger,
      metrics: powertools.metricsPort,
      reserveMs: 20_000,
    });
    realtime = createQueueHandler({
      ruleSet,
      suppressions: [],
      dedup,
      notifier,
      clock: () => new Date(now),
      logger: powertools.logger,
      metrics: powertools.metricsPort,
    });
  });

  afterAll(async () => {
    await stub?.stop();
  });

  it('raises the critical coverage-lost finding one schedule period after StopLogging', async () => {
    // Prepare: a healthy run, then the trail stops (its StopLogging record still arrives in real time)
    const healthy = await runAt(t0);
    await cloudtrail.send(new StopLoggingCommand({ Name: trailName }));
    const [stop] = awsCorpus(root).samples.filter((record) => record.eventName === 'StopLogging');
    stopRecords = placeInWindow([stop ?? {}], t0 + minute, t0 + minute, { account, region });
    now = t0 + minute;
    const envelope = JSON.stringify(eventBridgeEnvelope(stopRecords[0] ?? {}));
    await realtime(sqsEventOf(sqsRecordFactory(envelope, 'rt-1')), lambdaContext());
    received.push(...(await drain(clients, alerts.url)).map((message) => JSON.parse(message.Body ?? '{}') as Finding));
    stub.setHistory(stopRecords);
    // Act: scheduled runs every period until the finding comes
    let periods = 0;
    for (let k = 1; k <= 3 && health('trail-coverage-lost').length === 0; k += 1) {
      await runAt(t0 + k * period);
      periods = k;
    }
    // Assess
    expect(healthy).toMatchObject({ state: 'healthy', backfill: { mode: 'routine', complete: true } });
    expect(periods).toBe(1);
    const [lost] = health('trail-coverage-lost');
    expect(lost).toMatchObject({
      kind: 'health',
      severity: 'critical',
      matched: ['not-logging'],
      target: { account, region, resource: `arn:aws:cloudtrail:${region}:${account}:trail/${trailName}` },
      event: { channel: 'poll' },
    });
    expect(powertools.metrics).toContainEqual({
      name: 'TrailUnhealthy',
      unit: 'Count',
      value: 1,
      dimensions: { region },
    });
  });

  it('backfills the blind window through the pipeline and reports the recovered count on recovery', async () => {
    // Prepare: the attacker keeps going while the trail is off; LookupEvents still records it
    const corpus = awsCorpus(root);
    const gap = placeInWindow(
      [...corpus.cases, ...corpus.samples].filter((r) => r.eventName !== 'StopLogging'),
      t0 + 2 * minute,
      t0 + 12 * minute,
      {
        account,
        region,
      },
    );
    const gapEvents = eventsFromValue({ Records: gap }, 'gap').flatMap((item) =>
      item.kind === 'event' ? [item.event] : [],
    );
    const { rest } = splitCanary(gapEvents, canaryRuleOf(ruleSet));
    const expected = new Set(detect(rest, ruleSet, new Date(t0), 'backfill').findings.map((finding) => finding.id));
    const before = stub.requests.length;
    stub.setHistory([...stopRecords, ...gap]);
    // Act: blind at +10 and +15, logging again before +20 (the recovery run), then a routine run at +25
    const blind = await runAt(t0 + 2 * period);
    const stillBlind = await runAt(t0 + 3 * period);
    await cloudtrail.send(new StartLoggingCommand({ Name: trailName }));
    const recovery = await runAt(t0 + 4 * period);
    const afterwards = await runAt(t0 + 5 * period);
    // Assess
    expect(received.filter((f) => f.event.channel === 'realtime').map((f) => f.event.operation)).toEqual([
      'StopLogging',
    ]);
    expect([blind.state, stillBlind.state, recovery.state, afterwards.state]).toEqual([
      'blind',
      'blind',
      'healthy',
      'healthy',
    ]);
    expect([blind, stillBlind, recovery, afterwards].map((report) => report.backfill?.mode)).toEqual([
      'full',
      'full',
      'full',
      'routine',
    ]);
    const backfilled = received.filter((finding) => finding.event.channel === 'backfill');
    expect(new Set(backfilled.map((finding) => finding.id))).toEqual(expected);
    expect(expected.size).toBeGreaterThan(50);
    const [restored] = health('trail-coverage-restored');
    expect(restored).toMatchObject({ severity: 'critical', raw: { recoveredByBackfill: expected.size } });
    expect(restored?.summary).toContain(`backfill recovered ${expected.size} finding(s)`);
    expect(health('trail-coverage-lost')).toHaveLength(1); // again only in a new hour
    // The StopLogging record came in real time: backfill found it again and counted it as a duplicate, not a miss.
    expect(backfilled.filter((finding) => finding.event.operation === 'StopLogging')).toEqual([]);
    // LookupEvents as the API wants it: one attribute per call, ≤ 50 per page, paced. The stub shares this process's
    // event loop, so a stall can bunch requests at 25× speed; the SDK retries those (the real-rate test expects none).
    const calls = stub.requests.slice(before);
    expect(
      calls.every(
        (call) => (call.body.LookupAttributes as unknown[]).length === 1 && Number(call.body.MaxResults) <= 50,
      ),
    ).toBe(true);
    expect([blind, stillBlind, recovery, afterwards].every((report) => report.backfill?.complete === true)).toBe(true);
    expect(stub.throttled()).toBeLessThanOrEqual(Math.ceil(calls.length / 100));
    const lastRun = calls.filter((call) => Number(call.body.EndTime) * 1000 === t0 + 5 * period - 2 * minute);
    expect(
      new Set(lastRun.map((call) => (call.body.LookupAttributes as { AttributeValue: string }[])[0]?.AttributeValue))
        .size,
    ).toBe(20);
  });

  it('is blind, critical, when the selectors drop management events or the trail is deleted', async () => {
    // Prepare: two hours later, so the hourly finding is new
    const later = t0 + 120 * minute;
    await cloudtrail.send(
      new PutEventSelectorsCommand({
        TrailName: trailName,
        EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false }],
      }),
    );
    // Act
    const dropped = await runAt(later);
    await cloudtrail.send(new DeleteTrailCommand({ Name: trailName }));
    const deleted = await runAt(later + 60 * minute);
    // Assess
    expect(dropped.problems).toEqual([expect.stringMatching(/^management-events-excluded: /)]);
    expect(deleted.problems).toEqual(['no-trail: no trail covers the region']);
    expect(
      health('trail-coverage-lost')
        .slice(-2)
        .map((finding) => [finding.severity, finding.matched]),
    ).toEqual([
      ['critical', ['management-events-excluded']],
      ['critical', ['no-trail']],
    ]);
  });
});

describe('LookupEvents stub at the real rate', () => {
  it('pages through 3 names at 2 calls per second without one ThrottlingException', async () => {
    // Prepare
    const stub = await startLookupStub();
    const t0 = Date.parse('2026-11-24T10:00:00Z');
    const records = ['StopLogging', 'DeleteTrail', 'PutEventSelectors'].flatMap((eventName) =>
      Array.from({ length: 60 }, (_, index) => ({
        eventVersion: '1.09',
        eventID: randomUUID(),
        eventName,
        eventSource: 'cloudtrail.amazonaws.com',
        eventTime: new Date(t0 + index * 1_000).toISOString(),
        awsRegion: region,
        userIdentity: { type: 'IAMUser', userName: 'mallory', accountId: account },
        recipientAccountId: account,
      })),
    );
    stub.setHistory(records);
    const history = new CloudTrailRegion(new CloudTrailClient(motoClientConfig(stub.endpoint)));
    // Act
    const seen: string[] = [];
    for (const eventName of ['StopLogging', 'DeleteTrail', 'PutEventSelectors'])
      for await (const page of history.lookup({ eventName, start: new Date(t0), end: new Date(t0 + 3_600_000) }))
        seen.push(...(page.Events ?? []).map((event) => String(event.EventId)));
    await stub.stop();
    // Assess
    const gaps = stub.requests.slice(1).map((request, index) => request.at - (stub.requests[index]?.at ?? 0));
    expect(new Set(seen)).toEqual(new Set(records.map((record) => record.eventID)));
    expect(stub.requests).toHaveLength(6); // 2 pages of ≤ 50 per name
    expect(stub.throttled()).toBe(0);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(500);
  });
});
