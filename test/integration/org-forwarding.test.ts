import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueUrlCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App, BootstraplessSynthesizer, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { CentralBus } from '../../infra/constructs/central-bus.js';
import { CloudTrailIngest } from '../../infra/constructs/cloudtrail-ingest.js';
import { DetectorFunction } from '../../infra/constructs/detector-function.js';
import { forwarderTemplate } from '../../infra/constructs/forwarder-stackset.js';
import { type IngestPatterns, ingestPatterns } from '../../infra/event-patterns.js';
import { loadAwsRuleIndex } from '../../infra/rules-asset.js';
import { cloudTrailRecord } from '../helpers/cloudtrail-event-factory.js';
import { lambdaContext } from '../helpers/lambda-context.js';
import {
  type BatchHandler,
  type Clients,
  createTable,
  createTopic,
  drain,
  handlerEnvironment,
  pollOnce,
} from './aws-fixture.js';
import { asAccount, cloudFormationFor } from './org-moto.js';

const endpoint = inject('motoEndpoint');
const projectRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

// The security account (moto's default account) runs the detector in eu-west-1; one member account forwards from
// eu-central-1 and from us-east-1, where the global-service events (IAM, Organizations) arrive.
const security = { account: '123456789012', region: 'eu-west-1' };
const member = '444455556666';
const stage = 'test';
const centralBusArn = `arn:aws:events:${security.region}:${security.account}:event-bus/tamperwatch-${stage}-central`;

/** The central side as the detector stack composes it, without the function (moto runs no Lambda from CloudFormation). */
const centralTemplate = (patterns: IngestPatterns): Record<string, unknown> => {
  const app = new App({ analyticsReporting: false });
  const stack = new Stack(app, 'central', { synthesizer: new BootstraplessSynthesizer() });
  const ingest = new CloudTrailIngest(stack, 'Ingest', {
    stage,
    patterns,
    functionTimeout: DetectorFunction.timeout,
    defaultBus: false,
  });
  new CentralBus(stack, 'CentralBus', {
    busName: `tamperwatch-${stage}-central`,
    organizationId: 'o-a1b2c3d4e5',
    ingest,
  });
  return Template.fromStack(stack).toJSON();
};

/** A complete CloudTrail record as CloudTrail writes it in the member account and region. */
const memberRecord = (region: string, overrides: Parameters<typeof cloudTrailRecord>[0], extra = {}) => {
  const record = { ...cloudTrailRecord(overrides), ...extra };
  return JSON.parse(JSON.stringify(record).replaceAll('111122223333', member).replaceAll('eu-west-1', region));
};

const eventsIn = (account: string, region: string) =>
  asAccount(new EventBridgeClient({ endpoint, region, credentials }), account);

describe.skipIf(endpoint === '')('Organization forwarding on moto_server (synthesized templates)', () => {
  let central: Clients;
  let ingestQueue: { url: string; arn: string };
  let handler: BatchHandler;
  let teams: Record<'mine' | 'other' | 'frankfurt', string>;
  let forwarded: { eventName: string; region: string; account: string; envelope: Record<string, unknown> }[];

  beforeAll(async () => {
    // Prepare: the forwarder exactly as the StackSet deploys it, in two regions of the member account
    const { operations } = loadAwsRuleIndex(projectRoot, 'rules/aws');
    const patterns = ingestPatterns(operations, { includeReadOnly: false });
    const forwarder = forwarderTemplate({
      stage,
      centralBusArn,
      detectorAccount: security.account,
      watchdogRolePrefix: `tamperwatch-${stage}-`,
      patterns,
    });
    const home = cloudFormationFor(endpoint, security.account, security.region);
    expect(await home.createStack('tamperwatch-test-central', centralTemplate(patterns))).toBe('CREATE_COMPLETE');
    for (const region of ['eu-central-1', 'us-east-1']) {
      const stackStatus = await cloudFormationFor(endpoint, member, region).createStack(
        'tamperwatch-test-fwd',
        forwarder,
      );
      expect(stackStatus).toBe('CREATE_COMPLETE');
    }
    central = {
      sqs: asAccount(new SQSClient({ endpoint, region: security.region, credentials }), security.account),
      sns: asAccount(new SNSClient({ endpoint, region: security.region, credentials }), security.account),
      dynamodb: asAccount(new DynamoDBClient({ endpoint, region: security.region, credentials }), security.account),
    };
    const { QueueUrl = '' } = await central.sqs.send(
      new GetQueueUrlCommand({ QueueName: `tamperwatch-${stage}-ingest` }),
    );
    ingestQueue = {
      url: QueueUrl,
      arn: `arn:aws:sqs:${security.region}:${security.account}:tamperwatch-${stage}-ingest`,
    };
    // The detector's topic and table, and three teams' subscriptions with the filter policies from the deploy guide
    const topicArn = await createTopic(central, `tamperwatch-${stage}-findings`);
    const table = await createTable(central, `tamperwatch-${stage}-state`);
    const subscribe = async (name: string, policy: Record<string, unknown>, scope = 'MessageAttributes') => {
      const { QueueUrl: url = '' } = await central.sqs.send(new CreateQueueCommand({ QueueName: name }));
      await central.sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: `arn:aws:sqs:${security.region}:${security.account}:${name}`,
          Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify(policy), FilterPolicyScope: scope },
        }),
      );
      return url;
    };
    teams = {
      mine: await subscribe('team-member-accounts', { account: [member] }),
      other: await subscribe('team-other-accounts', { account: ['777788889999'] }),
      frankfurt: await subscribe('team-frankfurt', { target: { region: ['eu-central-1'] } }, 'MessageBody'),
    };
    Object.assign(process.env, handlerEnvironment(endpoint, { topicArn, table, rulesDir: `${projectRoot}/rules/aws` }));
    process.env.AWS_REGION = security.region;
    const module = await import('../../functions/handlers/cloudtrail-queue.js');
    handler = (event) => module.handler(event, lambdaContext());

    // Act: CloudTrail events on the member account's default buses, two the rules match and two they cannot
    await eventsIn(member, 'eu-central-1').send(
      new PutEventsCommand({
        Entries: [
          memberRecord('eu-central-1', { eventID: 'fwd-stop-logging', eventName: 'StopLogging' }),
          memberRecord('eu-central-1', { eventID: 'fwd-start-logging', eventName: 'StartLogging' }),
        ].map((detail) => ({
          Source: 'aws.cloudtrail',
          DetailType: 'AWS API Call via CloudTrail',
          Detail: JSON.stringify(detail),
        })),
      }),
    );
    await eventsIn(member, 'us-east-1').send(
      new PutEventsCommand({
        Entries: [
          memberRecord(
            'us-east-1',
            { eventID: 'fwd-delete-role-policy', eventName: 'DeleteRolePolicy', eventSource: 'iam.amazonaws.com' },
            { requestParameters: { roleName: 'tamperwatch-test-forward-eu-central-1', policyName: 'DefaultPolicy' } },
          ),
          memberRecord(
            'us-east-1',
            { eventID: 'fwd-list-roles', eventName: 'ListRoles', eventSource: 'iam.amazonaws.com' },
            { requestParameters: null, readOnly: true },
          ),
        ].map((detail) => ({
          Source: 'aws.iam',
          DetailType: 'AWS API Call via CloudTrail',
          Detail: JSON.stringify(detail),
        })),
      }),
    );
    forwarded = (await drain(central, ingestQueue.url)).map((message) => {
      const envelope = JSON.parse(message.Body ?? '{}');
      return {
        eventName: envelope.detail.eventName,
        region: envelope.detail.awsRegion,
        account: envelope.detail.recipientAccountId,
        envelope,
      };
    });
  });

  it('carries an event put on a member bus in another region and account to the central queue, detail intact', () => {
    // Assess
    expect(forwarded.map(({ eventName, region, account }) => ({ eventName, region, account }))).toEqual(
      expect.arrayContaining([
        { eventName: 'StopLogging', region: 'eu-central-1', account: member },
        { eventName: 'DeleteRolePolicy', region: 'us-east-1', account: member },
      ]),
    );
    expect(forwarded).toHaveLength(2);
  });

  it('forwards only what the rules can match (StartLogging and ListRoles stay in the member account)', () => {
    expect(forwarded.map((event) => event.eventName).sort()).toEqual(['DeleteRolePolicy', 'StopLogging']);
  });

  it('deploys the forward rules with the central bus ARN, a per-region role and a DLQ in the member region', async () => {
    // Act
    const { Targets = [] } = await eventsIn(member, 'eu-central-1').send(
      new ListTargetsByRuleCommand({ Rule: `tamperwatch-${stage}-forward-0` }),
    );
    // Assess
    expect(Targets).toEqual([
      {
        Id: 'Target0',
        Arn: centralBusArn,
        RoleArn: `arn:aws:iam::${member}:role/tamperwatch-${stage}-forward-eu-central-1`,
        DeadLetterConfig: { Arn: `arn:aws:sqs:eu-central-1:${member}:tamperwatch-${stage}-forward-dlq` },
      },
    ]);
  });

  it('creates the watchdog read role once per account, in the us-east-1 instance only', async () => {
    // Act
    const inUsEast1 = await cloudFormationFor(endpoint, member, 'us-east-1').logicalIds('tamperwatch-test-fwd');
    const inFrankfurt = await cloudFormationFor(endpoint, member, 'eu-central-1').logicalIds('tamperwatch-test-fwd');
    // Assess
    expect(inUsEast1.filter((id) => id.startsWith('WatchdogReadRole'))).toHaveLength(1);
    expect(inFrankfurt.filter((id) => id.startsWith('WatchdogReadRole'))).toEqual([]);
  });

  it('names the member account and region in the findings, and a team filter on `account` gets only its own', async () => {
    // Prepare
    await central.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: ingestQueue.url,
        Entries: forwarded.map(({ envelope }, index) => ({ Id: String(index), MessageBody: JSON.stringify(envelope) })),
      }),
    );
    // Act
    const { received, failed } = await pollOnce(central, ingestQueue, handler);
    const mine = (await drain(central, teams.mine)).map((m) => JSON.parse(m.Body ?? '{}'));
    const other = await drain(central, teams.other);
    const frankfurt = (await drain(central, teams.frankfurt)).map((m) => JSON.parse(m.Body ?? '{}'));
    // Assess
    expect({ received, failed }).toEqual({ received: 2, failed: [] });
    const targets = mine.map((finding) => `${finding.rule.name} ${finding.target.account} ${finding.target.region}`);
    expect(targets).toEqual(
      expect.arrayContaining([
        `cloudtrail-logging-tampered ${member} eu-central-1`,
        `tamperwatch-role-or-stack-tampered ${member} us-east-1`,
      ]),
    );
    expect(mine.every((finding) => finding.target.account === member)).toBe(true);
    expect(other).toEqual([]);
    expect(frankfurt.length).toBeGreaterThan(0);
    expect(frankfurt.every((finding) => finding.target.region === 'eu-central-1')).toBe(true);
  });
});
