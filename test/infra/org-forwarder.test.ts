import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeployConfigError, parseDeployConfig } from '../../infra/config.js';
import { DetectorStack } from '../../infra/detector-stack.js';
import type { ForwarderStack } from '../../infra/forwarder-stack.js';
import { addOrganizationStacks, type OrganizationStacks } from '../../infra/org-stacks.js';
import { projectRoot } from './stack-factory.js';

type Resource = { Type: string; Properties: Record<string, unknown>; Condition?: string };

const centralBusArn = 'arn:aws:events:eu-west-1:111122223333:event-bus/tamperwatch-prod-central';
const context = {
  account: '111122223333',
  region: 'eu-west-1',
  organizationId: 'o-a1b2c3d4e5',
  homeRegion: 'eu-west-1',
  regions: ['eu-west-1', 'us-east-1'],
  organization: {
    stackSet: { organizationalUnitIds: ['r-ab12', 'ou-ab12-11111111'], excludeAccounts: ['111122223333'] },
    forwarderAccounts: ['999988887777'],
  },
};

const build = (overrides: Record<string, unknown> = {}, rulesDir?: string) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const { config } = parseDeployConfig({ ...context, ...overrides }, new Date('2026-12-01T10:00:00Z'));
  const detector = new DetectorStack(app, 'tamperwatch-prod-detector', {
    config,
    projectRoot,
    env: { account: '111122223333', region: 'eu-west-1' },
    ...(rulesDir === undefined ? {} : { rulesDir }),
  });
  const org = addOrganizationStacks(app, { config, projectRoot, ...(rulesDir === undefined ? {} : { rulesDir }) });
  return { app, detector, org };
};

const resourcesOf = (template: Record<string, unknown>, type: string): [string, Resource][] =>
  Object.entries(template.Resources as Record<string, Resource>).filter(([, resource]) => resource.Type === type);

describe('forwarder and StackSet', () => {
  let built: ReturnType<typeof build>;
  let org: OrganizationStacks;
  let stackSetTemplate: Template;
  let forwarder: Record<string, unknown>;

  beforeAll(() => {
    built = build();
    org = built.org;
    stackSetTemplate = Template.fromStack(org.stackSetStack as NonNullable<OrganizationStacks['stackSetStack']>);
    const assembly = built.app.synth();
    const url = JSON.stringify(stackSetTemplate.findResources('AWS::CloudFormation::StackSet'));
    const hash = /\/([0-9a-f]{64})\.json/.exec(url)?.[1] ?? 'missing';
    const file = readdirSync(assembly.directory).find((name) => name.includes(hash)) ?? 'missing';
    forwarder = JSON.parse(readFileSync(join(assembly.directory, file), 'utf8'));
  });

  it('rolls out with a service-managed StackSet: auto-deployment, the OUs, the regions, named IAM', () => {
    stackSetTemplate.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'tamperwatch-prod-forwarder',
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      ManagedExecution: { Active: true },
      OperationPreferences: {
        RegionConcurrencyType: 'PARALLEL',
        MaxConcurrentPercentage: 25,
        FailureTolerancePercentage: 10,
      },
      StackInstancesGroup: [
        {
          DeploymentTargets: {
            OrganizationalUnitIds: ['r-ab12', 'ou-ab12-11111111'],
            Accounts: ['111122223333'],
            AccountFilterType: 'DIFFERENCE',
          },
          Regions: ['eu-west-1', 'us-east-1'],
        },
      ],
      TemplateURL: {
        'Fn::Sub': Match.stringLikeRegexp('^https://s3\\.eu-west-1\\..*/cdk-hnb659fds-assets-111122223333-eu-west-1/'),
      },
    });
    expect(org.stackSetStack?.stackName).toBe('tamperwatch-prod-forwarders');
  });

  it('publishes the forwarder template as an asset, deployable to accounts that were never bootstrapped', () => {
    expect(Object.keys(forwarder.Parameters ?? {})).toEqual([]);
    expect(forwarder.Rules).toBeUndefined();
    expect(resourcesOf(forwarder, 'AWS::CDK::Metadata')).toEqual([]);
    expect(resourcesOf(forwarder, 'AWS::Events::Rule').length).toBeGreaterThan(0);
  });

  it('forwards with the detector’s own patterns from the default bus to the central bus, with role and DLQ', () => {
    // Act
    const forwardRules = resourcesOf(forwarder, 'AWS::Events::Rule').map(([, rule]) => rule.Properties);
    const centralPatterns = (
      Object.values(Template.fromStack(built.detector).findResources('AWS::Events::Rule')) as Resource[]
    )
      .filter((rule) => rule.Properties.EventBusName !== undefined)
      .map((rule) => rule.Properties.EventPattern);
    // Assess
    expect(forwardRules.map((rule) => rule.EventPattern)).toEqual(centralPatterns);
    for (const [index, rule] of forwardRules.entries()) {
      expect(rule).toMatchObject({ Name: `tamperwatch-prod-forward-${index}`, State: 'ENABLED' });
      expect(rule.EventBusName).toBeUndefined();
      expect(rule.Targets).toEqual([
        {
          Id: 'Target0',
          Arn: centralBusArn,
          RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^ForwardRole/), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^DeadLetterQueue/), 'Arn'] } },
        },
      ]);
    }
  });

  it('lets EventBridge in this account only put events on the central bus, through a role named per region', () => {
    // Act
    const [[roleId, role] = ['', undefined]] = resourcesOf(forwarder, 'AWS::IAM::Role').filter(([id]) =>
      id.startsWith('ForwardRole'),
    );
    const policies = resourcesOf(forwarder, 'AWS::IAM::Policy').map(([, policy]) => policy.Properties);
    // Assess
    expect(role?.Properties.RoleName).toEqual({
      'Fn::Join': ['', ['tamperwatch-prod-forward-', { Ref: 'AWS::Region' }]],
    });
    expect(role?.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    expect(policies).toEqual([
      {
        PolicyName: expect.any(String),
        Roles: [{ Ref: roleId }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: centralBusArn }],
        },
      },
    ]);
  });

  it('parks undeliverable events in an encrypted, TLS-only DLQ that only the forward rules may write', () => {
    // Act
    const [[, queue] = ['', undefined]] = resourcesOf(forwarder, 'AWS::SQS::Queue');
    const [[, policy] = ['', undefined]] = resourcesOf(forwarder, 'AWS::SQS::QueuePolicy');
    const document = policy?.Properties.PolicyDocument as { Statement: Record<string, unknown>[] } | undefined;
    const statements = document?.Statement ?? [];
    // Assess
    expect(queue?.Properties).toEqual({
      QueueName: 'tamperwatch-prod-forward-dlq',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
    expect(statements[0]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(statements.slice(1).map((statement) => statement.Principal)).toEqual(
      resourcesOf(forwarder, 'AWS::Events::Rule').map(() => ({ Service: 'events.amazonaws.com' })),
    );
    expect(JSON.stringify(statements.slice(1))).toMatch(/"aws:SourceArn":\{"Fn::GetAtt":\["Forward0/);
  });

  it('leaves the retry policy at EventBridge’s default for bus targets: 24 h and 185 attempts', () => {
    for (const [, rule] of resourcesOf(forwarder, 'AWS::Events::Rule')) {
      expect((rule.Properties.Targets as Record<string, unknown>[])[0]?.RetryPolicy).toBeUndefined();
    }
  });

  it('creates the watchdog’s read-only role in the us-east-1 instance only, trusted by the detector’s watchdog', () => {
    // Act
    const [[, role] = ['', undefined]] = resourcesOf(forwarder, 'AWS::IAM::Role').filter(([id]) =>
      id.startsWith('WatchdogReadRole'),
    );
    // Assess
    expect(forwarder.Conditions).toEqual({
      InGlobalEventsRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
    });
    expect(role?.Condition).toBe('InGlobalEventsRegion');
    expect(role?.Properties.RoleName).toBe('tamperwatch-prod-watchdog-read');
    expect(JSON.stringify(role?.Properties.AssumeRolePolicyDocument)).toContain(
      ':iam::111122223333:role/tamperwatch-prod-*',
    );
    expect(role?.Properties.Policies).toEqual([
      {
        PolicyName: 'CloudTrailRead',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Action: [
                'cloudtrail:DescribeTrails',
                'cloudtrail:GetTrailStatus',
                'cloudtrail:GetEventSelectors',
                'cloudtrail:LookupEvents',
              ],
              Effect: 'Allow',
              Resource: '*',
            },
          ],
        },
      },
    ]);
  });

  it('offers one `cdk deploy` forwarder stack per configured account × region, with the same template', () => {
    // Act
    const stacks = org.forwarders.map((stack: ForwarderStack) => `${stack.stackName} ${stack.account} ${stack.region}`);
    const usEast1 = Template.fromStack(org.forwarders[1] as ForwarderStack).toJSON();
    // Assess
    expect(stacks).toEqual([
      'tamperwatch-prod-forwarder-999988887777-eu-west-1 999988887777 eu-west-1',
      'tamperwatch-prod-forwarder-999988887777-us-east-1 999988887777 us-east-1',
    ]);
    expect(resourcesOf(usEast1, 'AWS::Events::Rule')).toEqual(resourcesOf(forwarder, 'AWS::Events::Rule'));
  });

  it('forwards the global-service events from us-east-1: IAM, Organizations and STS names are in its patterns', () => {
    // Act
    const usEast1 = JSON.stringify(
      resourcesOf(Template.fromStack(org.forwarders[1] as ForwarderStack).toJSON(), 'AWS::Events::Rule'),
    );
    // Assess
    for (const name of ['deleterolepolicy', 'putrolepolicy', 'leaveorganization', 'disablepolicytype'])
      expect(usEast1).toContain(`"equals-ignore-case":"${name}"`);
  });

  it('forwards read-only events with the state they need when read-only ingest is on', () => {
    // Act
    const { org: readOnly } = build({ includeReadOnly: true }, 'test/infra/fixtures/read-only');
    // Assess
    Template.fromStack(readOnly.forwarders[0] as ForwarderStack).hasResourceProperties('AWS::Events::Rule', {
      Name: 'tamperwatch-prod-forward-read-0',
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      Targets: [Match.objectLike({ Arn: centralBusArn })],
    });
  });

  it('adds no stack without forwarders configured, and fails the synth without the detector account', () => {
    // Act
    const none = build({ organization: {} }).org;
    // Assess
    expect(none).toEqual({ forwarders: [], stackSetStack: undefined });
    expect(() => build({ account: undefined })).toThrow(DeployConfigError);
    expect(() => build({ account: undefined })).toThrow(/tamperwatch\.account: required with organization\.stackSet/);
  });

  it('passes cdk-nag AwsSolutions on the StackSet stack and the forwarder stacks', () => {
    const report = new AwsSolutionsChecks().validateScope(built.app);
    expect(
      report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.locations).join(',')}`),
    ).toEqual([]);
  });
});
