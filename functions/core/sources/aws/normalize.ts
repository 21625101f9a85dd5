import type { Actor, AuditEvent, Scope } from '../../audit-event.js';
import { createFieldView } from '../../field-view.js';
import type { InputPlace } from '../../formats/errors.js';
import { contentId } from '../content-hash.js';
import { restorePantherCloudTrail } from '../panther-form.js';
import { isObject, lastSegment } from '../read-path.js';
import { type CloudTrailRecord, decodeCloudTrail } from './decode.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

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
// most specific first. When a request carries several, the object acted on wins over what it is pointed at or given:
// UpdateEventSourceMapping's mapping (`uUID`) over the function it may re-point to, PutRolePolicy's role over the
// policy, Subscribe's topic over the endpoint (which is no target key). Names that many requests carry beside their
// target (policy names, VPC ids, account ids, service principals) come last.
const targetKeys = [
  'name',
  'trailName',
  'detectorId',
  'bucketName',
  'logGroupName',
  'configurationRecorderName',
  'deliveryChannelName',
  'configRuleName',
  'organizationConfigRuleName',
  'conformancePackName',
  'organizationConformancePackName',
  'configurationAggregatorName',
  'groupId',
  'networkAclId',
  'keyId',
  'analyzerName',
  'graphArn',
  'GraphArn', // Detective logs its request members capitalized
  'webACLArn',
  'webACLId', // WAF Classic
  'resourceArn',
  'firewallName',
  'firewallArn',
  'firewallPolicyName',
  'firewallPolicyArn',
  'ruleGroupName',
  'ruleGroupArn',
  'ruleGroupId', // WAF Classic
  'ruleId', // WAF Classic
  'eventDataStore',
  'channel', // CloudTrail Lake channel ARN
  'resolverQueryLogConfigId',
  'firewallRuleGroupAssociationId',
  'firewallRuleGroupId',
  'alarmNames',
  'alarmName',
  'dashboardNames',
  'flowLogIds',
  // Roles, stacks, functions, rules, queues, topics, tables, parameters: the kinds tamperwatch itself runs on (DESIGN §9.3)
  'roleName',
  'stackSetName',
  'stackName',
  'uUID', // Lambda event source mapping
  'functionName',
  'rule', // EventBridge PutTargets, RemoveTargets
  'subscriptionArn',
  'topicArn',
  'queueUrl',
  'tableName',
  'names', // SSM DeleteParameters
  'dBInstanceIdentifier',
  'dBClusterIdentifier',
  'guardrailIdentifier',
  'protectionId',
  'policyId',
  'destinationName',
  'FindingAggregatorArn',
  'ProductSubscriptionArn',
  'StandardsControlArn',
  'StandardsSubscriptionArns',
  'RuleName',
  'groupName',
  'policyName',
  'rootId',
  'resourceId',
  'accountId',
  'adminAccountId',
  'AdminAccountId',
  'delegatedAdminAccountId',
  'authorizedAccountId',
  'accountIds',
  'AccountIds',
  'servicePrincipal',
] as const;

const targetRank = new Map<string, number>(targetKeys.map((key, rank) => [key, rank]));

/** A request value as target text: a non-empty string, a list of strings, or EC2's `{ item: [...] }` list. */
const targetText = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value.join(',') : undefined;
  if (isObject(value) && Array.isArray(value.item) && typeof value.item[0] === 'string') return value.item.join(',');
  return undefined;
};

// One pass over the request's own keys (usually a handful) instead of a lookup per target key, most of them misses: the
// profile of test/bench showed the lookups at a seventh of the decode time. The most specific key still wins.
const resourceOf = (record: CloudTrailRecord, raw: Readonly<Record<string, unknown>>): string => {
  const listed = record.resources?.find((entry) => entry.ARN !== undefined)?.ARN;
  if (listed !== undefined) return listed;
  const request = raw.requestParameters;
  if (!isObject(request)) return '';
  let best: number = targetKeys.length;
  let found = '';
  for (const key in request) {
    const rank = targetRank.get(key);
    if (rank === undefined || rank >= best) continue;
    const text = targetText(request[key]);
    if (text === undefined) continue;
    best = rank;
    found = text;
  }
  return found;
};

const readOnlyOf = (record: CloudTrailRecord): boolean => {
  if (typeof record.readOnly === 'boolean') return record.readOnly;
  if (record.readOnly === 'true' || record.readOnly === 'false') return record.readOnly === 'true';
  return readVerb.test(record.eventName);
};

/**
 * A CloudTrail record (already out of its envelope) as an {@link AuditEvent}. Rules see the record's own keys; AWS needs
 * no aliases (SigmaHQ uses CloudTrail names). Panther's normalized form is restored first, unless the caller did
 * (`{ restored: true }`). Throws {@link InputError} for a record without eventSource or eventName.
 *
 * @example
 * const event = normalizeCloudTrail(envelope.detail, { source: messageId, location: 'detail' });
 */
const normalizeCloudTrail = (
  record: unknown,
  at: InputPlace = unplaced,
  options?: { readonly restored?: boolean },
): AuditEvent => {
  const raw = isObject(record) && options?.restored !== true ? restorePantherCloudTrail(record).record : record;
  const decoded = decodeCloudTrail(raw, at);
  const object = raw as Readonly<Record<string, unknown>>; // decodeCloudTrail accepted it, so it is an object
  const failed = typeof decoded.errorCode === 'string' && decoded.errorCode !== '';
  const resource = resourceOf(decoded, object);
  // Optional keys are set after the literal: spreading `{}` or `{ key }` per key cost more than the rest of this
  // function (test/bench profile).
  const event: Mutable<AuditEvent> = {
    provider: 'aws',
    service: decoded.eventSource,
    operation: decoded.eventName,
    outcome: failed ? 'failure' : 'success',
    actor: actorOf(decoded),
    scope: scopeOf(decoded),
    region: decoded.awsRegion ?? '',
    resource,
    time: decoded.eventTime ?? '',
    id: idOf(decoded, object),
    readOnly: readOnlyOf(decoded),
    raw: object,
    fields: createFieldView(object),
  };
  if (failed) event.errorCode = decoded.errorCode ?? '';
  if (typeof decoded.sourceIPAddress === 'string') event.sourceIp = decoded.sourceIPAddress;
  if (typeof decoded.userAgent === 'string') event.userAgent = decoded.userAgent;
  return event;
};

export { normalizeCloudTrail, targetKeys };
