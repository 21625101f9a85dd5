import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../../../functions/core/audit-event.js';
import { eventsFromValue } from '../../../../../functions/core/formats/read-input.js';
import { normalizeAzure } from '../../../../../functions/core/sources/azure/normalize.js';
import { fixtureBytes } from '../../formats/read-helpers.js';

type Json = Record<string, unknown>;
const fixture = (path: string): unknown => JSON.parse(fixtureBytes(path).toString('utf8'));

// One operation (a diagnostic setting deleted), start and final record, in the three forms (test/fixtures/inputs/README.md).
const diagnostic = (fixture('azure/diagnostic-records.json') as { records: Json[] }).records;
const logAnalytics = fixture('azure/log-analytics-rows.json') as Json[];
const rest = (fixture('azure/rest-list.json') as { value: Json[] }).value;
const forms = { diagnostic, logAnalytics, rest };
const final = Object.fromEntries(Object.entries(forms).map(([form, records]) => [form, normalizeAzure(records[1])]));

const typedOf = ({ raw: _, fields: __, ...typed }: AuditEvent) => typed;

describe('normalizeAzure(): three forms of one operation', () => {
  it('normalizes the diagnostic record (DESIGN §4.1)', () => {
    expect(typedOf(final.diagnostic as AuditEvent)).toEqual({
      provider: 'azure',
      service: 'Microsoft.Insights',
      operation: 'Microsoft.Insights/diagnosticSettings/delete',
      outcome: 'success',
      actor: {
        id: 'rob@contoso.com',
        type: 'User',
        name: 'Rob Robertson',
        principal: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c',
      },
      sourceIp: '203.0.113.10',
      scope: { kind: 'subscription', id: '12345678-1234-1234-1234-123456789abc' },
      region: 'global',
      resource:
        '/subscriptions/12345678-1234-1234-1234-123456789abc/resourceGroups/myresourcegroup/providers/Microsoft.Storage/storageAccounts/mystorageaccount/providers/Microsoft.Insights/diagnosticSettings/mydiagnostics',
      time: '2024-12-17T10:30:01.5390912Z',
      id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      readOnly: false,
    });
  });

  it.each(['logAnalytics', 'rest'])('gives the %s form the same normalized fields', (form) => {
    // The diagnostic form has no event id (log-formats.md §6.1): only its id is a content hash.
    const { id: diagnosticId, ...expected } = typedOf(final.diagnostic as AuditEvent);
    const { id, ...actual } = typedOf(final[form] as AuditEvent);
    expect(actual).toEqual(expected);
    expect(id).toBe('b1c2d3e4-f5a6-4789-9abc-def012345672');
    expect(diagnosticId).not.toBe(id);
  });

  it.each([
    ['operationName', 'Microsoft.Insights/diagnosticSettings/delete'],
    ['OperationNameValue', 'Microsoft.Insights/diagnosticSettings/delete'],
    ['operationName.value', 'Microsoft.Insights/diagnosticSettings/delete'],
    ['CategoryValue', 'Administrative'],
    ['category.value', 'Administrative'],
    ['ResourceProviderValue', 'Microsoft.Insights'],
    ['resourceProviderName.value', 'Microsoft.Insights'],
    ['ResourceId', (final.rest as AuditEvent).resource],
    ['resourceId', (final.rest as AuditEvent).resource],
    ['properties.entity', (final.rest as AuditEvent).resource],
    ['Properties_d.entity', (final.rest as AuditEvent).resource],
    ['properties.statusCode', 'OK'],
    ['properties.eventCategory', 'Administrative'],
    ['caller', 'rob@contoso.com'],
    ['Caller', 'rob@contoso.com'],
    ['callerIpAddress', '203.0.113.10'],
    ['CallerIpAddress', '203.0.113.10'],
    ['correlationId', 'a1b2c3d4-e5f6-7890-abcd-ef1234567890'],
    ['CorrelationId', 'a1b2c3d4-e5f6-7890-abcd-ef1234567890'],
    ['subscriptionId', '12345678-1234-1234-1234-123456789abc'],
    ['SubscriptionId', '12345678-1234-1234-1234-123456789abc'],
    ['time', '2024-12-17T10:30:01.5390912Z'],
    ['TimeGenerated', '2024-12-17T10:30:01.5390912Z'],
    ['identity.claims.appid', 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c'],
    ['claims.appid', 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c'],
    ['Claims_d.appid', 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c'],
    ['authorization.action', 'Microsoft.Insights/diagnosticSettings/delete'],
    ['identity.authorization.scope', (final.rest as AuditEvent).resource],
  ])('exposes %s alike in every form', (name, value) => {
    const seen = Object.entries(final).map(([form, event]) => [form, event?.fields.get(name)]);
    expect(Object.fromEntries(seen)).toEqual({ diagnostic: [value], logAnalytics: [value], rest: [value] });
  });

  it.each(['resultType', 'ActivityStatusValue', 'status.value'])('exposes the status as %s in every form', (name) => {
    // Each form spells a success its own way (Success, Success, Succeeded); the name resolves in all of them.
    const values = Object.values(final).map((event) => String(event?.fields.get(name)?.[0]).toLowerCase());
    expect(values.map((value) => value.startsWith('succe'))).toEqual([true, true, true]);
  });

  it.each(Object.keys(forms))('marks the %s start record pending, and the reader skips it with a notice', (form) => {
    // Prepare
    const start = forms[form as keyof typeof forms][0];
    // Act
    const event = normalizeAzure(start);
    const items = eventsFromValue(start, `${form}.json`);
    // Assess
    expect(event.outcome).toBe('pending');
    expect(items).toEqual([
      {
        kind: 'notice',
        message:
          'Azure start record skipped (Microsoft.Insights/diagnosticSettings/delete): only final records are matched',
        location: 'document',
      },
    ]);
  });

  it('keeps the Log Analytics row as it arrived while rules see its dynamic columns parsed', () => {
    // Act
    const event = final.logAnalytics as AuditEvent;
    // Assess
    expect(typeof event.raw.Properties_d).toBe('string');
    expect(event.fields.get('Properties_d.hierarchy')).toEqual([
      'aaaabbbb-0000-cccc-1111-dddd2222eeee/12345678-1234-1234-1234-123456789abc',
    ]);
  });
});

describe('normalizeAzure(): single records', () => {
  // azure/panther-analysis/azure_resource_lock_deleted__t3__failed-lock-deletion.json
  const failedLockDelete = {
    time: '2025-01-27T17:00:00.0000000Z',
    resourceId:
      '/subscriptions/12345678-1234-1234-1234-123456789abc/resourceGroups/protected-rg/providers/Microsoft.Authorization/locks/CriticalLock',
    operationName: 'MICROSOFT.AUTHORIZATION/LOCKS/DELETE',
    category: 'Administrative',
    resultType: 'Failed',
    resultSignature: '403',
    callerIpAddress: '198.18.0.50',
    correlationId: 'd4e5f6a7-b8c9-0123-def0-456789012345',
    tenantId: '33333333-3333-3333-3333-333333333333',
  };

  it('reads a failure with its result signature as the error code', () => {
    // Act
    const event = normalizeAzure(failedLockDelete);
    // Assess
    expect([event.outcome, event.errorCode, event.service]).toEqual(['failure', '403', 'MICROSOFT.AUTHORIZATION']);
  });

  it('derives CategoryValue from a diagnostic category that is an Activity Log category', () => {
    expect(normalizeAzure(failedLockDelete).fields.get('CategoryValue')).toEqual(['Administrative']);
    expect(normalizeAzure({ ...failedLockDelete, category: 'Delete' }).fields.get('CategoryValue')).toBeUndefined();
  });

  it('gives the same diagnostic record the same content id, and another record another', () => {
    const [a, b, c] = [failedLockDelete, { ...failedLockDelete }, { ...failedLockDelete, resultType: 'Success' }].map(
      (r) => normalizeAzure(r).id,
    );
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it.each([
    ['Microsoft.Network/networkSecurityGroups/read', true],
    ['MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/READ', true],
    ['Microsoft.Network/networkSecurityGroups/write', false],
  ])('reads %s as readOnly %s', (operationName, expected) => {
    expect(normalizeAzure({ ...failedLockDelete, operationName }).readOnly).toBe(expected);
  });

  it('refuses a record of no Activity Log form', () => {
    const act = () =>
      normalizeAzure({ time: 'x', category: 'Administrative' }, { source: 'hub.json', location: 'records[2]' });
    expect(act).toThrow('hub.json: records[2]: not an Azure Activity Log record (operationName: missing)');
  });

  it('skips a resource log that shares the diagnostic envelope', () => {
    // Prepare
    const keyVault = {
      time: '2024-12-17T10:30:00Z',
      resourceId: '/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/V',
      operationName: 'SecretGet',
      category: 'AuditEvent',
    };
    // Act
    const items = eventsFromValue({ records: [keyVault] }, 'hub.json');
    // Assess
    expect(items).toEqual([
      {
        kind: 'notice',
        message: "Azure resource log 'SecretGet' (AuditEvent) skipped: not an Activity Log record",
        location: 'records[0]',
      },
    ]);
  });
});
