import * as z from 'zod';
import { InputError, type InputPlace } from '../../formats/errors.js';
import { once } from '../../once.js';
import { describeIssue, kindOf } from '../describe-issue.js';
import { isObject, type JsonObject } from '../read-path.js';

/**
 * The CloudTrail keys tamperwatch reads; everything else passes through untouched in `raw`. Built on first use, not at
 * import: most records take the fast path below and never need it, so a cold start should not pay for it.
 */
const cloudTrailRecord = once(() => {
  // Ids and account numbers arrive as numbers in some hand-written fixtures; they are text in CloudTrail.
  const idText = z.union([z.string(), z.number()]).transform(String);
  const sessionIssuer = z.looseObject({ arn: z.string().optional(), userName: z.string().optional() });
  const userIdentity = z.looseObject({
    type: z.string().optional(),
    principalId: idText.optional(),
    arn: z.string().optional(),
    accountId: idText.optional(),
    userName: z.string().optional(),
    invokedBy: z.string().optional(),
    sessionContext: z.looseObject({ sessionIssuer: sessionIssuer.nullish() }).nullish(),
  });
  return z.looseObject({
    eventSource: z.string().min(1),
    eventName: z.string().min(1),
    eventVersion: z.string().optional(),
    eventID: z.string().optional(),
    eventTime: z.string().optional(),
    awsRegion: z.string().optional(),
    sourceIPAddress: z.string().nullish(),
    userAgent: z.string().nullish(),
    errorCode: z.string().nullish(),
    recipientAccountId: idText.nullish(),
    readOnly: z.union([z.boolean(), z.enum(['true', 'false'])]).nullish(),
    resources: z.array(z.looseObject({ ARN: z.string().optional() })).nullish(),
    addendum: z.looseObject({ reason: z.string().optional(), originalEventID: z.string().optional() }).nullish(),
    userIdentity: userIdentity.nullish(),
  });
});

type CloudTrailRecord = z.infer<ReturnType<typeof cloudTrailRecord>>;

/** True when the value has the two keys every CloudTrail record carries (eventVersion is missing from some fixtures). */
const looksLikeCloudTrail = (value: JsonObject): boolean =>
  (typeof value.eventSource === 'string' && typeof value.eventName === 'string') ||
  (typeof value.eventsource === 'string' && typeof value.eventname === 'string');

// The schema's checks for a record already in its output form (ids as text, no number to convert), where zod's copy
// would equal the input: most records, so the decoder skips zod for them (test/unit/core/sources/aws/
// decode.differential.test.ts holds both paths to the same result).
const optionalText = (value: unknown): boolean => value === undefined || typeof value === 'string';
const nullishText = (value: unknown): boolean => value === undefined || value === null || typeof value === 'string';
const nonEmptyText = (value: unknown): boolean => typeof value === 'string' && value.length > 0;
const nullishObject = (value: unknown, check: (object: JsonObject) => boolean): boolean =>
  value === undefined || value === null || (isObject(value) && check(value));
const nullishResources = (value: unknown): boolean => {
  if (value === undefined || value === null) return true;
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i += 1) {
    const entry: unknown = value[i];
    if (!isObject(entry) || !optionalText(entry.ARN)) return false;
  }
  return true;
};
const readOnlyValue = (value: unknown): boolean =>
  value === undefined || value === null || typeof value === 'boolean' || value === 'true' || value === 'false';
const canonicalIssuer = (issuer: JsonObject): boolean => optionalText(issuer.arn) && optionalText(issuer.userName);
const canonicalIdentity = (identity: JsonObject): boolean =>
  optionalText(identity.type) &&
  optionalText(identity.principalId) &&
  optionalText(identity.arn) &&
  optionalText(identity.accountId) &&
  optionalText(identity.userName) &&
  optionalText(identity.invokedBy) &&
  nullishObject(identity.sessionContext, (context) => nullishObject(context.sessionIssuer, canonicalIssuer));
const isCanonicalRecord = (record: JsonObject): boolean =>
  nonEmptyText(record.eventSource) &&
  nonEmptyText(record.eventName) &&
  optionalText(record.eventVersion) &&
  optionalText(record.eventID) &&
  optionalText(record.eventTime) &&
  optionalText(record.awsRegion) &&
  nullishText(record.sourceIPAddress) &&
  nullishText(record.userAgent) &&
  nullishText(record.errorCode) &&
  nullishText(record.recipientAccountId) &&
  readOnlyValue(record.readOnly) &&
  nullishResources(record.resources) &&
  nullishObject(
    record.addendum,
    (addendum) => optionalText(addendum.reason) && optionalText(addendum.originalEventID),
  ) &&
  nullishObject(record.userIdentity, canonicalIdentity);

/**
 * One CloudTrail record, typed; a record of the wrong shape is an {@link InputError} naming the field. A record already
 * in canonical form comes back as is (no copy); `{ fast: false }` always runs the schema (the plain path).
 *
 * @example
 * decodeCloudTrail(JSON.parse(line), { source: 'dump.ndjson', location: 'line 3' }).eventName; // 'StopLogging'
 */
const decodeCloudTrail = (raw: unknown, at: InputPlace, options?: { readonly fast?: boolean }): CloudTrailRecord => {
  if (!isObject(raw)) throw new InputError(`not a CloudTrail record (got ${kindOf(raw)})`, at);
  if (options?.fast !== false && isCanonicalRecord(raw)) return raw as CloudTrailRecord;
  const parsed = cloudTrailRecord().safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new InputError(`not a CloudTrail record (${describeIssue(parsed.error, raw)})`, at, { cause: parsed.error });
};

export { type CloudTrailRecord, decodeCloudTrail, looksLikeCloudTrail };
