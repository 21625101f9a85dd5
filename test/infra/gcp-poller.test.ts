import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { gcpPollerSettings } from '../../functions/config/gcp-config.js';
import { DeployConfigError, parseDeployConfig } from '../../infra/config.js';
import { metricService } from '../../infra/constructs/gcp-poller.js';
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

const gcp = {
  projectId: 'central-logs',
  resourceNames: ['projects/central-logs/locations/global/buckets/audit/views/_AllLogs', 'organizations/123456789012'],
};
const existingSecret = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:gcp-credential-config-AbCdEf';

const pollerStatements = (template: Template): Record<string, unknown>[] =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify((policy as Resource).Properties.Roles).includes('GcpPoller'))
    .flatMap(
      (policy) =>
        ((policy as Resource).Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
    );

describe('GcpPoller (credential secret created by the stack)', () => {
  let template: Template;
  let app: ReturnType<typeof stackFactory>['app'];

  beforeAll(() => {
    const built = stackFactory({ gcp });
    app = built.app;
    template = Template.fromStack(built.stack);
  });

  it('runs one poller every minute, within the minute, with a DLQ for failed and undeliverable runs', () => {
    expectScheduledPoller(template, 'gcp', { rate: '1 minute', maxEventAgeSeconds: 120, timeoutSeconds: 50 });
  });

  it('gives the poller its non-secret settings, the state table and the findings topic', () => {
    // Act
    const variables = environmentOf(template, 'gcp');
    const settings = JSON.stringify(variables.TW_GCP_CONFIG); // a Fn::Join: the secret ARN and queue URL are tokens
    // Assess
    expect(Object.keys(variables)).toEqual(expect.arrayContaining(['TW_GCP_CONFIG', 'TW_STATE_TABLE', 'TW_TOPIC_ARN']));
    expect(variables.TW_RULES_DIR).toBe('/var/task/rules/gcp');
    expect(variables.TW_CLAIM_STALE_SECONDS).toBe('55'); // under the 1-minute interval: a dead run's claims are taken over
    expect(settings).toContain('organizations/123456789012');
    expect(settings).toContain('GcpPollerCredentialConfig');
    expect(settings).toContain('GcpPollerDeadLetters');
    expect(settings).not.toContain('pollRate');
  });

  it('names the poller role so the workload identity provider can pin it before deploy', () => {
    expectNamedRole(template, 'gcp');
  });

  it('creates an empty, retained secret for the credential configuration and may read only that one', () => {
    // Act
    const statements = pollerStatements(template);
    // Assess
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: { Name: 'tamperwatch-prod-gcp-credential-config' },
      DeletionPolicy: 'Retain',
    });
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: { Ref: expect.stringMatching(/GcpPollerCredentialConfig/) },
      }),
    );
    expect(JSON.stringify(statements)).not.toContain('ssm:');
  });

  it('may send to its DLQ, claim in the state table and publish findings; no wildcard action or resource', () => {
    // Act
    const statements = pollerStatements(template);
    const text = JSON.stringify(statements);
    // Assess
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: expect.arrayContaining(['sqs:SendMessage']),
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/GcpPollerDeadLetters/), 'Arn'] },
      }),
    );
    expect(text).toContain('dynamodb:PutItem');
    expect(text).toContain('sns:Publish');
    expect(statements.filter((statement) => statement.Resource === '*')).toEqual([]);
    expect(text).not.toMatch(/"[a-z0-9-]+:\*"/);
  });

  it('alarms when the poller lags more than 15 minutes or stops reporting, and when the DLQ holds anything', () => {
    expectPollerAlarms(template, 'gcp');
    expect(metricService).toBe('tamperwatch-gcp-poller');
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged finding, on nodejs22.x too', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    const older = stackFactory({ gcp, runtime: 'nodejs22.x' }).app;
    expect(new AwsSolutionsChecks().validateScope(older).violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('GcpPoller bundling', () => {
  it('bundles the poller into code of at most 1.5 MiB in all with no node_modules, which loads, with the GCP rules only', () => {
    // Act
    const { assetDir, files, load } = bundlePoller({ gcp }, 'gcp');
    // Assess
    expect(files).toEqual(
      expect.arrayContaining(['index.mjs', 'suppressions.json', 'rules/gcp/logging/logging-sink-deleted.yml']),
    );
    expect(files.filter((file) => file.startsWith('node_modules'))).toEqual([]);
    const code = files.filter((file) => file.endsWith('.mjs'));
    const codeBytes = code.reduce((sum, file) => sum + statSync(join(assetDir, file)).size, 0);
    expect(codeBytes).toBeLessThanOrEqual(1.5 * 1024 * 1024); // issue 9 target, every chunk counted
    expect(files.filter((file) => file.endsWith('.cases.json') || file.startsWith('rules/aws'))).toEqual([]);
    expect(load.stderr).toBe('');
    expect(load.status).toBe(0);
  }, 300_000);
});

describe('GcpPoller (credential elsewhere)', () => {
  it('reads an existing secret by ARN and names it in the settings', () => {
    // Act
    const template = Template.fromStack(
      stackFactory({ gcp: { ...gcp, credential: { secretArn: existingSecret } } }).stack,
    );
    // Assess
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(JSON.stringify(environmentOf(template, 'gcp').TW_GCP_CONFIG)).toContain(existingSecret);
    expect(pollerStatements(template)).toContainEqual(
      expect.objectContaining({
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: existingSecret,
      }),
    );
  });

  it('reads an SSM parameter instead, and no secret', () => {
    // Act
    const { stack, app } = stackFactory({
      gcp: { ...gcp, credential: { parameterName: '/tamperwatch/gcp-credential' } },
    });
    const template = Template.fromStack(stack);
    const statements = pollerStatements(template);
    // Assess
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: expect.arrayContaining(['ssm:GetParameter']),
        Resource: expect.objectContaining({
          'Fn::Join': ['', expect.arrayContaining([':parameter/tamperwatch/gcp-credential'])],
        }),
      }),
    );
    expect(JSON.stringify(statements)).not.toContain('secretsmanager:');
    expect(new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('gcp deploy configuration', () => {
  it('builds no poller without a gcp section, or when it is disabled', () => {
    for (const context of [{}, { gcp: { ...gcp, enabled: false } }]) {
      Template.fromStack(stackFactory(context).stack).resourcePropertiesCountIs(
        'AWS::Lambda::Function',
        { FunctionName: 'tamperwatch-prod-gcp-poller' },
        0,
      );
    }
  });

  it('takes another poll rate and lag limit', () => {
    expectPollRateAndLag({ gcp: { ...gcp, pollRate: '5 minutes', maxLagMinutes: 30 } });
  });

  it('writes settings the runtime accepts', () => {
    // Prepare
    const { config } = parseDeployConfig({ gcp: { ...gcp, credential: { secretArn: existingSecret } } }, new Date());
    if (config.gcp === undefined) throw new Error('no gcp section');
    const { enabled, organization, pollRate, pollMinutes, maxLagMinutes, ...knobs } = config.gcp;
    // Act
    const parsed = gcpPollerSettings().safeParse({
      ...knobs,
      deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/q',
    });
    // Assess
    expect(parsed.success).toBe(true);
  });

  it('fails the synth with every problem of the gcp section at once', () => {
    // Act
    const attempt = () =>
      parseDeployConfig(
        {
          gcp: {
            projectId: 'Central_Logs',
            resourceNames: ['projects/a', 'projects/a', 'logs/x'],
            pollRate: 'often',
            pageSize: 5_000,
            credential: { config: { type: 'service_account' } },
          },
        },
        new Date(),
      );
    // Assess
    expect(attempt).toThrow(DeployConfigError);
    expect(configProblems(attempt)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tamperwatch\.gcp\.projectId: a GCP project id/),
        expect.stringMatching(/^tamperwatch\.gcp\.resourceNames/),
        expect.stringMatching(/^tamperwatch\.gcp\.pollRate: /),
        expect.stringMatching(/^tamperwatch\.gcp\.pageSize: /),
        expect.stringMatching(/^tamperwatch\.gcp\.credential/),
      ]),
    );
  });
});
