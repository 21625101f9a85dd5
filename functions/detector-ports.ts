import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { RuntimeConfig } from './config/runtime-config.js';
import { type Notifier, SnsNotifier } from './notifier/sns-notifier.js';
import type { CheckpointStore } from './stores/checkpoint-port.js';
import { DynamoDbCheckpointStore } from './stores/checkpoint-store.js';
import { type DedupStore, DynamoDbDedupStore } from './stores/dedup-store.js';

type DetectorPorts = {
  readonly dedup: DedupStore;
  readonly checkpoints: CheckpointStore;
  readonly notifier: Notifier;
};

/**
 * The real-time detector's AWS-backed ports: the state table (dedup claims, canary checkpoints) and the findings topic.
 * A module of its own because the handler imports it, and with it the AWS SDK, only when a batch first needs a claim, a
 * publish or a checkpoint: a cold start on a quiet batch never loads the SDK (test/bench cold start).
 */
const detectorPorts = (config: RuntimeConfig): DetectorPorts => {
  const dynamodb = new DynamoDBClient({});
  const timing = { ttlSeconds: config.dedupTtlSeconds, staleAfterSeconds: config.claimStaleSeconds };
  return {
    dedup: new DynamoDbDedupStore(dynamodb, config.stateTable, timing),
    checkpoints: new DynamoDbCheckpointStore(dynamodb, config.stateTable),
    notifier: new SnsNotifier(new SNSClient({}), config.topicArn),
  };
};

export { type DetectorPorts, detectorPorts };
