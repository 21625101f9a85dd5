import { describe, expect, it } from 'vitest';
import { normalizeCloudTrail } from '../../../../../functions/core/sources/aws/normalize.js';
import { fixtureBytes } from '../../formats/read-helpers.js';

type Json = Record<string, unknown>;
const fixture = (path: string): Json => JSON.parse(fixtureBytes(path).toString('utf8')) as Json;
// aws/stratus-red-team/aws.defense-evasion.cloudtrail-stop.json[0], inside its EventBridge envelope
const stopLogging = fixture('aws/eventbridge-envelope.json').detail as Json;
const { raw: _raw, fields: _fields, ...typed } = normalizeCloudTrail(stopLogging);

describe('normalizeCloudTrail()', () => {
  it('maps a CloudTrail record to the normalized event (DESIGN §4.1)', () => {
    expect(typed).toEqual({
      provider: 'aws',
      service: 'cloudtrail.amazonaws.com',
      operation: 'StopLogging',
      outcome: 'success',
      actor: { id: 'arn:aws:iam::143434273843:user/christophe', type: 'IAMUser', name: 'christophe' },
      sourceIp: '86.245.153.234',
      userAgent: 'stratus-red-team_c97089f1-1ae3-4ecc-b006-f5e8fd0f2571',
      scope: { kind: 'account', id: '143434273843' },
      region: 'apiso-centralnorth-2r',
      resource: 'stratus-red-team-ct-stop-trail-buykxbqejv', // no resources[]: the trail named in the request
      time: '2024-07-31T13:06:24Z',
      id: '10163ed2-2253-469d-a5ee-cbc6651f8934',
      readOnly: false,
    });
  });

  it('keeps the record as raw and lets rules read its own keys, with no aliases', () => {
    // Act
    const event = normalizeCloudTrail(stopLogging);
    // Assess
    expect(event.raw).toBe(stopLogging);
    expect(event.fields.get('requestParameters.name')).toEqual(['stratus-red-team-ct-stop-trail-buykxbqejv']);
    expect(event.fields.get('userIdentity.type')).toEqual(['IAMUser']);
    expect(event.fields.get('errorCode')).toBeUndefined();
    expect(event.fields.get('responseElements')).toEqual([null]);
  });

  it.each([
    {
      why: 'an assumed role: the session name, and the role behind it',
      identity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::101010101111:assumed-role/Sandbox_Dev/user',
        accountId: '101010101111',
        sessionContext: {
          sessionIssuer: { arn: 'arn:aws:iam::101010101111:role/Sandbox_Dev', userName: 'Sandbox_Dev' },
        },
      },
      actor: {
        id: 'arn:aws:sts::101010101111:assumed-role/Sandbox_Dev/user',
        type: 'AssumedRole',
        name: 'user',
        principal: 'arn:aws:iam::101010101111:role/Sandbox_Dev',
      },
    },
    {
      why: 'the root user',
      identity: { type: 'Root', arn: 'arn:aws:iam::619193117841:root', accountId: '619193117841' },
      actor: { id: 'arn:aws:iam::619193117841:root', type: 'Root', name: 'root' },
    },
    {
      why: 'an AWS service',
      identity: { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' },
      actor: { id: 'cloudtrail.amazonaws.com', type: 'AWSService', name: 'cloudtrail.amazonaws.com' },
    },
    { why: 'no identity at all', identity: undefined, actor: { id: 'unknown', type: 'Unknown', name: 'unknown' } },
  ])('names the actor of $why', ({ identity, actor }) => {
    // Act
    const event = normalizeCloudTrail({ ...stopLogging, userIdentity: identity });
    // Assess
    expect(event.actor).toEqual(actor);
  });

  it('counts a call with an errorCode as a failure and keeps the code', () => {
    // Act
    const event = normalizeCloudTrail({
      ...stopLogging,
      errorCode: 'TrailNotFoundException',
      errorMessage: 'Unknown trail',
    });
    // Assess
    expect([event.outcome, event.errorCode]).toEqual(['failure', 'TrailNotFoundException']);
  });

  it.each([
    { eventName: 'StopLogging', readOnly: undefined, expected: false },
    { eventName: 'DescribeTrails', readOnly: undefined, expected: true },
    { eventName: 'GetTrailStatus', readOnly: undefined, expected: true },
    { eventName: 'ListTrails', readOnly: undefined, expected: true },
    { eventName: 'LookupEvents', readOnly: undefined, expected: true },
    { eventName: 'Getaway', readOnly: undefined, expected: false },
    { eventName: 'DescribeTrails', readOnly: false, expected: false },
    { eventName: 'StopLogging', readOnly: true, expected: true },
    { eventName: 'StopLogging', readOnly: 'true', expected: true },
  ])('reads $eventName with readOnly $readOnly as readOnly $expected', ({ eventName, readOnly, expected }) => {
    // Act
    const event = normalizeCloudTrail({ ...stopLogging, eventName, readOnly });
    // Assess
    expect(event.readOnly).toBe(expected);
  });

  it('identifies an UPDATED_DATA record by the event it replaces (DESIGN §1.4)', () => {
    // Prepare
    const addendum = { reason: 'UPDATED_DATA', updatedFields: 'requestParameters', originalEventID: 'original-id' };
    // Act
    const updated = normalizeCloudTrail({ ...stopLogging, addendum });
    const delayed = normalizeCloudTrail({ ...stopLogging, addendum: { reason: 'DELIVERY_DELAY' } });
    // Assess
    expect([updated.id, delayed.id]).toEqual(['original-id', stopLogging.eventID]);
  });

  it('gives a record without eventID a content id that ignores key order', () => {
    // Prepare
    const { eventID: _, ...withoutId } = stopLogging;
    const reordered = Object.fromEntries(Object.entries(withoutId).reverse());
    // Act
    const ids = [normalizeCloudTrail(withoutId).id, normalizeCloudTrail(reordered).id];
    // Assess
    expect(ids[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(ids[1]).toBe(ids[0]);
  });

  it('uses the first resource ARN and falls back to the caller account for the scope', () => {
    // Prepare
    const { recipientAccountId: _, ...record } = stopLogging;
    // Act
    const event = normalizeCloudTrail({
      ...record,
      resources: [{ type: 'AWS::CloudTrail::Trail' }, { ARN: 'arn:aws:cloudtrail:us-east-1:1:trail/t' }],
    });
    // Assess
    expect([event.resource, event.scope]).toEqual([
      'arn:aws:cloudtrail:us-east-1:1:trail/t',
      { kind: 'account', id: '143434273843' },
    ]);
  });

  it.each([
    {
      source: 'iam.amazonaws.com',
      operation: 'PutRolePolicy',
      request: {
        roleName: 'tamperwatch-prod-detector-IngestFunctionServiceRole5B2D7F9A-1C3E5B7D9F1A',
        policyName: 'maintenance',
        policyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}',
      },
      resource: 'tamperwatch-prod-detector-IngestFunctionServiceRole5B2D7F9A-1C3E5B7D9F1A',
    },
    {
      source: 'cloudformation.amazonaws.com',
      operation: 'DeleteStack',
      request: { stackName: 'tamperwatch-prod-detector' },
      resource: 'tamperwatch-prod-detector',
    },
    {
      source: 'cloudformation.amazonaws.com',
      operation: 'DeleteStackSet',
      request: { stackSetName: 'tamperwatch-prod-forwarder', callAs: 'DELEGATED_ADMIN' },
      resource: 'tamperwatch-prod-forwarder',
    },
    {
      source: 'lambda.amazonaws.com',
      operation: 'UpdateFunctionConfiguration20150331v2',
      request: { functionName: 'tamperwatch-prod-ingest', timeout: 1 },
      resource: 'tamperwatch-prod-ingest',
    },
    {
      source: 'lambda.amazonaws.com',
      operation: 'AddPermission20150331v2',
      request: {
        functionName: 'tamperwatch-prod-ingest',
        statementId: 'invoke',
        action: 'lambda:InvokeFunction',
        principal: 'events.amazonaws.com',
        sourceArn: 'arn:aws:events:eu-central-1:444455556666:rule/other',
      },
      resource: 'tamperwatch-prod-ingest',
    },
    {
      source: 'sqs.amazonaws.com',
      operation: 'SetQueueAttributes',
      request: {
        queueUrl: 'https://sqs.eu-central-1.amazonaws.com/444455556666/tamperwatch-prod-ingest',
        attributes: { VisibilityTimeout: '180' },
      },
      resource: 'https://sqs.eu-central-1.amazonaws.com/444455556666/tamperwatch-prod-ingest',
    },
    {
      source: 'dynamodb.amazonaws.com',
      operation: 'UpdateTimeToLive',
      request: {
        tableName: 'tamperwatch-prod-state',
        timeToLiveSpecification: { enabled: false, attributeName: 'expiresAt' },
      },
      resource: 'tamperwatch-prod-state',
    },
    {
      source: 'dynamodb.amazonaws.com',
      operation: 'DeleteTable',
      request: { tableName: 'tamperwatch-prod-state' },
      resource: 'tamperwatch-prod-state',
    },
    {
      source: 'events.amazonaws.com',
      operation: 'PutTargets',
      request: {
        rule: 'tamperwatch-prod-ingest-0',
        eventBusName: 'default',
        targets: [{ id: 'Target0', arn: 'arn:aws:sqs:eu-central-1:444455556666:attacker' }],
      },
      resource: 'tamperwatch-prod-ingest-0',
    },
    {
      source: 'sns.amazonaws.com',
      operation: 'Subscribe',
      request: {
        topicArn: 'arn:aws:sns:eu-central-1:444455556666:tamperwatch-prod-findings',
        protocol: 'https',
        endpoint: 'https://attacker.example/hook',
      },
      resource: 'arn:aws:sns:eu-central-1:444455556666:tamperwatch-prod-findings',
    },
  ])('names the target of $operation from its request', ({ source, operation, request, resource }) => {
    // Act
    const event = normalizeCloudTrail({
      ...stopLogging,
      eventSource: source,
      eventName: operation,
      requestParameters: request,
    });
    // Assess
    expect(event.resource).toBe(resource);
  });

  it.each([
    {
      why: 'an event source mapping over the function it re-points to',
      request: { uUID: '6d9bce8e-836b-442c-8070-74e77903c815', functionName: 'attacker-sink', enabled: true },
      resource: '6d9bce8e-836b-442c-8070-74e77903c815',
    },
    {
      why: 'a role over its inline policy',
      request: { roleName: 'tamperwatch-prod-canary-role', policyName: 'maintenance' },
      resource: 'tamperwatch-prod-canary-role',
    },
    {
      why: 'the delegated administrator account over the service it administered',
      request: { accountId: '444455556666', servicePrincipal: 'securityhub.amazonaws.com' },
      resource: '444455556666',
    },
  ])('prefers $why, in either key order', ({ request, resource }) => {
    // Prepare
    const reversed = Object.fromEntries(Object.entries(request).reverse());
    // Act
    const found = [request, reversed].map(
      (requestParameters) => normalizeCloudTrail({ ...stopLogging, requestParameters }).resource,
    );
    // Assess
    expect(found).toEqual([resource, resource]);
  });

  it.each([
    { record: { eventSource: 'cloudtrail.amazonaws.com' }, reason: 'not a CloudTrail record (eventName: missing)' },
    {
      record: { ...stopLogging, eventName: 7 },
      reason: 'not a CloudTrail record (eventName: expected string, got number)',
    },
    { record: [stopLogging], reason: 'not a CloudTrail record (got array)' },
  ])('refuses a wrong shape with $reason', ({ record, reason }) => {
    // Act
    const act = () => normalizeCloudTrail(record, { source: 'trail.json', location: 'Records[3]' });
    // Assess
    expect(act).toThrow(`trail.json: Records[3]: ${reason}`);
  });
});
