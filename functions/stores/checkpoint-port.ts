/**
 * The checkpoint port, free of the AWS SDK: code that only reads, advances or handles conflicts imports this, and the
 * SDK loads only with the DynamoDB implementation (checkpoint-store.ts).
 */

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

export {
  type Checkpoint,
  CheckpointConflictError,
  type CheckpointKey,
  type CheckpointStore,
  type CheckpointUpdate,
  checkpointId,
};
