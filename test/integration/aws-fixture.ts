import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

const region = 'us-east-1';
/** moto's account: the one in every ARN it returns, and in lambdaContext()'s ARN. */
const account = '123456789012';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** The configuration of any SDK v3 client pointed at moto_server (or at a local stub of one API). */
const motoClientConfig = (endpoint: string) => ({ endpoint, region, credentials });

/** Real SDK v3 clients pointed at moto_server. */
const clientsFor = (endpoint: string) => ({
  sqs: new SQSClient(motoClientConfig(endpoint)),
  sns: new SNSClient(motoClientConfig(endpoint)),
  dynamodb: new DynamoDBClient(motoClientConfig(endpoint)),
});
type Clients = ReturnType<typeof clientsFor>;

/** The environment the stack gives the function, pointed at moto (AWS_ENDPOINT_URL is read by every SDK v3 client). */
const handlerEnvironment = (endpoint: string, names: { topicArn: string; table: string; rulesDir: string }) => ({
  AWS_ENDPOINT_URL: endpoint,
  AWS_REGION: region,
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  TW_STAGE: 'test',
  TW_TOPIC_ARN: names.topicArn,
  TW_STATE_TABLE: names.table,
  TW_RULES_DIR: names.rulesDir,
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
});

const createTable = async (clients: Clients, name: string): Promise<string> => {
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return name;
};

const createQueue = async (clients: Clients, name: string, attributes: Record<string, string> = {}) => {
  const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { url: QueueUrl ?? '', arn: Attributes?.QueueArn ?? '' };
};

/** The ingest queue and its DLQ, redriven after 5 receives as in the stack. */
const createIngestQueues = async (clients: Clients, prefix: string) => {
  const dlq = await createQueue(clients, `${prefix}-ingest-dlq`);
  const queue = await createQueue(clients, `${prefix}-ingest`, {
    VisibilityTimeout: '30',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
  });
  return { queue, dlq };
};

const createTopic = async (clients: Clients, name: string): Promise<string> =>
  (await clients.sns.send(new CreateTopicCommand({ Name: name }))).TopicArn ?? '';

/** An SQS subscriber with raw delivery and an optional filter policy on attributes. */
const subscribeQueue = async (
  clients: Clients,
  topicArn: string,
  name: string,
  filterPolicy?: Record<string, string[]>,
) => {
  const queue = await createQueue(clients, name);
  await clients.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
      Attributes: { RawMessageDelivery: 'true', ...(filterPolicy && { FilterPolicy: JSON.stringify(filterPolicy) }) },
    }),
  );
  return queue;
};

/** Every message currently on a queue (received and deleted). */
const drain = async (clients: Clients, queueUrl: string): Promise<Message[]> => {
  const messages: Message[] = [];
  for (let empty = 0; empty < 2; ) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) empty += 1;
    messages.push(...Messages);
    if (Messages.length > 0) {
      await clients.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
  }
  return messages;
};

const toRecord = (message: Message, queueArn: string): SQSRecord => ({
  messageId: message.MessageId ?? '',
  receiptHandle: message.ReceiptHandle ?? '',
  body: message.Body ?? '',
  attributes: {
    ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
    SentTimestamp: message.Attributes?.SentTimestamp ?? '0',
    SenderId: message.Attributes?.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? '0',
  },
  messageAttributes: {},
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: region,
});

type BatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/**
 * What Lambda's event source mapping does, once: receive up to 10, invoke, delete the successes; failures become visible
 * again at once (the real mapping waits out the visibility timeout), and their receive count grows.
 */
const pollOnce = async (clients: Clients, queue: { url: string; arn: string }, handler: BatchHandler) => {
  const { Messages = [] } = await clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['All'],
      WaitTimeSeconds: 0,
    }),
  );
  if (Messages.length === 0) return { received: 0, failed: [] as string[] };
  const response = await handler({ Records: Messages.map((m) => toRecord(m, queue.arn)) });
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const done = Messages.filter((m) => !failed.has(m.MessageId ?? ''));
  const retry = Messages.filter((m) => failed.has(m.MessageId ?? ''));
  if (done.length > 0) {
    await clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
  }
  if (retry.length > 0) {
    await clients.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queue.url,
        Entries: retry.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '', VisibilityTimeout: 0 })),
      }),
    );
  }
  return { received: Messages.length, failed: [...failed] };
};

export {
  account,
  type BatchHandler,
  type Clients,
  clientsFor,
  createIngestQueues,
  createQueue,
  createTable,
  createTopic,
  drain,
  handlerEnvironment,
  motoClientConfig,
  pollOnce,
  region,
  subscribeQueue,
};
