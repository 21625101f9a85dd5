import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { serviceName } from '../../functions/handlers/azure-poller.js';
import { DeployConfigError, parseDeployConfig } from '../../infra/config.js';
import { metricService } from '../../infra/constructs/azure-poller.js';
import {
  bundlePoller,
  configProblems,
  environmentOf,
  expectNamedRole,
  expectPollerAlarms,
  expectPollRateAndLag,
  expectScheduledPoller,
  type Resource,
} from './poller-template.js';
import { stackFactory } from './stack-factory.js';

const azure = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '0f5b2a1c-3d4e-4f60-8a7b-9c0d1e2f3a4b',
  workspaceIds: ['a1a1a1a1-0000-4000-8000-00000000000a'],
};
const existingSecret = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:azure-client-secret-AbCdEf';

/** TW_AZURE_CONFIG as JSON; CloudFormation references inside it (the DLQ URL, a created secret) read `<ref>`. */
const settingsOf = (template: Template): Record<string, unknown> => {
  const value = environmentOf(template, 'azure').TW_AZURE_CONFIG as string | { 'Fn::Join': [string, unknown[]] };
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

  it('runs one poller every 2 minutes, within the interval, with a DLQ for failed and undeliverable runs', () => {
    expectScheduledPoller(template, 'azure', { rate: '2 minutes', maxEventAgeSeconds: 300, timeoutSeconds: 110 });
  });

  it('gives the poller its non-secret settings, the state table and the findings topic', () => {
    // Act
    const variables = environmentOf(template, 'azure');
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
    expectNamedRole(template, 'azure');
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
    expectPollerAlarms(template, 'azure');
    expect(metricService).toBe(serviceName);
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged finding, on nodejs22.x too', () => {
    expect(nagFindings(stack)).toEqual([]);
    expect(nagFindings(stackFactory({ azure, runtime: 'nodejs22.x' }).stack)).toEqual([]);
  });
});

describe('AzurePoller bundling', () => {
  it('bundles the poller with the Azure SDK into one ESM file that loads, with the Azure rules and no cases', () => {
    // Act
    const { files, load } = bundlePoller({ azure }, 'azure');
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
    expectPollRateAndLag({ azure: { ...azure, pollRate: '5 minutes', maxLagMinutes: 30 } });
  });

  it('fails the synth with every problem of the azure section at once', () => {
    // Act
    const attempt = () =>
      parseDeployConfig({ azure: { clientId: 'not-a-guid', workspaceIds: [], pollRate: 'often' } }, new Date());
    // Assess
    expect(attempt).toThrow(DeployConfigError);
    expect(configProblems(attempt)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tamperwatch\.azure\.tenantId: /),
        expect.stringMatching(/^tamperwatch\.azure\.clientId: a GUID/),
        expect.stringMatching(/^tamperwatch\.azure\.workspaceIds: /),
        expect.stringMatching(/^tamperwatch\.azure\.pollRate: /),
      ]),
    );
  });
});
