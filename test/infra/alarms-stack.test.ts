import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { stackFactory } from './stack-factory.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

const secondTopicArn = 'arn:aws:sns:eu-west-1:999988887777:security-oob';
const full = {
  regions: ['eu-west-1', 'us-east-1'],
  aws: { alarms: { emails: ['ops@example.com'], secondTopicArn } },
  gcp: {
    projectId: 'central-logs',
    resourceNames: ['projects/central-logs/locations/global/buckets/audit/views/_AllLogs'],
  },
  azure: {
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    clientId: '0f5b2a1c-3d4e-4f60-8a7b-9c0d1e2f3a4b',
    workspaceIds: ['a1a1a1a1-0000-4000-8000-00000000000a'],
  },
};

const alarmsOf = (template: Template): Resource[] =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
const nameOf = (alarm: Resource): string => {
  const name = alarm.Properties.AlarmName;
  if (typeof name === 'string') return name;
  const parts = (name as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return parts.map((part) => (typeof part === 'string' ? part : '<region>')).join('');
};
const byName = (template: Template, name: string): Resource => {
  const found = alarmsOf(template).find((alarm) => nameOf(alarm) === name);
  if (found === undefined) throw new Error(`no alarm ${name}; have ${alarmsOf(template).map(nameOf).join(', ')}`);
  return found;
};
const opsTopicRef = { Ref: expect.stringMatching(/OpsTopic/) };

describe('Health alarms (default configuration)', () => {
  let template: Template;

  beforeAll(() => {
    template = Template.fromStack(stackFactory({}).stack);
  });

  it('has exactly the alarms of DESIGN §9.2 for the default stack', () => {
    expect(alarmsOf(template).map(nameOf).sort()).toEqual(
      [
        'tamperwatch-prod-canary-dlq-depth',
        'tamperwatch-prod-canary-errors',
        'tamperwatch-prod-canary-throttles',
        'tamperwatch-prod-detector-errors',
        'tamperwatch-prod-detector-throttles',
        'tamperwatch-prod-findings-delivery-failed',
        'tamperwatch-prod-heartbeat-<region>',
        'tamperwatch-prod-ingest-backlog',
        'tamperwatch-prod-ingest-dlq-depth',
        'tamperwatch-prod-rule-errors',
        'tamperwatch-prod-trail-unhealthy-<region>',
        'tamperwatch-prod-trail-watchdog-dlq-depth',
        'tamperwatch-prod-trail-watchdog-errors',
        'tamperwatch-prod-trail-watchdog-silent',
        'tamperwatch-prod-trail-watchdog-throttles',
      ].sort(),
    );
  });

  it('sends every alarm to the ops topic, which has its own rotating key and lets CloudWatch publish', () => {
    // Assess
    for (const alarm of alarmsOf(template)) expect(alarm.Properties.AlarmActions).toEqual([opsTopicRef]);
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'tamperwatch-prod-ops',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('OpsKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'tamperwatch prod ops topic (alarm notifications)',
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
  });

  it('fires the heartbeat alarm after 15 minutes without a canary, treating missing data as breaching', () => {
    expect(byName(template, 'tamperwatch-prod-heartbeat-<region>').Properties).toMatchObject({
      Namespace: 'tamperwatch',
      MetricName: 'Heartbeat',
      Dimensions: expect.arrayContaining([{ Name: 'service', Value: 'tamperwatch-detector' }]),
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('fires on TrailUnhealthy ≥ 1, and when the watchdog is silent for three runs', () => {
    expect(byName(template, 'tamperwatch-prod-trail-unhealthy-<region>').Properties).toMatchObject({
      MetricName: 'TrailUnhealthy',
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(byName(template, 'tamperwatch-prod-trail-watchdog-silent').Properties).toMatchObject({
      MetricName: 'TrailUnhealthy',
      Statistic: 'SampleCount',
      EvaluationPeriods: 3,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('fires on a message in any DLQ, an ingest backlog older than 300 s, SNS delivery failures and rule errors', () => {
    for (const dlq of ['ingest', 'trail-watchdog', 'canary'])
      expect(byName(template, `tamperwatch-prod-${dlq}-dlq-depth`).Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    expect(byName(template, 'tamperwatch-prod-ingest-backlog').Properties).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 300,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(byName(template, 'tamperwatch-prod-findings-delivery-failed').Properties).toMatchObject({
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfNotificationsFailed',
      Threshold: 1,
    });
    const ruleErrors = byName(template, 'tamperwatch-prod-rule-errors').Properties;
    expect(JSON.stringify(ruleErrors.Metrics)).toContain('RuleRunErrors');
    expect(JSON.stringify(ruleErrors.Metrics)).toContain('FILL(m0, 0) + FILL(m1, 0)');
  });

  it('fires on errors and throttles (reserved concurrency 0) of every function', () => {
    for (const fn of ['detector', 'trail-watchdog', 'canary']) {
      expect(byName(template, `tamperwatch-prod-${fn}-errors`).Properties).toMatchObject({
        MetricName: 'Errors',
        Threshold: 1,
      });
      expect(byName(template, `tamperwatch-prod-${fn}-throttles`).Properties).toMatchObject({
        MetricName: 'Throttles',
        Threshold: 1,
      });
    }
  });

  it('shows events in, findings out, latency and lag on the dashboard', () => {
    // Act
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0] as Resource;
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    // Assess
    expect(dashboard.Properties.DashboardName).toBe('tamperwatch-prod-health');
    for (const title of ['Events in', 'Findings out', 'Latency', 'Lag', 'Heartbeat and trail health', 'Alarms'])
      expect(body).toContain(`\\"title\\":\\"${title}\\"`);
    for (const metric of [
      'EventToPublish',
      'CanaryLatencySeconds',
      'BackfillFindings',
      'Published',
      'ApproximateAgeOfOldestMessage',
    ])
      expect(body).toContain(metric);
  });
});

describe('Health alarms (two regions, pollers, e-mail, a second topic)', () => {
  let template: Template;
  let app: ReturnType<typeof stackFactory>['app'];

  beforeAll(() => {
    const built = stackFactory(full);
    app = built.app;
    template = Template.fromStack(built.stack);
  });

  it('adds a heartbeat and a trail alarm per region, and alarms on the pollers', () => {
    // Act
    const names = alarmsOf(template).map(nameOf);
    // Assess
    for (const region of full.regions) {
      expect(names).toContain(`tamperwatch-prod-heartbeat-${region}`);
      expect(names).toContain(`tamperwatch-prod-trail-unhealthy-${region}`);
    }
    for (const poller of ['gcp-poller', 'azure-poller']) {
      expect(names).toContain(`tamperwatch-prod-${poller}-errors`);
      expect(names).toContain(`tamperwatch-prod-${poller}-throttles`);
      expect(names).toContain(`tamperwatch-prod-${poller}-lag`);
      expect(names).toContain(`tamperwatch-prod-${poller}-dlq`);
      expect(names).not.toContain(`tamperwatch-prod-${poller}-dlq-depth`);
    }
    expect(JSON.stringify(byName(template, 'tamperwatch-prod-rule-errors').Properties.Metrics)).toContain(
      'tamperwatch-azure-poller',
    );
  });

  it('notifies the second topic from the heartbeat, trail and watchdog-silent alarms only', () => {
    for (const alarm of alarmsOf(template)) {
      const critical = /heartbeat|trail-unhealthy|watchdog-silent/.test(nameOf(alarm));
      expect(alarm.Properties.AlarmActions).toEqual(critical ? [opsTopicRef, secondTopicArn] : [opsTopicRef]);
    }
  });

  it('subscribes the ops e-mail without a filter policy', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('OpsTopic') },
      FilterPolicy: Match.absent(),
    });
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(
      report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.locations).join(',')}`),
    ).toEqual([]);
  });
});
