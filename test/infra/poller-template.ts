import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';
import type { DeployConfigError } from '../../infra/config.js';
import type { PollerProvider } from '../../infra/constructs/poller.js';
import { stackFactory } from './stack-factory.js';

// What the GCP and Azure poller tests assert alike: the scaffolding both get from infra/constructs/poller.ts.

type Resource = { Type: string; Properties: Record<string, unknown> };

/** The construct id a poller has in the detector stack, which prefixes its logical ids. */
const constructId = (provider: PollerProvider): string => (provider === 'gcp' ? 'GcpPoller' : 'AzurePoller');

const pollerFunction = (template: Template, provider: PollerProvider): Resource => {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { FunctionName: `tamperwatch-prod-${provider}-poller` },
  });
  return Object.values(functions)[0] as Resource;
};

const environmentOf = (template: Template, provider: PollerProvider): Record<string, unknown> =>
  (pollerFunction(template, provider).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

/** The schedule, its DLQ, and a function that runs alone within the interval and sends failed runs to the DLQ. */
const expectScheduledPoller = (
  template: Template,
  provider: PollerProvider,
  expected: { rate: string; maxEventAgeSeconds: number; timeoutSeconds: number },
): void => {
  const deadLetters = { 'Fn::GetAtt': [Match.stringLikeRegexp(`${constructId(provider)}DeadLetters`), 'Arn'] };
  template.hasResourceProperties('AWS::Scheduler::Schedule', {
    Name: `tamperwatch-prod-${provider}-poller`,
    ScheduleExpression: `rate(${expected.rate})`,
    State: 'ENABLED',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: {
      Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`${constructId(provider)}Function`), 'Arn'] },
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: expected.maxEventAgeSeconds },
      DeadLetterConfig: { Arn: deadLetters },
    },
  });
  template.hasResourceProperties('AWS::SQS::Queue', {
    QueueName: `tamperwatch-prod-${provider}-poller-dlq`,
    SqsManagedSseEnabled: true,
    MessageRetentionPeriod: 14 * 86_400,
  });
  expect(pollerFunction(template, provider).Properties).toMatchObject({
    ReservedConcurrentExecutions: 1,
    Timeout: expected.timeoutSeconds,
    Runtime: 'nodejs24.x',
    Architectures: ['arm64'],
  });
  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    MaximumRetryAttempts: 0,
    MaximumEventAgeInSeconds: expected.maxEventAgeSeconds,
    DestinationConfig: { OnFailure: { Destination: deadLetters } },
  });
};

/** A fixed role name: the other cloud's trust names the role before it is deployed. */
const expectNamedRole = (template: Template, provider: PollerProvider): void => {
  template.hasResourceProperties('AWS::IAM::Role', {
    RoleName: `tamperwatch-prod-${provider}-poller`,
    AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
  });
};

/** The lag alarm (default 15 minutes, missing data breaches) and the DLQ alarm. */
const expectPollerAlarms = (template: Template, provider: PollerProvider): void => {
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmName: `tamperwatch-prod-${provider}-poller-lag`,
    Namespace: 'tamperwatch',
    MetricName: 'PollerLagSeconds',
    Dimensions: [{ Name: 'service', Value: `tamperwatch-${provider}-poller` }],
    Statistic: 'Maximum',
    Period: 300,
    Threshold: 900,
    EvaluationPeriods: 2,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'breaching',
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmName: `tamperwatch-prod-${provider}-poller-dlq`,
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Threshold: 0,
  });
};

/** `pollRate` and `maxLagMinutes` reach the schedule and the lag alarm. */
const expectPollRateAndLag = (context: Record<string, unknown>): void => {
  const template = Template.fromStack(stackFactory(context).stack);
  template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)' });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'PollerLagSeconds', Threshold: 1_800 });
};

/** Synthesizes with bundling, lists the poller's asset and imports its `index.mjs` in a fresh Node. */
const bundlePoller = (context: Record<string, unknown>, provider: PollerProvider) => {
  const { app, stack } = stackFactory(context, { bundle: true });
  const assembly = app.synth();
  const code = pollerFunction(Template.fromStack(stack), provider).Properties.Code as { S3Key: string };
  const assetDir = join(assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
  const files = readdirSync(assetDir, { recursive: true }).map(String);
  const load = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(join(assetDir, 'index.mjs'))}); if (typeof m.handler !== 'function') process.exit(2);`,
    ],
    { encoding: 'utf8' },
  );
  return { assetDir, files, load };
};

/** The problems of a DeployConfigError thrown by `attempt`; fails the test when it throws nothing. */
const configProblems = (attempt: () => unknown): readonly string[] => {
  try {
    attempt();
  } catch (error) {
    return (error as DeployConfigError).problems;
  }
  throw new Error('expected a DeployConfigError');
};

export {
  bundlePoller,
  configProblems,
  environmentOf,
  expectNamedRole,
  expectPollerAlarms,
  expectPollRateAndLag,
  expectScheduledPoller,
  pollerFunction,
  type Resource,
};
