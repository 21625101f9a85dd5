import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { serviceName } from '../../functions/handlers/azure-poller.js';
import { DeployConfigError, parseDeployConfig } from '../../infra/config.js';
import { metricService } from '../../infra/constructs/azure-poller.js';
import { stackFactory } from './stack-factory.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

const azure = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '0f5b2a1c-3d4e-4f60-8a7b-9c0d1e2f3a4b',
  workspaceIds: ['a1a1a1a1-0000-4000-8000-00000000000a'],
};
const existingSecret = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:azure-client-secret-AbCdEf';

const pollerFunction = (template: Template): Resource => {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { FunctionName: 'tamperwatch-prod-azure-poller' },
  });
  return Object.values(functions)[0] as Resource;
};
/** TW_AZURE_CONFIG as JSON; CloudFormation references inside it (the DLQ URL, a created secret) read `<ref>`. */
const settingsOf = (template: Template): Record<string, unknown> => {
  const value = (pollerFunction(template).Properties.Environment as { Variables: Record<string, unknown> }).Variables
    .TW_AZURE_CONFIG as string | { 'Fn::Join': [string, unknown[]] };
  if (typeof value === 'string') return JSON.parse(value) as Record<string, unknown>;
  const parts = value['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<ref>'));
  return JSON.parse(parts.join('')) as Record<string, unknown>;
};
/** cdk-nag AwsSolutions findings inside the poller construct (other streams' resources are theirs to check). */
const nagFindings = (stack: ReturnType<typeof stackFactory>['stack']): string[] =>
  new AwsSolutionsChecks().validateScope(stack.node.findChild('AzurePoller')).violations.map((v) => v.ruleName);
const statementsOf = (template: Template): Record<string, unknown>[] =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap((policy) => (policy as Resource).Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
    .flatMap((document) => (document as unknown as { Statement: Record<string, unknown>[] }).Statement);

describe('AzurePoller (federated sign-in, the default)', () => {
  let template: Template;
  let stack: ReturnType<typeof stackFactory>['stack'];

  beforeAll(() => {
    const built = stackFactory({ azure });
    stack = built.stack;
    template = Template.fromStack(built.stack);
  });

  it('runs the poller every 2 minutes from EventBridge Scheduler, with a DLQ for undeliverable runs', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'tamperwatch-prod-azure-poller',
      ScheduleExpression: 'rate(2 minutes)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AzurePollerFunction'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AzurePollerDeadLetters'), 'Arn'] } },
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'tamperwatch-prod-azure-poller-dlq',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
  });

  it('runs one poller at a time, within the schedule interval, and sends failed runs to the DLQ without retry', () => {
    expect(pollerFunction(template).Properties).toMatchObject({
      ReservedConcurrentExecutions: 1,
      Timeout: 110,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 300,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('AzurePollerDeadLetters'), 'Arn'] } },
      },
    });
  });

  it('gives the poller its non-secret settings, the state table and the findings topic', () => {
    // Act
    const variables = (pollerFunction(template).Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    // Assess
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining(['TW_AZURE_CONFIG', 'TW_STATE_TABLE', 'TW_TOPIC_ARN']),
    );
    expect(settingsOf(template)).toEqual({
      ...azure,
      auth: 'federated',
      audience: 'api://AzureADTokenExchange',
      overlapMinutes: 5,
      initialLookbackMinutes: 60,
      deadLetterQueueUrl: '<ref>',
    });
    expect(JSON.stringify(variables.TW_AZURE_CONFIG)).toMatch(/"Ref":"AzurePollerDeadLetters/);
    expect(variables.TW_RULES_DIR).toBe('/var/task/rules/azure');
  });

  it('names the poller role so the federated credential subject is known before deploy', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'tamperwatch-prod-azure-poller',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
    });
  });

  it('may ask STS for web identity tokens for the Entra ID token-exchange audience only, and reads no secret', () => {
    // Act
    const statements = statementsOf(template);
    // Assess
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'sts:GetWebIdentityToken',
        Resource: '*',
        Condition: { 'ForAnyValue:StringEquals': { 'sts:IdentityTokenAudience': ['api://AzureADTokenExchange'] } },
      }),
    );
    expect(JSON.stringify(statements)).not.toContain('secretsmanager:');
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('alarms when the poller lags more than 15 minutes or stops reporting, and when a run lands in the DLQ', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'tamperwatch-prod-azure-poller-lag',
      Namespace: 'tamperwatch',
      MetricName: 'PollerLagSeconds',
      Dimensions: [{ Name: 'service', Value: 'tamperwatch-azure-poller' }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 900,
      EvaluationPeriods: 2,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'tamperwatch-prod-azure-poller-dlq',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
    });
    expect(metricService).toBe(serviceName);
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged finding, on nodejs22.x too', () => {
    expect(nagFindings(stack)).toEqual([]);
    expect(nagFindings(stackFactory({ azure, runtime: 'nodejs22.x' }).stack)).toEqual([]);
  });
});

describe('AzurePoller bundling', () => {
  it('bundles the poller with the Azure SDK into one ESM file that loads, with the Azure rules and no cases', () => {
    // Prepare
    const { app, stack } = stackFactory({ azure }, { bundle: true });
    // Act
    const assembly = app.synth();
    const code = pollerFunction(Template.fromStack(stack)).Properties.Code as { S3Key: string };
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
    // Assess
    expect(files).toEqual(
      expect.arrayContaining(['index.mjs', 'suppressions.json', 'rules/azure/insights/diagnostic-setting-deleted.yml']),
    );
    expect(files.filter((file) => file.endsWith('.cases.json') || file.startsWith('rules/aws'))).toEqual([]);
    expect(load.stderr).toBe('');
    expect(load.status).toBe(0);
  });
});

describe('AzurePoller (client-secret fallback)', () => {
  it('creates an empty secret to fill in, grants reading it, and asks STS for nothing', () => {
    // Act
    const { stack } = stackFactory({ azure: { ...azure, auth: 'secret' } });
    const template = Template.fromStack(stack);
    // Assess
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'tamperwatch-prod-azure-client-secret' });
    const statements = statementsOf(template);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: { Ref: expect.stringMatching(/AzurePollerClientSecret/) },
      }),
    );
    expect(JSON.stringify(statements)).not.toContain('sts:GetWebIdentityToken');
    expect(nagFindings(stack)).toEqual([]);
  });

  it('uses an existing secret by ARN and names it in the settings', () => {
    // Act
    const { stack } = stackFactory({ azure: { ...azure, auth: 'secret', secretArn: existingSecret } });
    const template = Template.fromStack(stack);
    // Assess
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(settingsOf(template)).toMatchObject({ auth: 'secret', secretArn: existingSecret });
    expect(statementsOf(template)).toContainEqual(
      expect.objectContaining({
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: existingSecret,
      }),
    );
  });
});

describe('azure deploy configuration', () => {
  it('builds no poller without an azure section, or when it is disabled', () => {
    for (const context of [{}, { azure: { ...azure, enabled: false } }]) {
      const template = Template.fromStack(stackFactory(context).stack);
      template.resourcePropertiesCountIs('AWS::Scheduler::Schedule', { Name: 'tamperwatch-prod-azure-poller' }, 0);
      template.resourcePropertiesCountIs('AWS::Lambda::Function', { FunctionName: 'tamperwatch-prod-azure-poller' }, 0);
    }
  });

  it('takes another poll rate and lag limit', () => {
    // Act
    const template = Template.fromStack(
      stackFactory({ azure: { ...azure, pollRate: '5 minutes', maxLagMinutes: 30 } }).stack,
    );
    // Assess
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'PollerLagSeconds', Threshold: 1_800 });
  });

  it('fails the synth with every problem of the azure section at once', () => {
    // Act
    const attempt = () =>
      parseDeployConfig({ azure: { clientId: 'not-a-guid', workspaceIds: [], pollRate: 'often' } }, new Date());
    // Assess
    expect(attempt).toThrow(DeployConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as DeployConfigError).problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^tamperwatch\.azure\.tenantId: /),
          expect.stringMatching(/^tamperwatch\.azure\.clientId: a GUID/),
          expect.stringMatching(/^tamperwatch\.azure\.workspaceIds: /),
          expect.stringMatching(/^tamperwatch\.azure\.pollRate: /),
        ]),
      );
    }
  });
});
