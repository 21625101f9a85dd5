import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRoutineNames } from '../../infra/aws-config.js';
import { DeployConfigError, parseDeployConfig } from '../../infra/config.js';
import { stackFactory } from './stack-factory.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

const functionNamed = (template: Template, name: string): Resource => {
  const found = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: name } }));
  if (found.length !== 1) throw new Error(`no function ${name}`);
  return found[0] as Resource;
};
const variablesOf = (fn: Resource): Record<string, unknown> =>
  (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
/** A CloudFormation string (plain, or Fn::Join of text and Fn::GetAtt) as text, each attribute as `<LogicalId.Attr>`. */
const textOf = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join !== undefined) return join[1].map(textOf).join(join[0]);
  const attribute = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (attribute !== undefined) return `<${attribute.join('.')}>`;
  throw new Error(`not a string: ${JSON.stringify(value)}`);
};
/** The watchdog's TW_WATCHDOG_CONFIG, parsed. */
const watchdogConfigOf = (template: Template): Record<string, unknown> =>
  JSON.parse(textOf(variablesOf(functionNamed(template, 'tamperwatch-prod-trail-watchdog')).TW_WATCHDOG_CONFIG));
/** The logical id of the one KMS key whose description contains `text`. */
const keyNamed = (template: Template, text: string): string => {
  const found = Object.entries(template.findResources('AWS::KMS::Key')).filter(([, key]) =>
    String((key as Resource).Properties.Description).includes(text),
  );
  if (found.length !== 1) throw new Error(`no key ${text}`);
  return found[0]?.[0] ?? '';
};
const statementsOf = (template: Template) =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => ((policy as Resource).Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
  );

describe('Trail watchdog and canary (default configuration)', () => {
  let template: Template;

  beforeAll(() => {
    template = Template.fromStack(stackFactory({}).stack);
  });

  it('runs the watchdog every 5 minutes from EventBridge Scheduler, with a DLQ for runs that fail', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'tamperwatch-prod-trail-watchdog',
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('TrailWatchdogFunction'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
        DeadLetterConfig: {
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('TrailWatchdogScheduleDeadLetters'), 'Arn'] },
        },
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'tamperwatch-prod-trail-watchdog-dlq',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('TrailWatchdogScheduleDeadLetters'), 'Arn'] },
        },
      },
    });
  });

  it('runs one watchdog at a time, ending before the next run, with the routine names and the rules', () => {
    // Act
    const fn = functionNamed(template, 'tamperwatch-prod-trail-watchdog');
    const variables = variablesOf(fn);
    // Assess
    expect(fn.Properties).toMatchObject({
      ReservedConcurrentExecutions: 1,
      Timeout: 290,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
    expect(variables).toMatchObject({
      TW_REGIONS: { Ref: 'AWS::Region' },
      TW_RULES_DIR: '/var/task/rules/aws',
      TW_CLAIM_STALE_SECONDS: '580',
      TW_TOPIC_ARN: expect.anything(),
      TW_STATE_TABLE: expect.anything(),
    });
    expect(watchdogConfigOf(template)).toEqual({
      routineNames: defaultRoutineNames,
      overlapMinutes: 15,
      initialLookbackMinutes: 60,
      maxDeliveryAgeMinutes: 30,
      keyArns: [`<${keyNamed(template, 'findings topic')}.Arn>`, `<${keyNamed(template, 'ops topic')}.Arn>`],
    });
  });

  it('names every KMS key of the stack in the settings and lets the watchdog describe exactly those', () => {
    // Prepare
    const keys = Object.keys(template.findResources('AWS::KMS::Key')).sort();
    // Act
    const settings = watchdogConfigOf(template).keyArns as string[];
    const kms = statementsOf(template).filter((statement) =>
      [statement.Action].flat().some((action) => String(action) === 'kms:DescribeKey'),
    );
    // Assess
    expect(keys).toHaveLength(2);
    expect([...settings].sort()).toEqual(keys.map((key) => `<${key}.Arn>`));
    expect(kms).toEqual([
      {
        Effect: 'Allow',
        Action: 'kms:DescribeKey',
        Resource: [
          { 'Fn::GetAtt': [keyNamed(template, 'findings topic'), 'Arn'] },
          { 'Fn::GetAtt': [keyNamed(template, 'ops topic'), 'Arn'] },
        ],
      },
    ]);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy).includes('kms:DescribeKey'),
    ) as Resource[];
    expect(policies).toHaveLength(1);
    expect(JSON.stringify(policies[0]?.Properties.Roles)).toContain('TrailWatchdog');
  });

  it('gives the watchdog read-only CloudTrail access and nothing else of CloudTrail', () => {
    // Act
    const cloudtrail = statementsOf(template).filter((statement) =>
      [statement.Action].flat().some((action) => String(action).startsWith('cloudtrail:')),
    );
    // Assess
    expect(cloudtrail).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'cloudtrail:DescribeTrails',
          'cloudtrail:GetTrailStatus',
          'cloudtrail:GetEventSelectors',
          'cloudtrail:LookupEvents',
        ],
        Resource: '*',
      },
    ]);
  });

  it('creates the tagged canary parameter, writes it every 5 minutes, and lets the canary write only it', () => {
    // Act
    const ssm = statementsOf(template).filter((statement) =>
      [statement.Action].flat().some((action) => String(action).startsWith('ssm:')),
    );
    // Assess
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: 'tamperwatch-prod-canary',
      Type: 'String',
      Tags: { 'tamperwatch:stage': 'prod', 'tamperwatch:role': 'canary' },
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'tamperwatch-prod-canary',
      ScheduleExpression: 'rate(5 minutes)',
      Target: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('CanaryFunction'), 'Arn'] } },
    });
    expect(functionNamed(template, 'tamperwatch-prod-canary').Properties).toMatchObject({
      ReservedConcurrentExecutions: 1,
      Timeout: 60,
    });
    expect(variablesOf(functionNamed(template, 'tamperwatch-prod-canary'))).toMatchObject({
      TW_CANARY_PARAMETER: 'tamperwatch-prod-canary',
      TW_CANARY_MAX_DELAY: '600',
    });
    expect(ssm).toHaveLength(1);
    expect(ssm[0]).toMatchObject({ Action: ['ssm:PutParameter', 'ssm:AddTagsToResource'] });
    expect(JSON.stringify(ssm[0]?.Resource)).toContain(':parameter/tamperwatch-prod-canary');
  });

  it('names every scheduled job with the stage prefix the self-protection rules watch', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')) as Resource[];
    expect(schedules.map((schedule) => schedule.Properties.Name).sort()).toEqual([
      'tamperwatch-prod-canary',
      'tamperwatch-prod-trail-watchdog',
    ]);
  });
});

describe('Trail watchdog and canary (configured)', () => {
  it('takes the rate from the configuration, can leave the canary out, and drops routine names no rule matches', () => {
    // Act
    const { stack } = stackFactory({
      aws: {
        watchdogRate: '10 minutes',
        canary: { enabled: false },
        backfill: { routineNames: ['StopLogging', 'NoSuchCall'] },
      },
    });
    const template = Template.fromStack(stack);
    // Assess
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'tamperwatch-prod-trail-watchdog',
      ScheduleExpression: 'rate(10 minutes)',
    });
    template.resourceCountIs('AWS::SSM::Parameter', 0);
    template.resourcePropertiesCountIs('AWS::Scheduler::Schedule', { Name: 'tamperwatch-prod-canary' }, 0);
    expect(functionNamed(template, 'tamperwatch-prod-trail-watchdog').Properties.Timeout).toBe(590);
    expect(watchdogConfigOf(template).routineNames).toEqual(['StopLogging']);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('NoSuchCall'))).toHaveLength(1);
  });

  it('warns when the canary is on but the rules hold no canary rule', () => {
    const { stack } = stackFactory({}, { rulesDir: 'test/infra/fixtures/read-only' });
    expect(
      Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('tamperwatch-canary-heartbeat')),
    ).toHaveLength(1);
  });

  it('refuses more than 20 routine names, a bad rate and a second topic that is not an SNS ARN', () => {
    // Prepare
    const names = Array.from({ length: 21 }, (_, index) => `Call${index}`);
    // Act
    const parse = () =>
      parseDeployConfig(
        {
          aws: {
            watchdogRate: '90 minutes',
            backfill: { routineNames: names },
            alarms: { secondTopicArn: 'arn:aws:sqs:eu-west-1:111122223333:q' },
          },
        },
        new Date('2026-11-24T10:00:00Z'),
      );
    // Assess
    expect(parse).toThrow(DeployConfigError);
    expect(parse).toThrow(
      /aws\.watchdogRate.*\n.*aws\.backfill\.routineNames.*at most 20.*\n.*aws\.alarms\.secondTopicArn/,
    );
  });
});
