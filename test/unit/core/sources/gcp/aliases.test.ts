import { describe, expect, it } from 'vitest';
import { gcpAliases } from '../../../../../functions/core/sources/gcp/aliases.js';
import { normalizeLogEntry } from '../../../../../functions/core/sources/gcp/normalize.js';
import { fixtureBytes } from '../../formats/read-helpers.js';

// gcp/cloud-custodian/log-create-project-exclusion.json
const event = normalizeLogEntry(JSON.parse(fixtureBytes('gcp/logentry.json').toString('utf8')));

describe('gcpAliases (DESIGN §4.2)', () => {
  it.each([
    ['gcp.audit.method_name', ['google.logging.v2.ConfigServiceV2.CreateExclusion']],
    ['gcp.audit.service_name', ['logging.googleapis.com']],
    ['gcp.audit.resource_name', ['projects/test-project-232910/exclusions/qwerty']],
    ['gcp.audit.authentication_info.principal_email', ['dkhanas@gmail.com']],
    ['gcp.audit.authorization_info.permission', ['logging.exclusions.create']],
    ['gcp.audit.authorization_info.granted', [true]],
    ['gcp.audit.request_metadata.caller_ip', ['217.20.186.33']],
    ['gcp.audit.request.exclusion.filter', ['a']],
    ['gcp.audit.type', ['type.googleapis.com/google.cloud.audit.AuditLog']],
    ['gcp.audit.status.code', undefined],
    ['data.protoPayload.methodName', ['google.logging.v2.ConfigServiceV2.CreateExclusion']],
    ['data.protoPayload.serviceName', ['logging.googleapis.com']],
    ['data.protoPayload.authorizationInfo.permission', ['logging.exclusions.create']],
    ['data.protoPayload.logName', ['projects/test-project-232910/logs/cloudaudit.googleapis.com%2Factivity']],
    ['data.protoPayload.resource.type', ['logging_exclusion']],
    ['data.insertId', ['dlys07d35yz']],
    ['protoPayload.methodName', ['google.logging.v2.ConfigServiceV2.CreateExclusion']],
  ])('resolves %s', (name, expected) => {
    expect(event.fields.get(name)).toEqual(expected);
  });

  it('leaves native names to the record', () => {
    expect([gcpAliases('protoPayload.methodName'), gcpAliases('logName')]).toEqual([undefined, undefined]);
  });

  it('keeps request keys verbatim below gcp.audit.request', () => {
    expect(gcpAliases('gcp.audit.request.sink.writer_identity')).toEqual(['protoPayload.request.sink.writer_identity']);
  });
});
