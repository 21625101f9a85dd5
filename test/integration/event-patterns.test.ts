import { fileURLToPath } from 'node:url';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { loadRules } from '../../functions/load-rules.js';
import { ingestPatterns } from '../../infra/event-patterns.js';
import { cloudTrailRecord } from '../helpers/cloudtrail-event-factory.js';
import { type Clients, clientsFor, drain } from './aws-fixture.js';

const endpoint = inject('motoEndpoint');
const rulesDir = fileURLToPath(new URL('../../rules/aws', import.meta.url));

// The generated ingest patterns as real EventBridge rules on moto_server's default bus, targeting an SQS queue:
// PutEvents of CloudTrail-shaped events shows which ones the rules let through. (moto 5.2 answers TestEventPattern
// with an empty result, so delivery is what is checked.)
describe.skipIf(endpoint === '')('Ingest patterns as EventBridge rules on moto_server', () => {
  let events: EventBridgeClient;
  let clients: Clients;
  let queueUrl: string;
  let names: readonly string[];

  const put = async (entries: { eventName: string; detailType?: string }[]) => {
    for (let start = 0; start < entries.length; start += 10) {
      await events.send(
        new PutEventsCommand({
          Entries: entries.slice(start, start + 10).map(({ eventName, detailType }) => ({
            Source: 'aws.cloudtrail',
            DetailType: detailType ?? 'AWS API Call via CloudTrail',
            Detail: JSON.stringify(cloudTrailRecord({ eventName, eventID: `${eventName}-${detailType ?? 'api'}` })),
          })),
        }),
      );
    }
    return (await drain(clients, queueUrl)).map(
      (message) => JSON.parse(message.Body ?? '{}').detail.eventName as string,
    );
  };

  beforeAll(async () => {
    events = new EventBridgeClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    clients = clientsFor(endpoint);
    const queue = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'ingest-patterns' }));
    queueUrl = queue.QueueUrl ?? '';
    const operations = loadRules([rulesDir]).ruleSet.operations('aws');
    names = operations.names;
    const { write } = ingestPatterns(operations, { includeReadOnly: false });
    for (const [index, pattern] of write.entries()) {
      await events.send(
        new PutRuleCommand({ Name: `tamperwatch-test-ingest-${index}`, EventPattern: JSON.stringify(pattern) }),
      );
      await events.send(
        new PutTargetsCommand({
          Rule: `tamperwatch-test-ingest-${index}`,
          Targets: [{ Id: 'queue', Arn: 'arn:aws:sqs:us-east-1:123456789012:ingest-patterns' }],
        }),
      );
    }
  });

  // moto_server takes about 2 s per PutEvents call of 10 entries, hence one round and a longer timeout.
  it('lets through every event name the rules can match, in any letter case, and nothing else', {
    timeout: 240_000,
  }, async () => {
    // Prepare
    const pascal = names.map((name) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`);
    const upper = names.slice(0, 10).map((name) => name.toUpperCase());
    const outsiders = [
      { eventName: 'StartLogging' },
      { eventName: 'StopLogging', detailType: 'AWS Service Event via CloudTrail' },
      { eventName: 'ConsoleLogin', detailType: 'AWS Console Sign In via CloudTrail' },
    ];
    // Act
    const delivered = await put([...[...pascal, ...upper].map((eventName) => ({ eventName })), ...outsiders]);
    // Assess
    expect(names.length).toBeGreaterThan(0);
    expect([...delivered].sort()).toEqual([...pascal, ...upper].sort());
  });

  it('takes console sign-in events for names the rules match', async () => {
    const delivered = await put([{ eventName: 'StopLogging', detailType: 'AWS Console Sign In via CloudTrail' }]);
    expect(delivered).toEqual(['StopLogging']);
  });
});
