import { describe, expect, it } from 'vitest';
import { restoreAtSignType, restorePantherCloudTrail } from '../../../../functions/core/sources/panther-form.js';
import { cloudTrailLike, differentialInputs } from '../differential-inputs.js';

// restorePantherCloudTrail decides "nothing to restore" in one allocation-free loop (test/bench profile: the check ran
// twice per record at 5 % of the engine). The plain check it replaced is kept here; both must decide alike.

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
const byLower = new Map(cloudTrailKeys.map((key) => [key.toLowerCase(), key]));
const pantherTime = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/;

/** The plain check: any key whose canonical spelling differs and is absent, or a Panther timestamp. */
const plainNeedsRestore = (record: Record<string, unknown>): boolean => {
  const time = record.eventTime ?? record.eventtime;
  const renames = Object.keys(record).some((key) => {
    const proper = byLower.get(key);
    return proper !== undefined && proper !== key && !(proper in record);
  });
  return renames || (typeof time === 'string' && pantherTime.test(time));
};

const base: Record<string, unknown> = {
  eventVersion: '1.08',
  eventTime: '2023-05-23T19:39:15Z',
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'StopLogging',
  userIdentity: { type: 'Root' },
  resources: [],
  addendum: null,
};

const lowered = (key: string): Record<string, unknown> => {
  const { [key]: value, ...rest } = base;
  return { ...rest, [key.toLowerCase()]: value ?? 'x' };
};

const mutations: { name: string; record: Record<string, unknown> }[] = [
  ...cloudTrailKeys.map((key) => ({ name: `${key} lower-cased`, record: lowered(key) })),
  ...cloudTrailKeys.map((key) => ({
    name: `${key} in both spellings`,
    record: { ...base, [key]: 'a', [key.toLowerCase()]: 'b' },
  })),
  { name: 'a Panther timestamp', record: { ...base, eventTime: '2023-05-23 19:39:15.213' } },
  { name: 'a lower-case Panther timestamp', record: { ...lowered('eventTime'), eventtime: '2023-05-23 19:39:15' } },
  { name: 'an unknown lower-case key', record: { ...base, somethingelse: 1 } },
  { name: 'canonical form', record: base },
];

const agrees = (record: Record<string, unknown>): boolean => {
  const restored = restorePantherCloudTrail(record);
  const needs = plainNeedsRestore(record);
  return needs ? restored.changes.length > 0 : restored.changes.length === 0 && restored.record === record;
};

describe('restorePantherCloudTrail(): one-loop check vs the plain check', () => {
  const records = differentialInputs().flatMap(({ name, value }) =>
    cloudTrailLike(value).map((record, index) => ({ name: `${name} [${index}]`, record })),
  );

  it('decides alike on every real record, Panther rows included', () => {
    // Act
    const differences = records.filter(({ record }) => !agrees(record)).map(({ name }) => name);
    // Assess
    expect(records.filter(({ record }) => plainNeedsRestore(record)).length).toBeGreaterThan(5);
    expect(differences).toEqual([]);
  });

  it.each(mutations)('decides alike for $name', ({ record }) => {
    // Assess
    expect(agrees(record)).toBe(true);
  });
});

// restoreAtSignType first checks, without allocating, whether `at_sign_type` occurs at all (test/bench: the copying
// walk ran over every GCP payload). The plain walk it replaced is kept here.
const plainRestoreAtSignType = (value: unknown): unknown => {
  if (Array.isArray(value)) {
    const items = value.map(plainRestoreAtSignType);
    return items.every((item, index) => item === value[index]) ? value : items;
  }
  if (typeof value !== 'object' || value === null) return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const restored = plainRestoreAtSignType(inner);
    const name = key === 'at_sign_type' && !('@type' in value) ? '@type' : key;
    changed ||= restored !== inner || name !== key;
    out[name] = restored;
  }
  return changed ? out : value;
};

const payloads = (value: unknown, out: unknown[] = []): unknown[] => {
  if (Array.isArray(value)) for (const item of value) payloads(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'protoPayload' || key === 'protopayload') out.push(inner);
      else payloads(inner, out);
    }
  }
  return out;
};

describe('restoreAtSignType(): allocation-free check first vs the plain walk', () => {
  const real = differentialInputs().flatMap(({ value }) => payloads(value));
  const made: unknown[] = [
    { at_sign_type: 'x' },
    { a: { b: [{ at_sign_type: 'y' }] } },
    { '@type': 't', at_sign_type: 'u' },
    [1, 'a', null, { c: { at_sign_type: 1 } }],
    { a: [1, 2, { b: null }] },
    'text',
    null,
  ];

  it.each([...real, ...made].map((value, index) => ({ index, value })))('agrees on value $index', ({ value }) => {
    // Act
    const optimized = restoreAtSignType(value);
    const plain = plainRestoreAtSignType(value);
    // Assess
    expect(optimized).toEqual(plain);
    expect(optimized === value).toBe(plain === value);
  });
});
