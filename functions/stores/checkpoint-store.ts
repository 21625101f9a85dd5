import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type Checkpoint,
  CheckpointConflictError,
  type CheckpointKey,
  type CheckpointStore,
  type CheckpointUpdate,
  checkpointId,
} from './checkpoint-port.js';

const partitionKey = (key: CheckpointKey): string => `checkpoint#${checkpointId(key)}`;

const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof Error && error.name === 'ConditionalCheckFailedException');

/**
 * DynamoDB implementation on the shared state table (DESIGN §5.4): item `checkpoint#<provider>#<resource>` with
 * `position`, optional `state`, `version`, `updatedAt`. No `expiresAt`: a checkpoint never expires.
 */
class DynamoDbCheckpointStore implements CheckpointStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async read(key: CheckpointKey): Promise<Checkpoint | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: partitionKey(key) } }, ConsistentRead: true }),
    );
    const position = Item?.position?.S;
    if (position === undefined) return undefined;
    const state = Item?.state?.S;
    return {
      ...key,
      position,
      ...(state === undefined ? {} : { state }),
      version: Number(Item?.version?.N ?? '0'),
      updatedAt: Item?.updatedAt?.S ?? '',
    };
  }

  async advance(
    key: CheckpointKey,
    previous: Checkpoint | undefined,
    update: CheckpointUpdate,
    now: Date,
  ): Promise<Checkpoint> {
    const next: Checkpoint = { ...key, ...update, version: (previous?.version ?? 0) + 1, updatedAt: now.toISOString() };
    const condition =
      previous === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#position = :previousPosition AND #version = :previousVersion',
            ExpressionAttributeNames: { '#position': 'position', '#version': 'version' },
            ExpressionAttributeValues: {
              ':previousPosition': { S: previous.position },
              ':previousVersion': { N: String(previous.version) },
            },
          };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: partitionKey(key) },
            provider: { S: key.provider },
            resource: { S: key.resource },
            position: { S: next.position },
            version: { N: String(next.version) },
            updatedAt: { S: next.updatedAt },
            ...(next.state === undefined ? {} : { state: { S: next.state } }),
          },
          ...condition,
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new CheckpointConflictError(key, { cause: error });
      throw error;
    }
    return next;
  }
}

export { DynamoDbCheckpointStore };
