import type { Actor, AuditEvent, Scope } from '../../audit-event.js';
import { createFieldView } from '../../field-view.js';
import type { InputPlace } from '../../formats/errors.js';
import { contentId } from '../content-hash.js';
import { restorePantherCloudTrail } from '../panther-form.js';
import { isObject, lastSegment } from '../read-path.js';
import { type CloudTrailRecord, decodeCloudTrail } from './decode.js';

const unplaced: InputPlace = { source: 'input', location: 'record' };
const readVerb = /^(Get|List|Describe|Lookup)([A-Z0-9_]|$)/;

const actorOf = (record: CloudTrailRecord): Actor => {
  const identity = record.userIdentity ?? undefined;
  const type = identity?.type ?? 'Unknown';
  const id = identity?.arn ?? identity?.principalId ?? identity?.invokedBy ?? identity?.accountId ?? 'unknown';
  // The session name for assumed roles (last ARN segment), the user name for users, `root` for the root user.
  const name =
    type === 'AssumedRole' && identity?.arn !== undefined
      ? lastSegment(identity.arn)
      : (identity?.userName ?? (identity?.arn === undefined ? id : lastSegment(identity.arn)));
  const principal = identity?.sessionContext?.sessionIssuer?.arn;
  return principal === undefined ? { id, type, name } : { id, type, name, principal };
};

const scopeOf = (record: CloudTrailRecord): Scope => {
  const account = record.recipientAccountId ?? record.userIdentity?.accountId;
  return account === undefined || account === null ? { kind: 'unknown', id: '' } : { kind: 'account', id: account };
};

/** DESIGN §1.4: eventID, or the id of the record an UPDATED_DATA addendum replaces; a content hash when neither exists. */
const idOf = (record: CloudTrailRecord, raw: Readonly<Record<string, unknown>>): string => {
  const original = record.addendum?.originalEventID;
  if (record.addendum?.reason === 'UPDATED_DATA' && original !== undefined) return original;
  return record.eventID ?? contentId(raw);
};

// Request keys that name the target when the record has no `resources[]` (StopLogging, DeleteDetector, DeleteLogGroup…),
// most specific first.
const targetKeys = [
  'name',
  'trailName',
  'detectorId',
  'bucketName',
  'logGroupName',
  'configurationRecorderName',
  'deliveryChannelName',
  'configRuleName',
  'groupId',
  'networkAclId',
  'keyId',
  'analyzerName',
  'graphArn',
  'webACLArn',
  'resourceArn',
  'firewallName',
  'firewallArn',
  'eventDataStore',
  'resolverQueryLogConfigId',
  'alarmNames',
  'flowLogIds',
] as const;

const resourceOf = (record: CloudTrailRecord, raw: Readonly<Record<string, unknown>>): string => {
  const listed = record.resources?.find((entry) => entry.ARN !== undefined)?.ARN;
  if (listed !== undefined) return listed;
  const request = raw.requestParameters;
  if (!isObject(request)) return '';
  for (const key of targetKeys) {
    const value = request[key];
    if (typeof value === 'string' && value !== '') return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value.join(',');
    if (isObject(value) && Array.isArray(value.item) && typeof value.item[0] === 'string') return value.item.join(',');
  }
  return '';
};

const readOnlyOf = (record: CloudTrailRecord): boolean => {
  if (typeof record.readOnly === 'boolean') return record.readOnly;
  if (record.readOnly === 'true' || record.readOnly === 'false') return record.readOnly === 'true';
  return readVerb.test(record.eventName);
};

/**
 * A CloudTrail record (already out of its envelope) as an {@link AuditEvent}. Rules see the record's own keys; AWS needs
 * no aliases (SigmaHQ uses CloudTrail names). Panther's normalized form is restored first. Throws {@link InputError} for
 * a record without eventSource or eventName.
 *
 * @example
 * const event = normalizeCloudTrail(envelope.detail, { source: messageId, location: 'detail' });
 */
const normalizeCloudTrail = (record: unknown, at: InputPlace = unplaced): AuditEvent => {
  const raw = isObject(record) ? restorePantherCloudTrail(record).record : record;
  const decoded = decodeCloudTrail(raw, at);
  const object = raw as Readonly<Record<string, unknown>>; // decodeCloudTrail accepted it, so it is an object
  const failed = typeof decoded.errorCode === 'string' && decoded.errorCode !== '';
  const resource = resourceOf(decoded, object);
  return {
    provider: 'aws',
    service: decoded.eventSource,
    operation: decoded.eventName,
    outcome: failed ? 'failure' : 'success',
    ...(failed ? { errorCode: decoded.errorCode ?? '' } : {}),
    actor: actorOf(decoded),
    ...(typeof decoded.sourceIPAddress === 'string' ? { sourceIp: decoded.sourceIPAddress } : {}),
    ...(typeof decoded.userAgent === 'string' ? { userAgent: decoded.userAgent } : {}),
    scope: scopeOf(decoded),
    region: decoded.awsRegion ?? '',
    resource,
    time: decoded.eventTime ?? '',
    id: idOf(decoded, object),
    readOnly: readOnlyOf(decoded),
    raw: object,
    fields: createFieldView(object),
  };
};

export { normalizeCloudTrail };
