import { describe, expect, it } from 'vitest';
import { eventsFromValue } from '../../../../../functions/core/formats/read-input.js';
import { normalizeLogEntry } from '../../../../../functions/core/sources/gcp/normalize.js';
import { fixtureBytes } from '../../formats/read-helpers.js';

type Json = Record<string, unknown>;
// gcp/cloud-custodian/log-create-project-exclusion.json (a real CreateExclusion)
const exclusion = JSON.parse(fixtureBytes('gcp/logentry.json').toString('utf8')) as Json;
const payload = exclusion.protoPayload as Json;
const withPayload = (changes: Json): Json => ({ ...exclusion, protoPayload: { ...payload, ...changes } });

describe('normalizeLogEntry()', () => {
  it('maps an audit LogEntry to the normalized event (DESIGN §4.1)', () => {
    // Act
    const { raw, fields: _, ...typed } = normalizeLogEntry(exclusion);
    // Assess
    expect(raw).toBe(exclusion);
    expect(typed).toEqual({
      provider: 'gcp',
      service: 'logging.googleapis.com',
      operation: 'google.logging.v2.ConfigServiceV2.CreateExclusion',
      outcome: 'success',
      actor: { id: 'dkhanas@gmail.com', type: 'user', name: 'dkhanas@gmail.com' },
      sourceIp: '217.20.186.33',
      userAgent:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/74.0.3729.131 Safari/537.36,gzip(gfe)',
      scope: { kind: 'project', id: 'test-project-232910' },
      region: 'global',
      resource: 'projects/test-project-232910/exclusions/qwerty',
      time: '2019-05-21T15:14:35.813548890Z',
      id: 'dlys07d35yz@projects/test-project-232910/logs/cloudaudit.googleapis.com%2Factivity',
      readOnly: false,
    });
  });

  it.each([
    { status: { code: 7, message: 'Permission denied' }, outcome: 'failure', errorCode: 'PERMISSION_DENIED' },
    { status: { code: 5 }, outcome: 'failure', errorCode: 'NOT_FOUND' },
    { status: { code: 0 }, outcome: 'success', errorCode: undefined },
    { status: {}, outcome: 'success', errorCode: undefined },
    { status: undefined, outcome: 'success', errorCode: undefined },
  ])('reads status $status as $outcome', ({ status, outcome, errorCode }) => {
    // Act
    const event = normalizeLogEntry(withPayload({ status }));
    // Assess
    expect([event.outcome, event.errorCode]).toEqual([outcome, errorCode]);
  });

  it.each([
    {
      logName: 'organizations/888888888888/logs/cloudaudit.googleapis.com%2Factivity',
      scope: { kind: 'organization', id: '888888888888' },
    },
    { logName: 'folders/123/logs/cloudaudit.googleapis.com%2Factivity', scope: { kind: 'folder', id: '123' } },
    { logName: 'projects/p-1/logs/cloudaudit.googleapis.com%2Factivity', scope: { kind: 'project', id: 'p-1' } },
    {
      logName: 'billingAccounts/00AA/logs/cloudaudit.googleapis.com%2Factivity',
      scope: { kind: 'unknown', id: '00AA' },
    },
  ])('takes the scope from logName $logName when the resource has no project label', ({ logName, scope }) => {
    // Act
    const event = normalizeLogEntry({ ...exclusion, logName, resource: { type: 'organization', labels: {} } });
    // Assess
    expect(event.scope).toEqual(scope);
  });

  it.each([
    { methodName: 'google.logging.v2.ConfigServiceV2.ListSinks', permissionType: undefined, expected: true },
    { methodName: 'v1.compute.firewalls.get', permissionType: undefined, expected: true },
    { methodName: 'GetIamPolicy', permissionType: undefined, expected: true },
    { methodName: 'SetIamPolicy', permissionType: 'ADMIN_WRITE', expected: false },
    { methodName: 'storage.objects.read', permissionType: 'DATA_READ', expected: true },
    { methodName: 'google.logging.v2.ConfigServiceV2.DeleteSink', permissionType: undefined, expected: false },
  ])('reads $methodName ($permissionType) as readOnly $expected', ({ methodName, permissionType, expected }) => {
    // Act
    const event = normalizeLogEntry(
      withPayload({ methodName, authorizationInfo: [{ permission: 'x', granted: true, permissionType }] }),
    );
    // Assess
    expect(event.readOnly).toBe(expected);
  });

  it('uses operation.id as the event id, so the first and last entries are one event (DESIGN §1.4)', () => {
    // Act
    const event = normalizeLogEntry({
      ...exclusion,
      operation: { id: 'operation-1', producer: 'compute.googleapis.com', last: true },
    });
    // Assess
    expect(event.id).toBe('operation-1');
  });

  it('names a service account, a federated principal and the principal behind an impersonation', () => {
    // Prepare
    const auth = (authenticationInfo: Json) => normalizeLogEntry(withPayload({ authenticationInfo })).actor;
    // Act
    const actors = [
      auth({
        principalEmail: 'tf@p.iam.gserviceaccount.com',
        principalSubject: 'serviceAccount:tf@p.iam.gserviceaccount.com',
      }),
      auth({ principalSubject: 'principal://iam.googleapis.com/locations/global/workforcePools/p/subject/alice' }),
      auth({
        principalEmail: 'deployer@p.iam.gserviceaccount.com',
        serviceAccountDelegationInfo: [{ firstPartyPrincipal: { principalEmail: 'alice@example.com' } }],
      }),
    ];
    // Assess
    expect(actors).toEqual([
      { id: 'tf@p.iam.gserviceaccount.com', type: 'serviceAccount', name: 'tf@p.iam.gserviceaccount.com' },
      {
        id: 'principal://iam.googleapis.com/locations/global/workforcePools/p/subject/alice',
        type: 'federated',
        name: 'principal://iam.googleapis.com/locations/global/workforcePools/p/subject/alice',
      },
      {
        id: 'deployer@p.iam.gserviceaccount.com',
        type: 'serviceAccount',
        name: 'deployer@p.iam.gserviceaccount.com',
        principal: 'alice@example.com',
      },
    ]);
  });

  it('takes the region from the resource location, zone or region label', () => {
    // Act
    const regions = [{ zone: 'europe-west1-b' }, { region: 'us-central1' }, { location: 'eu' }, {}].map(
      (labels) => normalizeLogEntry({ ...exclusion, resource: { type: 'x', labels } }).region,
    );
    // Assess
    expect(regions).toEqual(['europe-west1-b', 'us-central1', 'eu', 'global']);
  });

  it('refuses an entry without an AuditLog payload; the reader skips it with a notice', () => {
    // Prepare
    const { protoPayload: _, ...rest } = exclusion;
    const entry = { ...rest, jsonPayload: { message: 'hello' } };
    // Act
    const act = () => normalizeLogEntry(entry, { source: 'sink.json', location: 'line 4' });
    const items = eventsFromValue(entry, 'sink.json');
    // Assess
    expect(act).toThrow('sink.json: line 4: not a GCP audit LogEntry (protoPayload: missing)');
    expect(items).toEqual([
      {
        kind: 'notice',
        message: 'LogEntry without an AuditLog protoPayload (jsonPayload): skipped',
        location: 'document',
      },
    ]);
  });

  it('skips a LogEntry whose payload is another type', () => {
    // Act
    const items = eventsFromValue(
      withPayload({ '@type': 'type.googleapis.com/google.appengine.logging.v1.RequestLog' }),
      'x.json',
    );
    // Assess
    expect(items.map((item) => item.kind)).toEqual(['notice']);
  });
});
