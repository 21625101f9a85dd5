import { describe, expect, it } from 'vitest';
import { decodeCloudTrail } from '../../../../../functions/core/sources/aws/decode.js';
import { restorePantherCloudTrail } from '../../../../../functions/core/sources/panther-form.js';
import { cloudTrailLike, differentialInputs } from '../../differential-inputs.js';

// decodeCloudTrail skips zod for records already in canonical form (test/bench profile: the schema was a fifth of the
// engine's time). Both paths must give the same record or the same error, on every real record and on every odd
// value a key can hold.

const at = { source: 'differential', location: 'record' };

type Outcome = { ok: true; value: unknown } | { ok: false; message: string };

const run = (raw: unknown, fast: boolean): Outcome => {
  try {
    return { ok: true, value: decodeCloudTrail(raw, at, { fast }) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
};

const base = {
  eventVersion: '1.09',
  userIdentity: {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLE:alice',
    arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
    accountId: '111122223333',
    sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/Admin', userName: 'Admin' } },
  },
  eventTime: '2026-11-24T10:02:11Z',
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'StopLogging',
  awsRegion: 'eu-west-1',
  sourceIPAddress: '198.51.100.7',
  userAgent: 'aws-cli/2.15.0',
  requestParameters: { name: 'org-trail' },
  responseElements: null,
  eventID: 'b0f4c1d2-1111-4222-8333-444455556666',
  readOnly: false,
  resources: [{ ARN: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail' }],
  recipientAccountId: '111122223333',
};

const oddValues: readonly unknown[] = [
  undefined,
  null,
  '',
  'x',
  'true',
  'false',
  0,
  12,
  true,
  false,
  [],
  {},
  [{}],
  [null],
  [{ ARN: 1 }],
  [{ ARN: 'arn:x' }, 'y'],
  { reason: 'UPDATED_DATA', originalEventID: 'e1' },
  { reason: 3 },
  { sessionIssuer: null },
  { sessionIssuer: { arn: 5 } },
  { sessionIssuer: { arn: 'arn:r', userName: 'u' } },
];

const topKeys = [
  'eventSource',
  'eventName',
  'eventVersion',
  'eventID',
  'eventTime',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'recipientAccountId',
  'readOnly',
  'resources',
  'addendum',
  'userIdentity',
];
const identityKeys = ['type', 'principalId', 'arn', 'accountId', 'userName', 'invokedBy', 'sessionContext'];

const withKey = (record: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> => {
  const copy = { ...record };
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
};

const mutations = (): { name: string; raw: unknown }[] => [
  ...topKeys.flatMap((key) =>
    oddValues.map((value) => ({ name: `${key} = ${JSON.stringify(value)}`, raw: withKey(base, key, value) })),
  ),
  ...identityKeys.flatMap((key) =>
    oddValues.map((value) => ({
      name: `userIdentity.${key} = ${JSON.stringify(value)}`,
      raw: { ...base, userIdentity: withKey(base.userIdentity, key, value) },
    })),
  ),
  ...[null, 'text', 3, [base]].map((raw) => ({ name: `record = ${JSON.stringify(raw)?.slice(0, 20)}`, raw })),
];

/** Deep equality regardless of key order (zod's copy lists the schema's keys first). */
const sameOutcome = (raw: unknown): boolean => {
  try {
    expect(run(raw, true)).toEqual(run(raw, false));
    return true;
  } catch {
    return false;
  }
};

describe('decodeCloudTrail(): canonical fast path vs schema', () => {
  const records = differentialInputs().flatMap(({ name, value }) =>
    cloudTrailLike(value).map((record, index) => ({
      name: `${name} [${index}]`,
      raw: restorePantherCloudTrail(record).record,
    })),
  );

  it('finds real records to compare', () => {
    // Assess
    expect(records.length).toBeGreaterThan(50);
  });

  it('decodes every real record the same way on both paths', () => {
    // Act
    const differences = records.filter(({ raw }) => !sameOutcome(raw)).map((record) => record.name);
    // Assess
    expect(differences).toEqual([]);
  });

  it.each(mutations())('agrees when $name', ({ raw }) => {
    // Act
    const fast = run(raw, true);
    const plain = run(raw, false);
    // Assess
    expect(fast).toEqual(plain);
  });
});
