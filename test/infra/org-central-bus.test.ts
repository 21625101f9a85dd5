import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeployConfigError } from '../../infra/config.js';
import { stackFactory } from './stack-factory.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

const organization = {
  account: '111122223333',
  region: 'eu-west-1',
  organizationId: 'o-a1b2c3d4e5',
  homeRegion: 'eu-west-1',
  regions: ['eu-west-1', 'us-east-1'],
  organization: {},
};

const rulesOf = (template: Template) => Object.values(template.findResources('AWS::Events::Rule')) as Resource[];

describe('DetectorStack with an organization', () => {
  let built: ReturnType<typeof stackFactory>;
  let template: Template;

  beforeAll(() => {
    built = stackFactory(organization);
    template = Template.fromStack(built.stack);
  });

  it('creates the central bus tamperwatch-<stage>-central', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'tamperwatch-prod-central' });
  });

  it('admits events:PutEvents on the central bus only from principals of the organization', () => {
    // Act
    const policies = Object.values(template.findResources('AWS::Events::EventBusPolicy')) as Resource[];
    // Assess
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Properties).toEqual({
      EventBusName: { Ref: expect.stringMatching(/^CentralBus/) },
      StatementId: 'cdk-OrganizationPutEvents',
      Statement: {
        Sid: 'cdk-OrganizationPutEvents',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CentralBus/), 'Arn'] },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      },
    });
  });

  it('puts the same generated ingest rules on the central bus as on the default bus, into the same queue', () => {
    // Act
    const rules = rulesOf(template);
    const onDefault = rules.filter((rule) => rule.Properties.EventBusName === undefined);
    const onCentral = rules.filter((rule) => rule.Properties.EventBusName !== undefined);
    // Assess
    expect(onDefault.length).toBeGreaterThan(0);
    expect(onCentral.map((rule) => rule.Properties.EventPattern)).toEqual(
      onDefault.map((rule) => rule.Properties.EventPattern),
    );
    expect(onCentral.map((rule) => rule.Properties.Name)).toEqual(
      onCentral.map((_, index) => `tamperwatch-prod-central-ingest-${index}`),
    );
    for (const rule of onCentral) {
      expect(rule.Properties.EventBusName).toEqual({ Ref: expect.stringMatching(/^CentralBus/) });
      expect(rule.Properties.Targets).toEqual([
        {
          Id: 'Target0',
          Arn: { 'Fn::GetAtt': [expect.stringMatching(/^IngestQueue/), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^IngestDeadLetterQueue/), 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
        },
      ]);
    }
  });

  it('lets the central rules send to the ingest queue (queue policy keyed on each rule ARN)', () => {
    // Act
    const [policy] = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((resource) =>
      JSON.stringify(resource).includes('CentralIngest'),
    ) as Resource[];
    // Assess
    expect(JSON.stringify(policy?.Properties)).toMatch(/"aws:SourceArn":\{"Fn::GetAtt":\["IngestCentralIngest0/);
  });

  it('drops the default-bus rules when defaultBusIngest is false (a forwarder covers the detector account)', () => {
    // Act
    const only = Template.fromStack(stackFactory({ ...organization, organization: { defaultBusIngest: false } }).stack);
    // Assess
    const rules = rulesOf(only);
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.every((rule) => rule.Properties.EventBusName !== undefined)).toBe(true);
  });

  it('repeats the read-only rule on the central bus with the state that read-only events need', () => {
    // Act
    const readOnly = Template.fromStack(
      stackFactory({ ...organization, includeReadOnly: true }, { rulesDir: 'test/infra/fixtures/read-only' }).stack,
    );
    // Assess
    readOnly.hasResourceProperties('AWS::Events::Rule', {
      Name: 'tamperwatch-prod-central-ingest-read-0',
      EventBusName: Match.anyValue(),
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    });
  });

  it('keeps the single-account stack as it was without an "organization" section', () => {
    // Act
    const single = Template.fromStack(stackFactory({}).stack);
    // Assess
    single.resourceCountIs('AWS::Events::EventBus', 0);
    single.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    expect(rulesOf(single).every((rule) => rule.Properties.EventBusName === undefined)).toBe(true);
  });

  it('fails the synth on organization settings that do not fit together', () => {
    expect(() => stackFactory({ ...organization, regions: ['eu-west-1'] })).toThrow(DeployConfigError);
    expect(() => stackFactory({ ...organization, regions: ['eu-west-1'] })).toThrow(/must include us-east-1/);
  });

  it('passes cdk-nag AwsSolutions (EVB1: the bus policy is conditioned on the organization)', () => {
    const report = new AwsSolutionsChecks().validateScope(built.app);
    expect(
      report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.locations).join(',')}`),
    ).toEqual([]);
  });

  it('would be flagged by cdk-nag EVB1 without the condition (the check is live)', () => {
    // Prepare
    const app = new App();
    const bus = new EventBus(new Stack(app, 'open'), 'Bus');
    bus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'Open',
        principals: [new AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [bus.eventBusArn],
      }),
    );
    // Act
    const report = new AwsSolutionsChecks().validateScope(app);
    // Assess
    expect(report.violations.map((v) => v.ruleName)).toEqual(['AwsSolutions-EVB1']);
  });
});
