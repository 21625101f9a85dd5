import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DeleteTopicCommand } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { cloudTrailRecord, eventBridgeEnvelope } from '../helpers/cloudtrail-event-factory.js';
import { lambdaContext } from '../helpers/lambda-context.js';
import {
  type BatchHandler,
  type Clients,
  clientsFor,
  createIngestQueues,
  createTable,
  createTopic,
  drain,
  handlerEnvironment,
  pollOnce,
  subscribeQueue,
} from './aws-fixture.js';

const endpoint = inject('motoEndpoint');
// A fixture rule (StopLogging, level high) keeps these tests independent of the shipped rules' wording and levels.
const rulesDir = fileURLToPath(new URL('../helpers/fixture-rules', import.meta.url));

type Queue = { url: string; arn: string };

// CloudTrail event → SQS → the real handler (invoked directly: moto runs no event source mappings) → the real SNS topic
// → SQS subscribers with raw delivery and severity filter policies, all in moto_server.
describe.skipIf(endpoint === '')('AWS pipeline on moto_server', () => {
  let clients: Clients;
  let ingest: { queue: Queue; dlq: Queue };
  let topicArn: string;
  let table: string;
  let everything: Queue;
  let urgent: Queue;
  let handler: BatchHandler;

  const subscribeAll = async () => {
    topicArn = await createTopic(clients, 'tamperwatch-test-findings');
    everything = await subscribeQueue(clients, topicArn, 'alerts-all');
    urgent = await subscribeQueue(clients, topicArn, 'alerts-urgent', { severity: ['high', 'critical'] });
  };

  const send = async (...bodies: string[]) => {
    await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: ingest.queue.url,
        Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: body })),
      }),
    );
  };
  const envelope = (overrides: Parameters<typeof cloudTrailRecord>[0] = {}) =>
    JSON.stringify(eventBridgeEnvelope(cloudTrailRecord({ eventID: randomUUID(), ...overrides })));
  const pollUntilEmpty = async (rounds = 10) => {
    const failures: string[][] = [];
    for (let round = 0; round < rounds; round += 1) {
      const { received, failed } = await pollOnce(clients, ingest.queue, handler);
      if (received === 0) break;
      failures.push(failed);
    }
    return failures;
  };

  beforeAll(async () => {
    clients = clientsFor(endpoint);
    ingest = await createIngestQueues(clients, 'tamperwatch-test');
    table = await createTable(clients, 'tamperwatch-test-state');
    await subscribeAll();
    Object.assign(process.env, handlerEnvironment(endpoint, { topicArn, table, rulesDir }));
    const module = await import('../../functions/handlers/cloudtrail-queue.js');
    handler = (event) => module.handler(event, lambdaContext());
  });

  it('delivers the finding to a raw SQS subscriber with its String attributes', async () => {
    // Prepare
    const eventID = randomUUID();
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: ingest.queue.url, MessageBody: envelope({ eventID }) }));
    // Act
    const failures = await pollUntilEmpty();
    const [message, ...others] = await drain(clients, everything.url);
    // Assess
    expect(failures).toEqual([[]]);
    expect(others).toEqual([]);
    const body = JSON.parse(message?.Body ?? '{}');
    expect(body).toMatchObject({
      schema: 'tamperwatch.finding/v1',
      severity: 'high',
      rule: { name: 'trail-stopped-fixture', title: 'Trail Stopped (integration test fixture)' },
      event: { id: eventID, operation: 'StopLogging', channel: 'realtime' },
      target: { account: '111122223333' },
    });
    expect(Date.parse(body.delivery.publishedAt)).toBeGreaterThanOrEqual(Date.parse(body.delivery.receivedAt));
    const attributes = Object.fromEntries(
      Object.entries(message?.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
    );
    expect(attributes).toEqual({
      severity: 'high',
      rule: body.rule.id,
      provider: 'aws',
      technique: 'T1685.002',
      technique_legacy: 'T1562.008',
      account: '111122223333',
      outcome: 'success',
      kind: 'detection',
    });
    expect(await drain(clients, urgent.url)).toHaveLength(1);
  });

  it('routes on severity with a filter policy: a failed attempt (medium) skips the urgent queue', async () => {
    // Prepare
    await send(envelope({ errorCode: 'AccessDenied' }));
    // Act
    await pollUntilEmpty();
    // Assess
    const all = await drain(clients, everything.url);
    expect(all.map((m) => m.MessageAttributes?.severity?.StringValue)).toEqual(['medium']);
    expect(await drain(clients, urgent.url)).toEqual([]);
  });

  it('alerts once for the same event delivered twice', async () => {
    // Prepare
    const body = envelope();
    await send(body, body);
    // Act
    await pollUntilEmpty();
    // Assess
    expect(await drain(clients, everything.url)).toHaveLength(1);
  });

  it('says "N more since" in the next alert of the same rule and scope', async () => {
    // Prepare
    const repeated = envelope({ trailName: 'repeats-trail' });
    await send(repeated);
    await pollUntilEmpty();
    await send(repeated, repeated);
    await pollUntilEmpty();
    // Act
    const laterId = randomUUID();
    await send(envelope({ trailName: 'repeats-trail', eventID: laterId }));
    await pollUntilEmpty();
    // Assess
    const bodies = (await drain(clients, everything.url)).map((m) => JSON.parse(m.Body ?? '{}'));
    expect(bodies).toHaveLength(2);
    const later = bodies.find((b) => b.event.id === laterId);
    expect(later?.delivery.repeatsSincePublished).toBe(2);
    expect(later?.alert).toMatch(/\(2 more since \d{4}-\d{2}-\d{2}T/);
  });

  it('fails the record while SNS fails, releases the claim, and delivers it later: nothing lost', async () => {
    // Prepare
    const eventID = randomUUID();
    await clients.sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
    await send(envelope({ eventID }));
    // Act
    const whileDown = await pollOnce(clients, ingest.queue, handler);
    const pending = await clients.dynamodb.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: '#state = :pending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':pending': { S: 'pending' } },
      }),
    );
    await subscribeAll();
    const afterwards = await pollUntilEmpty();
    // Assess
    expect(whileDown.failed).toHaveLength(1);
    expect(pending.Items).toEqual([]);
    expect(afterwards).toEqual([[]]);
    const delivered = await drain(clients, everything.url);
    expect(delivered.map((m) => JSON.parse(m.Body ?? '{}').event.id)).toEqual([eventID]);
    expect(await drain(clients, ingest.dlq.url)).toEqual([]);
  });

  it('parks a poison record in the DLQ after 5 receives; the record beside it is delivered once', async () => {
    // Prepare
    const eventID = randomUUID();
    await send('{"this is": "not an audit record"}', envelope({ eventID }));
    // Act
    const failures = await pollUntilEmpty(8);
    // Assess
    expect(failures.slice(0, 5).every((failed) => failed.length === 1)).toBe(true);
    const parked = await drain(clients, ingest.dlq.url);
    expect(parked.map((m) => m.Body)).toEqual(['{"this is": "not an audit record"}']);
    const delivered = await drain(clients, everything.url);
    expect(delivered.map((m) => JSON.parse(m.Body ?? '{}').event.id)).toEqual([eventID]);
  });
});
