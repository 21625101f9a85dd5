import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';

/**
 * Where a poller or backfill stopped for one watched resource: `provider` is the source family (`gcp`, `azure`, `aws`),
 * `resource` what is read (a GCP resource name, an Azure workspace id, `<account>/<region>` for backfill).
 */
type CheckpointKey = { readonly provider: string; readonly resource: string };

/**
 * What a writer stores: `position` (pollers keep an ISO-8601 window end on arrival time) and an optional `state`, text
 * the store does not read (the GCP poller keeps the keys of its overlap there). Keep `state` well under 350 KB.
 */
type CheckpointUpdate = { readonly position: string; readonly state?: string };

/**
 * A stored checkpoint. `version` counts writes and, with `position`, is what the next write is conditional on.
 */
type Checkpoint = CheckpointKey &
  CheckpointUpdate & {
    readonly version: number;
    readonly updatedAt: string;
  };

/**
 * The checkpoint port. `advance` writes only if the stored value is still `previous` (or absent when `previous` is
 * `undefined`); otherwise it throws {@link CheckpointConflictError} and nothing changes, so two runs of one poller can
 * never move a checkpoint past a window neither of them finished.
 *
 * @example
 * const previous = await checkpoints.read({ provider: 'gcp', resource: 'projects/p' });
 * // … publish every page of the window …
 * await checkpoints.advance(key, previous, { position: window.end.toISOString() }, now);
 */
type CheckpointStore = {
  read(key: CheckpointKey): Promise<Checkpoint | undefined>;
  advance(
    key: CheckpointKey,
    previous: Checkpoint | undefined,
    update: CheckpointUpdate,
    now: Date,
  ): Promise<Checkpoint>;
};

/** Another writer moved the checkpoint since it was read: this run's window must not be committed. */
class CheckpointConflictError extends Error {
  constructor(
    readonly key: CheckpointKey,
    options?: ErrorOptions,
  ) {
    super(`checkpoint ${checkpointId(key)} changed since it was read`, options);
    this.name = 'CheckpointConflictError';
  }
}

/** `<provider>#<resource>`: the identity of one checkpoint. */
const checkpointId = (key: CheckpointKey): string => `${key.provider}#${key.resource}`;
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

export {
  type Checkpoint,
  CheckpointConflictError,
  type CheckpointKey,
  type CheckpointStore,
  type CheckpointUpdate,
  checkpointId,
  DynamoDbCheckpointStore,
};
