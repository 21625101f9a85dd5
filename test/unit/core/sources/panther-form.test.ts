import { describe, expect, it } from 'vitest';
import { eventsFromValue } from '../../../../functions/core/formats/read-input.js';
import { restorePantherCloudTrail, restorePantherLogEntry } from '../../../../functions/core/sources/panther-form.js';

// aws/panther-analysis/aws_ipset_modified__t0__createipset-event.json (keys lower-cased by Panther)
const pantherCloudTrail = {
  awsregion: 'us-east-1',
  eventid: 'abc-123',
  eventname: 'CreateIPSet',
  eventsource: 'guardduty.amazonaws.com',
  eventtime: '2022-07-17 04:50:23',
  eventtype: 'AwsApiCall',
  eventversion: '1.08',
  p_event_time: '2022-07-17 04:50:23',
  p_log_type: 'AWS.CloudTrail',
  recipientAccountId: '123456789012',
};

// Shortened from gcp/panther-analysis/gcp_log_bucket_or_sink_deleted__t1__logging-sink-deleted-should-alert.json
const pantherLogEntry = {
  insertid: 'xxxxxxxxxx',
  logname: 'projects/test-project-123456/logs/cloudaudit.googleapis.com%2Factivity',
  protoPayload: {
    at_sign_type: 'type.googleapis.com/google.cloud.audit.AuditLog',
    authenticationInfo: { principalEmail: 'user@domain.com' },
    methodName: 'google.logging.v2.ConfigServiceV2.DeleteSink',
    request: {
      '@type': 'type.googleapis.com/google.logging.v2.DeleteSinkRequest',
      sinkName: 'projects/test-project-123456/sinks/test-1',
    },
    requestMetadata: {
      callerIP: '12.12.12.12',
      requestAttributes: { auth: {}, time: '2023-05-23T19:39:15.230294876Z' },
    },
    resourceName: 'projects/test-project-123456/sinks/test-1',
    serviceName: 'logging.googleapis.com',
    status: {},
  },
  receivetimestamp: '2023-05-23 19:39:15.514',
  resource: { labels: { destination: '', name: 'test-1', project_id: 'test-project-123456' }, type: 'logging_sink' },
  severity: 'NOTICE',
  timestamp: '2023-05-23 19:39:15.213',
};

describe('Panther-normalized rows', () => {
  it('restores a CloudTrail record to CloudTrail keys and times, without touching the input', () => {
    // Prepare
    const before = structuredClone(pantherCloudTrail);
    // Act
    const { record, changes } = restorePantherCloudTrail(pantherCloudTrail);
    // Assess
    expect(record).toMatchObject({
      eventName: 'CreateIPSet',
      eventSource: 'guardduty.amazonaws.com',
      eventID: 'abc-123',
      eventTime: '2022-07-17T04:50:23Z',
    });
    expect(record).not.toHaveProperty('eventname');
    expect(record.p_log_type).toBe('AWS.CloudTrail');
    expect(changes).toContain('eventname→eventName');
    expect(pantherCloudTrail).toEqual(before);
  });

  it('restores a LogEntry: keys, @type at any depth, callerIp and RFC 3339 times', () => {
    // Act
    const { record } = restorePantherLogEntry(pantherLogEntry);
    // Assess
    expect(record).toMatchObject({
      insertId: 'xxxxxxxxxx',
      logName: 'projects/test-project-123456/logs/cloudaudit.googleapis.com%2Factivity',
      receiveTimestamp: '2023-05-23T19:39:15.514Z',
      timestamp: '2023-05-23T19:39:15.213Z',
      protoPayload: {
        '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
        requestMetadata: { callerIp: '12.12.12.12' },
        request: { '@type': 'type.googleapis.com/google.logging.v2.DeleteSinkRequest' },
      },
    });
  });

  it('returns a record in the provider form itself, unchanged and uncopied', () => {
    // Prepare
    const native = {
      eventName: 'StopLogging',
      eventSource: 'cloudtrail.amazonaws.com',
      eventTime: '2024-07-31T13:06:24Z',
    };
    // Act
    const restored = restorePantherCloudTrail(native);
    // Assess
    expect(restored.record).toBe(native);
    expect(restored.changes).toEqual([]);
  });

  it('reads Panther rows as events, with a notice saying what was restored', () => {
    // Act
    const items = [
      ...eventsFromValue(pantherCloudTrail, 'panther.json'),
      ...eventsFromValue(pantherLogEntry, 'panther.json'),
    ];
    // Assess
    expect(
      items.map((item) => (item.kind === 'event' ? `event ${item.event.operation} ${item.event.time}` : item.kind)),
    ).toEqual([
      'notice',
      'event CreateIPSet 2022-07-17T04:50:23Z',
      'notice',
      'event google.logging.v2.ConfigServiceV2.DeleteSink 2023-05-23T19:39:15.213Z',
    ]);
    const gcp = items[3];
    expect(gcp?.kind === 'event' && gcp.event.fields.get('protoPayload.requestMetadata.callerIp')).toEqual([
      '12.12.12.12',
    ]);
  });
});
