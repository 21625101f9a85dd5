import {
  type Checkpoint,
  CheckpointConflictError,
  type CheckpointKey,
  type CheckpointStore,
  type CheckpointUpdate,
  checkpointId,
} from '../../functions/stores/checkpoint-port.js';

/** The conditional-write semantics of DynamoDbCheckpointStore in a Map; `writes` records every successful advance. */
class InMemoryCheckpointStore implements CheckpointStore {
  readonly items = new Map<string, Checkpoint>();
  readonly writes: Checkpoint[] = [];

  /** Seeds a checkpoint as if an earlier run had written it. */
  seed(key: CheckpointKey, update: CheckpointUpdate): Checkpoint {
    const checkpoint = { ...key, ...update, version: 1, updatedAt: update.position };
    this.items.set(checkpointId(key), checkpoint);
    return checkpoint;
  }

  async read(key: CheckpointKey): Promise<Checkpoint | undefined> {
    return this.items.get(checkpointId(key));
  }

  async advance(
    key: CheckpointKey,
    previous: Checkpoint | undefined,
    update: CheckpointUpdate,
    now: Date,
  ): Promise<Checkpoint> {
    const stored = this.items.get(checkpointId(key));
    const unchanged =
      previous === undefined
        ? stored === undefined
        : stored !== undefined && stored.position === previous.position && stored.version === previous.version;
    if (!unchanged) throw new CheckpointConflictError(key);
    const next = { ...key, ...update, version: (previous?.version ?? 0) + 1, updatedAt: now.toISOString() };
    this.items.set(checkpointId(key), next);
    this.writes.push(next);
    return next;
  }
}

export { InMemoryCheckpointStore };
