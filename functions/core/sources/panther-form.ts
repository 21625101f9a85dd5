import { isObject, type JsonObject } from './read-path.js';

/**
 * Panther stores CloudTrail and GCP audit rows in a normalized form: some keys lower-cased (`eventname`, `insertid`,
 * `protopayload`), `@type` renamed `at_sign_type`, `callerIp` spelled `callerIP`, times as `2023-05-23 19:39:15.213`.
 * Its rule-test fixtures are public and widely copied, so tamperwatch reads them by restoring the provider's own form
 * (a new object; the input is never changed). Each restoration is listed so the reader can say what it did.
 */
type Restored = { readonly record: JsonObject; readonly changes: readonly string[] };

const cloudTrailKeys = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'requestID',
  'eventID',
  'eventType',
  'apiVersion',
  'managementEvent',
  'readOnly',
  'resources',
  'recipientAccountId',
  'serviceEventDetails',
  'sharedEventID',
  'vpcEndpointId',
  'vpcEndpointAccountId',
  'eventCategory',
  'addendum',
  'sessionCredentialFromConsole',
  'edgeDeviceDetails',
  'tlsDetails',
  'eventContext',
  'insightDetails',
];
const logEntryKeys = [
  'logName',
  'insertId',
  'receiveTimestamp',
  'protoPayload',
  'jsonPayload',
  'textPayload',
  'httpRequest',
];
const pantherTime = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/;

/** `2023-05-23 19:39:15.213` → `2023-05-23T19:39:15.213Z`; anything else unchanged. */
const restoreTime = (value: unknown): unknown =>
  typeof value === 'string' && pantherTime.test(value) ? value.replace(pantherTime, '$1T$2Z') : value;

const lowerIndex = (canonical: readonly string[]): ReadonlyMap<string, string> =>
  new Map(canonical.map((key) => [key.toLowerCase(), key]));
const cloudTrailIndex = lowerIndex(cloudTrailKeys);
const logEntryIndex = lowerIndex(logEntryKeys);

/** Lower-cased top-level keys back to their canonical spelling, unless the canonical key is present too. */
const renamedKey = (record: JsonObject, byLower: ReadonlyMap<string, string>, key: string): string | undefined => {
  const proper = byLower.get(key);
  return proper !== undefined && proper !== key && !(proper in record) ? proper : undefined;
};

const restoreKeys = (
  record: JsonObject,
  byLower: ReadonlyMap<string, string>,
  changes: string[],
): Record<string, unknown> => {
  const renamed = (key: string): string | undefined => renamedKey(record, byLower, key);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const proper = renamed(key);
    out[proper ?? key] = value;
    if (proper !== undefined) changes.push(`${key}→${proper}`);
  }
  return out;
};

const restoreTimes = (record: Record<string, unknown>, keys: readonly string[], changes: string[]): void => {
  for (const key of keys) {
    const restored = restoreTime(record[key]);
    if (restored !== record[key]) {
      record[key] = restored;
      changes.push(`${key} as RFC 3339`);
    }
  }
};

/** Whether `at_sign_type` is a key anywhere inside: a walk that allocates nothing (most payloads have none). */
const hasAtSignType = (value: unknown): boolean => {
  if (Array.isArray(value)) {
    for (const item of value) if (hasAtSignType(item)) return true;
    return false;
  }
  if (!isObject(value)) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key === 'at_sign_type' || hasAtSignType(value[key])) return true;
  }
  return false;
};

/** Every `at_sign_type` key back to `@type`, at any depth; returns the same reference when there is none. */
const restoreAtSignType = (value: unknown): unknown => (hasAtSignType(value) ? restoreEveryAtSignType(value) : value);

const restoreEveryAtSignType = (value: unknown): unknown => {
  if (Array.isArray(value)) {
    const items = value.map(restoreEveryAtSignType);
    return items.every((item, index) => item === value[index]) ? value : items;
  }
  if (!isObject(value)) return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const restored = restoreEveryAtSignType(inner);
    const name = key === 'at_sign_type' && !('@type' in value) ? '@type' : key;
    changed ||= restored !== inner || name !== key;
    out[name] = restored;
  }
  return changed ? out : value;
};

/** The AuditLog payload: `@type` and `requestMetadata.callerIp` spelled as Cloud Logging writes them. */
const restorePayload = (value: unknown, changes: string[]): unknown => {
  const payload = restoreAtSignType(value);
  if (payload !== value) changes.push('at_sign_type→@type');
  if (!isObject(payload) || !isObject(payload.requestMetadata) || !('callerIP' in payload.requestMetadata))
    return payload;
  const { callerIP, ...rest } = payload.requestMetadata;
  if ('callerIp' in rest) return payload;
  changes.push('callerIP→callerIp');
  return { ...payload, requestMetadata: { ...rest, callerIp: callerIP } };
};

// The lower-cased keys that restore to another spelling (`resources` and `addendum` are lower case already).
const cloudTrailRenames: ReadonlyMap<string, string> = new Map(
  [...cloudTrailIndex].filter(([lower, proper]) => lower !== proper),
);

/** Whether restoring would change anything: the same test as {@link renamedKey}, in one loop without allocation. */
const inPantherForm = (record: JsonObject): boolean => {
  for (const key in record) {
    const proper = cloudTrailRenames.get(key);
    if (proper !== undefined && Object.hasOwn(record, key) && !(proper in record)) return true;
  }
  const time = record.eventTime ?? record.eventtime;
  return typeof time === 'string' && pantherTime.test(time);
};

/** A CloudTrail record in Panther's form back to CloudTrail's own form. */
const restorePantherCloudTrail = (record: JsonObject): Restored => {
  // The common case, a record in CloudTrail's own form, costs one pass over its keys and copies nothing (it runs twice
  // per record: for the notice and in the normalizer; test/bench measured the first version at 5 % of the engine).
  if (!inPantherForm(record)) return { record, changes: [] };
  const changes: string[] = [];
  const out = restoreKeys(record, cloudTrailIndex, changes);
  restoreTimes(out, ['eventTime'], changes);
  return changes.length === 0 ? { record, changes } : { record: out, changes };
};

/** A GCP LogEntry in Panther's form back to the Cloud Logging JSON form. */
const restorePantherLogEntry = (record: JsonObject): Restored => {
  const changes: string[] = [];
  const out = restoreKeys(record, logEntryIndex, changes);
  restoreTimes(out, ['timestamp', 'receiveTimestamp'], changes);
  if ('protoPayload' in out) out.protoPayload = restorePayload(out.protoPayload, changes);
  return changes.length === 0 ? { record, changes } : { record: out, changes };
};

export { type Restored, restoreAtSignType, restorePantherCloudTrail, restorePantherLogEntry, restoreTime };
