import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { GetParameterCommand, ListTagsForResourceCommand, SSMClient } from '@aws-sdk/client-ssm';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { SsmCanaryWriter } from '../../functions/clients/ssm-canary.js';
import { canaryRuleOf } from '../../functions/core/canary.js';
import type { Finding } from '../../functions/core/findings/types.js';
import type { RuleSet } from '../../functions/core/sigma/rule-set.js';
import { type CanaryHandler, createCanaryHandler } from '../../functions/handlers/canary.js';
import { createQueueHandler } from '../../functions/handlers/cloudtrail-queue.js';
import { loadRules } from '../../functions/load-rules.js';
import { SnsNotifier } from '../../functions/notifier/sns-notifier.js';
import { DynamoDbCheckpointStore } from '../../functions/stores/checkpoint-store.js';
import { DynamoDbDedupStore } from '../../functions/stores/dedup-store.js';
import { arrivalKey } from '../../functions/tamper-evidence/canary-arrival.js';
import { Canary } from '../../infra/constructs/canary.js';
import { ingestPatterns } from '../../infra/event-patterns.js';
import { cloudTrailRecord } from '../helpers/cloudtrail-event-factory.js';
import { lambdaContext } from '../helpers/lambda-context.js';
import { fakePowertools } from '../helpers/watchdog-powertools.js';
import {
  account,
  type Clients,
  clientsFor,
  createQueue,
  createTable,
  createTopic,
  drain,
  motoClientConfig,
  pollOnce,
  region,
  subscribeQueue,
} from './aws-fixture.js';

const endpoint = inject('motoEndpoint');
const root = fileURLToPath(new URL('../..', import.meta.url));
const minute = 60_000;

type Emf = {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
} & Record<string, unknown>;

/** Runs `work` and returns the EMF documents Powertools wrote to stdout meanwhile (what CloudWatch would ingest). */
const capturingEmf = async (work: () => Promise<unknown>): Promise<Emf[]> => {
  const documents: Emf[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('"_aws"')) documents.push(JSON.parse(text) as Emf);
    else return (original as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    return true;
  }) as typeof process.stdout.write;
  try {
    await work();
  } finally {
    process.stdout.write = original;
  }
  return documents;
};

// The canary end to end on moto_server: the canary function writes the SSM parameter; its CloudTrail event (moto emits
// none, so the test puts the record CloudTrail would deliver) goes through a real EventBridge rule built from the
// generated ingest pattern to SQS and the detector; the detector's Heartbeat (real Powertools EMF) feeds the heartbeat
// alarm the stack defines, put into moto's CloudWatch.
describe.skipIf(endpoint === '')('Canary heartbeat on moto_server', () => {
  const suffix = randomUUID().slice(0, 8);
  const stage = 'test';
  const parameterName = `tamperwatch-${stage}-canary`;
  let clients: Clients;
  let ssm: SSMClient;
  let cloudwatch: CloudWatchClient;
  let events: EventBridgeClient;
  let ruleSet: RuleSet;
  let ingest: { url: string; arn: string };
  let alerts: { url: string; arn: string };
  let topicArn: string;
  let busName: string;
  let canary: CanaryHandler;
  let detector: ReturnType<typeof createQueueHandler>;
  let checkpoints: DynamoDbCheckpointStore;
  let now = Math.floor(Date.now() / 3_600_000) * 3_600_000; // hour start: health ids carry an hour bucket
  const t0 = now;
  const powertools = fakePowertools();

  /** What CloudTrail would deliver for the canary's PutParameter, on the bus the ingest rule watches. */
  const deliverCanaryEvent = async (writtenAt: number) => {
    const record = {
      ...cloudTrailRecord({
        eventID: randomUUID(),
        eventName: 'PutParameter',
        eventSource: 'ssm.amazonaws.com',
        eventTime: new Date(writtenAt).toISOString(),
      }),
      awsRegion: region,
      recipientAccountId: account,
      userIdentity: {
        type: 'AssumedRole',
        accountId: account,
        arn: `arn:aws:sts::${account}:assumed-role/tamperwatch-${stage}-canary/x`,
      },
      requestParameters: { name: parameterName, type: 'String', overwrite: true },
    };
    await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: busName,
            Source: 'aws.ssm',
            DetailType: 'AWS API Call via CloudTrail',
            Detail: JSON.stringify(record),
          },
        ],
      }),
    );
  };
  const findings = async () =>
    (await drain(clients, alerts.url)).map((message) => JSON.parse(message.Body ?? '{}') as Finding);

  beforeAll(async () => {
    clients = clientsFor(endpoint);
    ssm = new SSMClient(motoClientConfig(endpoint));
    cloudwatch = new CloudWatchClient(motoClientConfig(endpoint));
    events = new EventBridgeClient(motoClientConfig(endpoint));
    ruleSet = loadRules([`${root}/rules/aws`]).ruleSet;
    const table = await createTable(clients, `tamperwatch-canary-${suffix}`);
    topicArn = await createTopic(clients, `tamperwatch-canary-${suffix}`);
    alerts = await subscribeQueue(clients, topicArn, `canary-alerts-${suffix}`);
    ingest = await createQueue(clients, `canary-ingest-${suffix}`);
    busName = `tamperwatch-canary-${suffix}`;
    await events.send(new CreateEventBusCommand({ Name: busName }));
    const { write } = ingestPatterns(ruleSet.operations('aws'), { includeReadOnly: false });
    for (const [index, pattern] of write.entries()) {
      await events.send(
        new PutRuleCommand({ Name: `ingest-${index}`, EventBusName: busName, EventPattern: JSON.stringify(pattern) }),
      );
      await events.send(
        new PutTargetsCommand({
          Rule: `ingest-${index}`,
          EventBusName: busName,
          Targets: [{ Id: 'q', Arn: ingest.arn }],
        }),
      );
    }
    checkpoints = new DynamoDbCheckpointStore(clients.dynamodb, table);
    const dedup = new DynamoDbDedupStore(clients.dynamodb, table, { ttlSeconds: 7 * 86_400, staleAfterSeconds: 120 });
    const notifier = new SnsNotifier(clients.sns, topicArn);
    canary = createCanaryHandler({
      regions: [region],
      parameterName,
      maxDelayMs: 10 * minute,
      writer: new SsmCanaryWriter(() => ssm, parameterName, {
        'tamperwatch:stage': stage,
        'tamperwatch:role': 'canary',
      }),
      checkpoints,
      dedup,
      notifier,
      clock: () => new Date(now),
      logger: powertools.logger,
      metrics: powertools.metricsPort,
    });
    detector = createQueueHandler({
      ruleSet,
      suppressions: [],
      dedup,
      notifier,
      clock: () => new Date(now),
      logger: powertools.logger,
      metrics: new Metrics({ namespace: 'tamperwatch', serviceName: 'tamperwatch-detector' }),
      canary: { rule: canaryRuleOf(ruleSet), checkpoints },
    });
  });

  afterEach(async () => {
    await drain(clients, ingest.url);
  });

  it('writes the tagged parameter; its event arrives through the ingest pattern → a Heartbeat metric and no alert', async () => {
    // Act: the canary writes at t0; the event reaches the detector 40 s later
    await canary({ source: 'tamperwatch.schedule' }, lambdaContext());
    await deliverCanaryEvent(t0);
    now = t0 + 40_000;
    const emf = await capturingEmf(() => pollOnce(clients, ingest, (event) => detector(event, lambdaContext())));
    // Assess
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: parameterName }));
    const { TagList = [] } = await ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: parameterName }),
    );
    expect(Parameter?.Value).toBe(new Date(t0).toISOString());
    expect(Object.fromEntries(TagList.map((tag) => [tag.Key, tag.Value]))).toEqual({
      'tamperwatch:stage': stage,
      'tamperwatch:role': 'canary',
    });
    const heartbeat = emf.find((doc) => doc.Heartbeat !== undefined);
    expect(heartbeat).toMatchObject({ Heartbeat: 1, service: 'tamperwatch-detector', region });
    expect(heartbeat?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'tamperwatch',
      Dimensions: [['service', 'region']],
    });
    expect(emf.find((doc) => doc.CanaryLatencySeconds !== undefined)).toMatchObject({
      CanaryLatencySeconds: 40,
      region,
    });
    expect(await findings()).toEqual([]);
    expect((await checkpoints.read(arrivalKey(account, region)))?.position).toBe(new Date(t0).toISOString());
  });

  it('judges the round trip: arrived → nothing; the next write lost → "real-time path blind" finding', async () => {
    // Act
    now = t0 + 10 * minute;
    const arrived = await canary({ source: 'tamperwatch.schedule' }, lambdaContext()); // judges t0: arrived; writes t0+10
    now = t0 + 20 * minute;
    const lost = await canary({ source: 'tamperwatch.schedule' }, lambdaContext()); // judges t0+10: never delivered
    // Assess
    expect(arrived.regions[0]?.verdict).toBe('arriving');
    expect(lost.regions[0]?.verdict).toBe('missing');
    const [blind, ...others] = await findings();
    expect(others).toEqual([]);
    expect(blind).toMatchObject({
      kind: 'health',
      severity: 'high',
      rule: { name: 'tamperwatch-canary-missing' },
      target: { account, region, resource: `arn:aws:ssm:${region}:${account}:parameter/${parameterName}` },
    });
  });

  it('puts the stack’s heartbeat alarm into CloudWatch, and the detector’s Heartbeat is the metric it watches', async () => {
    // Prepare: the alarm as the Canary construct defines it, bundling skipped
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'canary-alarm', { env: { account, region } });
    new Canary(stack, 'Canary', {
      stage,
      projectRoot: root.replace(/\/$/, ''),
      runtime: 'nodejs24.x',
      logRetention: RetentionDays.ONE_WEEK,
      rulesDir: 'rules/aws',
      suppressionsFile: `${root}/package.json`,
      dedupTtlHours: 168,
      regions: [region],
      rateMinutes: 5,
      maxDelaySeconds: 600,
    });
    const [alarm] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')) as {
      Properties: Record<string, unknown>;
    }[];
    const p = alarm?.Properties ?? {};
    const dimensions = p.Dimensions as { Name: string; Value: string }[];
    // Act
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: String(p.AlarmName),
        AlarmDescription: String(p.AlarmDescription),
        Namespace: String(p.Namespace),
        MetricName: String(p.MetricName),
        Dimensions: dimensions,
        Statistic: p.Statistic as 'Sum',
        Period: Number(p.Period),
        EvaluationPeriods: Number(p.EvaluationPeriods),
        Threshold: Number(p.Threshold),
        ComparisonOperator: p.ComparisonOperator as 'LessThanThreshold',
        TreatMissingData: String(p.TreatMissingData),
        AlarmActions: [topicArn],
      }),
    );
    const { MetricAlarms = [] } = await cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNames: [String(p.AlarmName)] }),
    );
    const sent = new Date();
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'tamperwatch',
        MetricData: [
          {
            MetricName: 'Heartbeat',
            Dimensions: [
              { Name: 'service', Value: 'tamperwatch-detector' },
              { Name: 'region', Value: region },
            ],
            Value: 1,
            Unit: 'Count',
            Timestamp: sent,
          },
        ],
      }),
    );
    const { Datapoints = [] } = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: String(p.Namespace),
        MetricName: String(p.MetricName),
        Dimensions: dimensions,
        StartTime: new Date(sent.getTime() - 5 * minute),
        EndTime: new Date(sent.getTime() + 5 * minute),
        Period: Number(p.Period),
        Statistics: ['Sum'],
      }),
    );
    // Assess
    expect(MetricAlarms).toHaveLength(1);
    expect(MetricAlarms[0]).toMatchObject({
      AlarmName: `tamperwatch-${stage}-heartbeat-${region}`,
      MetricName: 'Heartbeat',
      Namespace: 'tamperwatch',
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [topicArn],
    });
    expect(dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'service', Value: 'tamperwatch-detector' },
        { Name: 'region', Value: region },
      ]),
    );
    expect(Datapoints.reduce((sum, point) => sum + (point.Sum ?? 0), 0)).toBe(1);
  });
});
