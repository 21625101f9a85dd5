import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/** What the pipeline asks the store to claim: one finding, and the rule-and-scope key its repeats are counted under. */
type ClaimRequest = { readonly findingId: string; readonly scopeKey: string; readonly now: Date };

/** A claim this invocation holds. `repeats` are the duplicates of the scope not yet reported in an alert. */
type Claim = {
  readonly findingId: string;
  readonly scopeKey: string;
  readonly claimedAt: number;
  readonly repeats?: { readonly count: number; readonly since: string };
};

/**
 * The dedup port (DESIGN §5.4). `claim` returns `undefined` for a duplicate (and records the repeat); a stale pending
 * claim (a crashed publisher) or an expired one is taken over. After publishing, `confirm`; if publishing failed,
 * `release`, so the retry can claim again.
 */
type DedupStore = {
  claim(request: ClaimRequest): Promise<Claim | undefined>;
  confirm(claim: Claim, outcome: 'sent' | 'suppressed', now: Date): Promise<void>;
  release(claim: Claim): Promise<void>;
};

type DedupTiming = {
  /** How long a claim blocks the same finding id (default 168 h). */
  readonly ttlSeconds: number;
  /** A pending claim older than this belongs to a crashed publisher and may be taken over (2 × function timeout). */
  readonly staleAfterSeconds: number;
};

const findingKey = (findingId: string): string => `finding#${findingId}`;
const scopeKeyOf = (scopeKey: string): string => `scope#${scopeKey}`;
const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof Error && error.name === 'ConditionalCheckFailedException');

/**
 * DynamoDB implementation: one table `{ pk, expiresAt }` (TTL on `expiresAt`, epoch seconds).
 * Claim items `finding#<id>`: `state` pending | sent | suppressed, `claimedAt` (epoch ms), `repeats`, `lastSeen`.
 * Scope items `scope#<key>`: `repeats` not yet reported, `firstRepeatAt`, `lastPublishedAt`.
 */
class DynamoDbDedupStore implements DedupStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly timing: DedupTiming,
  ) {}

  async claim(request: ClaimRequest): Promise<Claim | undefined> {
    const claimedAt = request.now.getTime();
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: findingKey(request.findingId) },
            state: { S: 'pending' },
            claimedAt: { N: String(claimedAt) },
            firstSeen: { S: request.now.toISOString() },
            scope: { S: request.scopeKey },
            expiresAt: { N: String(epochSeconds(request.now) + this.timing.ttlSeconds) },
          },
          // TTL deletes late, so an expired item is checked here too; a stale pending claim is a crashed publisher.
          ConditionExpression:
            'attribute_not_exists(pk) OR expiresAt < :nowSeconds OR (#state = :pending AND claimedAt < :staleBefore)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':nowSeconds': { N: String(epochSeconds(request.now)) },
            ':pending': { S: 'pending' },
            ':staleBefore': { N: String(claimedAt - this.timing.staleAfterSeconds * 1000) },
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      await this.recordRepeat(request);
      return undefined;
    }
    const repeats = await this.pendingRepeats(request.scopeKey);
    return { findingId: request.findingId, scopeKey: request.scopeKey, claimedAt, ...(repeats && { repeats }) };
  }

  async confirm(claim: Claim, outcome: 'sent' | 'suppressed', now: Date): Promise<void> {
    await this.client
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: findingKey(claim.findingId) } },
          UpdateExpression: 'SET #state = :outcome, confirmedAt = :now',
          ConditionExpression: 'claimedAt = :claimedAt',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':outcome': { S: outcome },
            ':now': { S: now.toISOString() },
            ':claimedAt': { N: String(claim.claimedAt) },
          },
        }),
      )
      .catch((error: unknown) => {
        // Another invocation took the claim over meanwhile; the message is out, which is what matters.
        if (!isConditionFailure(error)) throw error;
      });
    if (outcome === 'sent') await this.markPublished(claim, now);
  }

  async release(claim: Claim): Promise<void> {
    await this.client
      .send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: findingKey(claim.findingId) } },
          ConditionExpression: '#state = :pending AND claimedAt = :claimedAt',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': { S: 'pending' }, ':claimedAt': { N: String(claim.claimedAt) } },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  /** A duplicate: one update on the claim (repeats, lastSeen) and one on the scope counter the next alert reports. */
  private async recordRepeat(request: ClaimRequest): Promise<void> {
    const now = { S: request.now.toISOString() };
    const claimUpdate = this.client
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: findingKey(request.findingId) } },
          UpdateExpression: 'ADD repeats :one SET lastSeen = :now',
          // Never create a bare item: without state and expiresAt it would block the finding id for good.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': { N: '1' }, ':now': now },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
    const scopeUpdate = this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: scopeKeyOf(request.scopeKey) } },
        UpdateExpression:
          'ADD repeats :one SET lastSeen = :now, firstRepeatAt = if_not_exists(firstRepeatAt, :now), expiresAt = :expires',
        ExpressionAttributeValues: {
          ':one': { N: '1' },
          ':now': now,
          ':expires': { N: String(epochSeconds(request.now) + this.timing.ttlSeconds) },
        },
      }),
    );
    await Promise.all([claimUpdate, scopeUpdate]);
  }

  private async pendingRepeats(scopeKey: string): Promise<Claim['repeats']> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: scopeKeyOf(scopeKey) } }, ConsistentRead: true }),
    );
    const count = Number(Item?.repeats?.N ?? '0');
    if (count <= 0) return undefined;
    const since = Item?.lastPublishedAt?.S ?? Item?.firstRepeatAt?.S ?? '';
    return { count, since };
  }

  /** Subtracts exactly the repeats reported, so repeats recorded meanwhile stay for the next alert. */
  private async markPublished(claim: Claim, now: Date): Promise<void> {
    const reported = claim.repeats?.count ?? 0;
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: scopeKeyOf(claim.scopeKey) } },
        UpdateExpression: 'ADD repeats :minus SET lastPublishedAt = :now, expiresAt = :expires REMOVE firstRepeatAt',
        ExpressionAttributeValues: {
          ':minus': { N: String(-reported) },
          ':now': { S: now.toISOString() },
          ':expires': { N: String(epochSeconds(now) + this.timing.ttlSeconds) },
        },
      }),
    );
  }
}

export { type Claim, type ClaimRequest, type DedupStore, type DedupTiming, DynamoDbDedupStore };
