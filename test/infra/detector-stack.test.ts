import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../functions/load-rules.js';
import { ingestPatterns, maxPatternLength } from '../../infra/event-patterns.js';
import { RuleLoadError } from '../../infra/rules-asset.js';
import { projectRoot, stackFactory } from './stack-factory.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

const subscribers = {
  alerts: {
    emails: [{ address: 'oncall@example.com', severities: ['high', 'critical'] }],
    https: ['https://hooks.example.com/tamperwatch'],
    sqsSubscribers: ['arn:aws:sqs:eu-west-1:111122223333:siem'],
  },
};

describe('DetectorStack', () => {
  let template: Template;
  let app: ReturnType<typeof stackFactory>['app'];

  beforeAll(() => {
    const built = stackFactory(subscribers);
    app = built.app;
    template = Template.fromStack(built.stack);
  });

  it('feeds the detector from SQS in batches of 10 with partial batch responses', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.resourcePropertiesCountIs(
      'AWS::Lambda::EventSourceMapping',
      { MaximumBatchingWindowInSeconds: Match.anyValue() },
      0,
    );
  });

  it('redrives a record to the DLQ after 5 receives, with a visibility timeout of 6 × the function timeout', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'tamperwatch-prod-ingest',
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 180,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'tamperwatch-prod-ingest-dlq',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
  });

  it('runs the detector on nodejs24.x (default), arm64, 512 MB, 30 s', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'tamperwatch-prod-detector',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 30,
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          TW_STAGE: 'prod',
          TW_RULES_DIR: '/var/task/rules/aws',
          TW_SUPPRESSIONS_FILE: '/var/task/suppressions.json',
          TW_DEDUP_TTL_HOURS: '168',
          TW_CLAIM_STALE_SECONDS: '60',
          TW_TOPIC_ARN: Match.anyValue(),
          TW_STATE_TABLE: Match.anyValue(),
        }),
      },
    });
  });

  it('sets NODE_OPTIONS=--enable-source-maps on every function only with sourceMaps: true', () => {
    // Prepare
    const nodeOptionsOf = (template: Template) =>
      Object.values(template.findResources('AWS::Lambda::Function')).map(
        (fn) =>
          (fn as { Properties: { Environment?: { Variables?: Record<string, string> } } }).Properties.Environment
            ?.Variables?.NODE_OPTIONS,
      );
    // Act
    const byDefault = nodeOptionsOf(template);
    const withMaps = nodeOptionsOf(Template.fromStack(stackFactory({ sourceMaps: true }).stack));
    // Assess
    expect(byDefault.length).toBeGreaterThan(1);
    expect(byDefault.every((value) => value === undefined)).toBe(true);
    expect(withMaps).toEqual(byDefault.map(() => '--enable-source-maps'));
  });

  it('takes the runtime from the configuration', () => {
    const { stack } = stackFactory({ runtime: 'nodejs22.x' });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x' });
  });

  it('encrypts the findings topic with a rotating customer-managed key and refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'tamperwatch-prod-findings',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('FindingsKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('subscribes e-mail, HTTPS and SQS responders, with a severity filter where configured', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      FilterPolicy: { severity: ['high', 'critical'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://hooks.example.com/tamperwatch',
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      Endpoint: 'arn:aws:sqs:eu-west-1:111122223333:siem',
      RawMessageDelivery: true,
    });
  });

  it('keeps claims in a retained table with TTL on expiresAt and point-in-time recovery', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        TableName: 'tamperwatch-prod-state',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    });
  });

  it('sets log retention on the function log group', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/lambda/tamperwatch-prod-detector',
      RetentionInDays: 90,
    });
  });

  it('generates the ingest patterns from the AWS rule index, each within 2,048 characters', () => {
    // Prepare
    const { ruleSet } = loadRules([`${projectRoot}/rules/aws`], { strict: true });
    const expected = ingestPatterns(ruleSet.operations('aws'), { includeReadOnly: false });
    // Act
    const rules = Object.values(template.findResources('AWS::Events::Rule')) as Resource[];
    // Assess
    expect(rules.map((rule) => rule.Properties.EventPattern)).toEqual(expected.write);
    expect(rules.every((rule) => rule.Properties.State === 'ENABLED')).toBe(true);
    for (const rule of rules)
      expect(JSON.stringify(rule.Properties.EventPattern).length).toBeLessThanOrEqual(maxPatternLength);
    const names = expected.write.flatMap(
      (pattern) => (pattern.detail as { eventName: { 'equals-ignore-case': string }[] }).eventName,
    );
    expect(names.map((name) => name['equals-ignore-case'])).toEqual([...ruleSet.operations('aws').names].sort());
  });

  it('targets the queue with retries and the DLQ for undeliverable events', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestDeadLetterQueue'), 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
        }),
      ],
    });
  });

  it('adds a read-only ingest rule only when asked for and a rule needs it', () => {
    // Act
    const off = Template.fromStack(stackFactory({}, { rulesDir: 'test/infra/fixtures/read-only' }).stack);
    const built = stackFactory({ includeReadOnly: true }, { rulesDir: 'test/infra/fixtures/read-only' });
    const on = Template.fromStack(built.stack);
    // Assess
    off.resourceCountIs('AWS::Events::Rule', 1);
    expect(
      Annotations.fromStack(stackFactory({}, { rulesDir: 'test/infra/fixtures/read-only' }).stack).findWarning(
        '*',
        Match.stringLikeRegexp('getkeypolicy'),
      ),
    ).toHaveLength(1);
    on.resourceCountIs('AWS::Events::Rule', 2);
    on.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      EventPattern: {
        'detail-type': Match.anyValue(),
        detail: { eventName: [{ 'equals-ignore-case': 'getkeypolicy' }] },
      },
    });
    on.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
      EventPattern: {
        'detail-type': Match.anyValue(),
        detail: { eventName: [{ 'equals-ignore-case': 'putkeypolicy' }] },
      },
    });
  });

  it('fails the synth on a bad rule, naming file, line and rule', () => {
    expect(() => stackFactory({}, { rulesDir: 'test/infra/fixtures/bad' })).toThrow(RuleLoadError);
    expect(() => stackFactory({}, { rulesDir: 'test/infra/fixtures/bad' })).toThrow(
      /kms-bad-rule\.yml:19:\d+ \[rule 5d1e8b63-7a1f-4d2e-8b9f-3a5c7e9f1b22\] .*unknown modifier 'contians'/,
    );
  });

  it('grants no wildcard action and attaches no managed policy', () => {
    // Act
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
    const statements = policies.flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement,
    );
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    // Assess
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    expect([...new Set(actions)].sort()).toEqual(
      [
        // trail watchdog (read-only CloudTrail) and canary (its own parameter): test/infra/watchdog-stack.test.ts
        'cloudtrail:DescribeTrails',
        'cloudtrail:GetEventSelectors',
        'cloudtrail:GetTrailStatus',
        'cloudtrail:LookupEvents',
        'ssm:AddTagsToResource',
        'ssm:PutParameter',
        // the watchdog reads the state of the stack's own KMS keys (scoped to them: watchdog-stack.test.ts)
        'kms:DescribeKey',
        // schedules invoke the watchdog and the canary; failed runs go to their DLQs
        'lambda:InvokeFunction',
        'sqs:SendMessage',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sns:Publish',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
      ].sort(),
    );
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(
      report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.locations).join(',')}`),
    ).toEqual([]);
  });

  it('passes cdk-nag with nodejs22.x through an acknowledgement that says why', () => {
    // Act
    const { app: older } = stackFactory({ runtime: 'nodejs22.x' });
    const report = new AwsSolutionsChecks().validateScope(older);
    // Assess
    expect(report.violations).toEqual([]);
  });
});
