/**
 * Key health (issue 8, DESIGN §9): what KMS DescribeKey says about one of tamperwatch's own keys (the findings topic
 * key, the ops topic key), judged without I/O. CloudTrail's `DisableKey` and `ScheduleKeyDeletion` records name a key by
 * id or ARN only, which the stage-bound self-protection rules cannot know at synth; the watchdog asks each key directly.
 */

/** DescribeKey's answer for one key, or why there was none. */
type KeySnapshot = {
  readonly arn: string;
  /** `KeyMetadata.KeyState`: Enabled, Disabled, PendingDeletion, PendingImport, Unavailable, Creating… */
  readonly keyState?: string;
  /** `KeyMetadata.DeletionDate` (epoch milliseconds), set while deletion is pending. */
  readonly deletionDate?: number;
  readonly description?: string;
  /** DescribeKey failed (after the SDK's retries): the error's name and message. */
  readonly error?: { readonly name: string; readonly message: string };
};

type KeyProblemCode =
  | 'key-disabled'
  | 'key-pending-deletion'
  | 'key-pending-import'
  | 'key-unavailable'
  | 'key-unreadable'
  | 'key-not-found'
  | 'key-state-unknown';

/**
 * `enabled`: the key encrypts and decrypts; `impaired`: it does not, or the watchdog may no longer read it (someone
 * changed the key policy), always critical; `indeterminate`: no verdict this run (a transient state, or a failure that
 * says nothing about the key, such as throttling or the network): no finding, the previous state stands.
 */
type KeyHealth =
  | { readonly state: 'enabled' }
  | {
      readonly state: 'impaired';
      readonly severity: 'critical';
      readonly code: KeyProblemCode;
      readonly detail: string;
    }
  | { readonly state: 'indeterminate'; readonly detail: string; readonly failed: boolean };

/** Errors that are the key's answer: its policy denies the watchdog, or it is gone, or it cannot be used. */
const keyErrors: Readonly<Record<string, KeyProblemCode>> = {
  AccessDeniedException: 'key-unreadable',
  AccessDenied: 'key-unreadable',
  NotFoundException: 'key-not-found',
  KMSInvalidStateException: 'key-state-unknown',
  DisabledException: 'key-disabled',
  InvalidArnException: 'key-not-found',
};

const stateProblems: Readonly<Record<string, KeyProblemCode>> = {
  Disabled: 'key-disabled',
  PendingDeletion: 'key-pending-deletion',
  PendingReplicaDeletion: 'key-pending-deletion',
  PendingImport: 'key-pending-import',
  Unavailable: 'key-unavailable',
};

/** Short-lived states of a key being created or updated (multi-Region): judged next run. */
const transientStates = new Set(['Creating', 'Updating']);

const impaired = (code: KeyProblemCode, detail: string): KeyHealth => ({
  state: 'impaired',
  severity: 'critical',
  code,
  detail,
});

/**
 * Judges one key from DescribeKey's answer.
 *
 * @example
 * const health = keyHealth({ arn, keyState: 'Disabled' }); // { state: 'impaired', code: 'key-disabled', … }
 */
const keyHealth = (key: KeySnapshot): KeyHealth => {
  if (key.error !== undefined) {
    const { name, message } = key.error;
    const code = keyErrors[name];
    if (code === undefined)
      return { state: 'indeterminate', detail: `DescribeKey ${key.arn} failed: ${name}: ${message}`, failed: true };
    const why = code === 'key-unreadable' ? ' (key policy or IAM changed?)' : '';
    return impaired(code, `key ${key.arn} cannot be described${why}: ${name}: ${message}`);
  }
  const state = key.keyState ?? '';
  if (state === 'Enabled') return { state: 'enabled' };
  if (transientStates.has(state))
    return { state: 'indeterminate', detail: `key ${key.arn} is ${state}`, failed: false };
  const code = stateProblems[state] ?? 'key-state-unknown';
  const deletion = key.deletionDate === undefined ? '' : `, deletion on ${new Date(key.deletionDate).toISOString()}`;
  return impaired(code, `key ${key.arn} is ${state || 'in no state'}${deletion}`);
};

export { type KeyHealth, type KeyProblemCode, type KeySnapshot, keyHealth };
