import { z } from 'zod';
import { InputError, type InputPlace } from '../../formats/errors.js';
import { describeIssue, kindOf } from '../describe-issue.js';
import { isObject, type JsonObject } from '../read-path.js';

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

/** The CloudTrail keys tamperwatch reads; everything else passes through untouched in `raw`. */
const cloudTrailRecord = z.looseObject({
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

type CloudTrailRecord = z.infer<typeof cloudTrailRecord>;

/** True when the value has the two keys every CloudTrail record carries (eventVersion is missing from some fixtures). */
const looksLikeCloudTrail = (value: JsonObject): boolean =>
  (typeof value.eventSource === 'string' && typeof value.eventName === 'string') ||
  (typeof value.eventsource === 'string' && typeof value.eventname === 'string');

/**
 * One CloudTrail record, typed; a record of the wrong shape is an {@link InputError} naming the field.
 *
 * @example
 * decodeCloudTrail(JSON.parse(line), { source: 'dump.ndjson', location: 'line 3' }).eventName; // 'StopLogging'
 */
const decodeCloudTrail = (raw: unknown, at: InputPlace): CloudTrailRecord => {
  if (!isObject(raw)) throw new InputError(`not a CloudTrail record (got ${kindOf(raw)})`, at);
  const parsed = cloudTrailRecord.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new InputError(`not a CloudTrail record (${describeIssue(parsed.error, raw)})`, at, { cause: parsed.error });
};

export { type CloudTrailRecord, decodeCloudTrail, looksLikeCloudTrail };
