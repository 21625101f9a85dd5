import { describe, expect, it } from 'vitest';
import { decodeLogEntry } from '../../../../../functions/core/sources/gcp/decode.js';
import { restorePantherLogEntry } from '../../../../../functions/core/sources/panther-form.js';
import { differentialInputs } from '../../differential-inputs.js';

// decodeLogEntry skips zod for entries already in canonical form (as decodeCloudTrail does, test/bench profile). Both
// paths must give the same entry or the same error, on every real entry and on every odd value a key can hold.

const at = { source: 'differential', location: 'entry' };

const run = (raw: unknown, fast: boolean) => {
  try {
    return { ok: true, value: decodeLogEntry(raw, at, { fast }) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
};

const agrees = (raw: unknown): boolean => {
  try {
    expect(run(raw, true)).toEqual(run(raw, false));
    return true;
  } catch {
    return false;
  }
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Objects that look like LogEntries (a payload object, any spelling), anywhere inside a value. */
const entriesIn = (value: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] => {
  if (Array.isArray(value)) for (const item of value) entriesIn(item, out);
  else if (isObject(value)) {
    if (isObject(value.protoPayload) || isObject(value.protopayload)) out.push(value);
    else for (const inner of Object.values(value)) entriesIn(inner, out);
  }
  return out;
};

const payload = {
  '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
  serviceName: 'logging.googleapis.com',
  methodName: 'google.logging.v2.ConfigServiceV2.DeleteSink',
  resourceName: 'projects/p/sinks/s',
  status: { code: 0, message: '' },
  authenticationInfo: {
    principalEmail: 'a@example.com',
    serviceAccountDelegationInfo: [{ firstPartyPrincipal: { principalEmail: 'b@example.com' } }],
  },
  authorizationInfo: [{ permission: 'logging.sinks.delete', permissionType: 'ADMIN_WRITE' }],
  requestMetadata: { callerIp: '203.0.113.9', callerSuppliedUserAgent: 'gcloud' },
};
const base = {
  logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity',
  insertId: 'abc123',
  timestamp: '2026-11-24T10:02:11Z',
  resource: { type: 'logging_sink', labels: { project_id: 'p' } },
  operation: { id: 'op-1' },
  protoPayload: payload,
};

const oddValues: readonly unknown[] = [undefined, null, '', 'x', 0, 7, true, [], {}, [{}], [null], [{ a: 1 }]];
const withKey = (record: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> => {
  const copy = { ...record };
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
};
const nested = (path: readonly string[], value: unknown): Record<string, unknown> => {
  const [head, ...rest] = path as [string, ...string[]];
  const set = (node: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> => {
    const [key, ...more] = keys as [string, ...string[]];
    if (more.length === 0) return withKey(node, key, value);
    return { ...node, [key]: set(isObject(node[key]) ? node[key] : {}, more) };
  };
  return set(base, [head, ...rest]);
};

const paths = [
  ['logName'],
  ['insertId'],
  ['timestamp'],
  ['resource'],
  ['resource', 'type'],
  ['resource', 'labels'],
  ['operation'],
  ['operation', 'id'],
  ['protoPayload'],
  ...[
    'serviceName',
    'methodName',
    'resourceName',
    'status',
    'authenticationInfo',
    'authorizationInfo',
    'requestMetadata',
  ].map((key) => ['protoPayload', key]),
  ['protoPayload', 'status', 'code'],
  ['protoPayload', 'status', 'message'],
  ['protoPayload', 'authenticationInfo', 'principalEmail'],
  ['protoPayload', 'authenticationInfo', 'principalSubject'],
  ['protoPayload', 'authenticationInfo', 'serviceAccountDelegationInfo'],
  ['protoPayload', 'requestMetadata', 'callerIp'],
  ['protoPayload', 'requestMetadata', 'callerSuppliedUserAgent'],
];

const mutations = paths.flatMap((path) =>
  oddValues.map((value) => ({ name: `${path.join('.')} = ${JSON.stringify(value)}`, raw: nested(path, value) })),
);

describe('decodeLogEntry(): canonical fast path vs schema', () => {
  const entries = differentialInputs().flatMap(({ name, value }) =>
    entriesIn(value).map((entry, index) => ({ name: `${name} [${index}]`, raw: restorePantherLogEntry(entry).record })),
  );

  it('decodes every real entry the same way on both paths', () => {
    // Act
    const differences = entries.filter(({ raw }) => !agrees(raw)).map(({ name }) => name);
    // Assess
    expect(entries.length).toBeGreaterThan(20);
    expect(differences).toEqual([]);
  });

  it.each(mutations)('agrees when $name', ({ raw }) => {
    // Assess
    expect(agrees(raw)).toBe(true);
  });
});
