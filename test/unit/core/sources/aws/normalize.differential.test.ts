import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../../../functions/core/audit-event.js';
import { normalizeCloudTrail, targetKeys } from '../../../../../functions/core/sources/aws/normalize.js';
import { restorePantherCloudTrail } from '../../../../../functions/core/sources/panther-form.js';
import { cloudTrailLike, differentialInputs } from '../../differential-inputs.js';

// normalizeCloudTrail finds the target in one pass over the request's own keys and sets optional keys after the
// object literal (test/bench profile). The plain code it replaced is kept here as the reference. The container reader
// restores Panther rows once and says so (`{ restored: true }`): that must equal restoring inside the normalizer.

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The plain path: each target key looked up in order. */
const plainResource = (raw: Record<string, unknown>): string => {
  const resources = Array.isArray(raw.resources) ? raw.resources : [];
  const listed = resources.find((entry) => isObject(entry) && entry.ARN !== undefined) as { ARN?: string } | undefined;
  if (listed?.ARN !== undefined) return listed.ARN;
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

/** The plain path's optional keys: spread in only when present. */
const plainOptional = (raw: Record<string, unknown>): Record<string, unknown> => {
  const failed = typeof raw.errorCode === 'string' && raw.errorCode !== '';
  return {
    ...(failed ? { errorCode: raw.errorCode } : {}),
    ...(typeof raw.sourceIPAddress === 'string' ? { sourceIp: raw.sourceIPAddress } : {}),
    ...(typeof raw.userAgent === 'string' ? { userAgent: raw.userAgent } : {}),
  };
};

const optionalOf = (event: AuditEvent): Record<string, unknown> =>
  Object.fromEntries(
    (['errorCode', 'sourceIp', 'userAgent'] as const).filter((key) => key in event).map((key) => [key, event[key]]),
  );

const decodable = (raw: Record<string, unknown>): AuditEvent | undefined => {
  try {
    return normalizeCloudTrail(raw);
  } catch {
    return undefined;
  }
};

const requestValues: readonly unknown[] = [
  '',
  'trail-a',
  ['a', 'b'],
  [],
  [1],
  { item: ['i-1', 'i-2'] },
  { item: [] },
  5,
  null,
];

const requestCases = (): { name: string; request: Record<string, unknown> }[] => [
  ...targetKeys.flatMap((key) =>
    requestValues.map((value) => ({
      name: `${key} = ${JSON.stringify(value)}`,
      request: { other: 'x', [key]: value },
    })),
  ),
  { name: 'a later key first in the object', request: { flowLogIds: ['fl-1'], keyId: 'k', name: 'n' } },
  { name: 'an empty earlier key', request: { name: '', trailName: 't' } },
  { name: 'a mapping and the function it points to', request: { functionName: 'f', uUID: 'u', enabled: false } },
  { name: 'a role and its policy', request: { policyName: 'p', roleName: 'r' } },
  { name: 'an account beside a service principal', request: { servicePrincipal: 's', accountId: '1' } },
  { name: 'only unknown keys', request: { foo: 'bar', bar: ['x'] } },
  { name: 'empty request', request: {} },
];

const base = {
  eventVersion: '1.09',
  eventSource: 'ec2.amazonaws.com',
  eventName: 'DeleteFlowLogs',
  eventID: 'e-1',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/bob', accountId: '111122223333' },
};

describe('normalizeCloudTrail(): optimized target and optional keys vs the plain code', () => {
  const rawRecords = new Map<unknown, Record<string, unknown>>();
  const records = differentialInputs().flatMap(({ name, value }) =>
    cloudTrailLike(value).map((record, index) => {
      const raw = restorePantherCloudTrail(record).record as Record<string, unknown>;
      rawRecords.set(raw, record);
      return { name: `${name} [${index}]`, raw };
    }),
  );

  it('agrees on every real record', () => {
    // Prepare
    const differences: string[] = [];
    // Act
    for (const { name, raw } of records) {
      const event = decodable(raw);
      if (event === undefined) continue;
      if (event.resource !== plainResource(raw)) differences.push(`${name}: resource ${event.resource}`);
      if (JSON.stringify(optionalOf(event)) !== JSON.stringify(plainOptional(raw))) differences.push(`${name}: keys`);
    }
    // Assess
    expect(records.length).toBeGreaterThan(50);
    expect(differences).toEqual([]);
  });

  it('gives the same event when the caller restored the Panther form', () => {
    // Prepare
    const comparable = (event: AuditEvent | undefined) => {
      if (event === undefined) return undefined;
      const { fields: _fields, ...rest } = event;
      return rest;
    };
    const differences: string[] = [];
    // Act
    for (const { name, raw } of records) {
      const original = rawRecords.get(raw) ?? raw;
      const inside = comparable(decodable(original));
      let outside: ReturnType<typeof comparable>;
      try {
        outside = comparable(
          normalizeCloudTrail(restorePantherCloudTrail(original).record, undefined, { restored: true }),
        );
      } catch {
        outside = undefined;
      }
      if (JSON.stringify(inside) !== JSON.stringify(outside)) differences.push(name);
    }
    // Assess
    expect(differences).toEqual([]);
  });

  it.each(requestCases())('finds the same target when $name', ({ request }) => {
    // Prepare
    const raw = { ...base, requestParameters: request };
    // Act
    const event = normalizeCloudTrail(raw);
    // Assess
    expect(event.resource).toBe(plainResource(raw));
  });

  it.each([
    { name: 'all present', extra: { errorCode: 'AccessDenied', sourceIPAddress: '198.51.100.7', userAgent: 'cli' } },
    { name: 'empty error code', extra: { errorCode: '', sourceIPAddress: null, userAgent: null } },
    { name: 'none', extra: {} },
  ])('sets the same optional keys when $name', ({ extra }) => {
    // Prepare
    const raw = { ...base, ...extra };
    // Act
    const event = normalizeCloudTrail(raw);
    // Assess
    expect(optionalOf(event)).toEqual(plainOptional(raw));
  });
});
