import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { eventsFromValue } from '../../../../functions/core/formats/read-input.js';
import { describeItems, fixtureBytes } from './read-helpers.js';

type Json = Record<string, unknown>;
const envelope = JSON.parse(fixtureBytes('aws/eventbridge-envelope.json').toString('utf8')) as Json;
const record = envelope.detail as Json;
const read = (value: unknown): string[] => describeItems(eventsFromValue(value, 'in.json'));

describe('Envelopes and their failures', () => {
  it('unwraps an SNS notification and SNS and Kinesis Lambda records', () => {
    // Prepare
    const cwl = {
      messageType: 'DATA_MESSAGE',
      logEvents: [{ id: '1', timestamp: 1, message: JSON.stringify(record) }],
    };
    const kinesisData = gzipSync(Buffer.from(JSON.stringify(cwl))).toString('base64');
    // Act
    const items = [
      ...read({
        Type: 'Notification',
        MessageId: 'm',
        TopicArn: 'arn:aws:sns:us-east-1:1:t',
        Message: JSON.stringify(envelope),
      }),
      ...read({ Records: [{ EventSource: 'aws:sns', Sns: { Message: JSON.stringify(record) } }] }),
      ...read({ Records: [{ eventSource: 'aws:kinesis', kinesis: { data: kinesisData } }] }),
    ];
    // Assess
    expect(items).toEqual([
      'event Message.detail StopLogging',
      'event Records[0].Sns.Message StopLogging',
      'event Records[0].kinesis.data.logEvents[0].message StopLogging',
    ]);
  });

  it('skips with a notice what holds no audit record: S3 notifications and other EventBridge events', () => {
    // Act
    const items = eventsFromValue(
      [
        {
          Records: [
            {
              eventVersion: '2.1',
              eventSource: 'aws:s3',
              eventName: 'ObjectCreated:Put',
              s3: { bucket: { name: 'b' }, object: { key: 'k.json.gz' } },
            },
          ],
        },
        { ...envelope, 'detail-type': 'GuardDuty Finding', source: 'aws.guardduty', detail: { severity: 8 } },
      ],
      'in.json',
    );
    // Assess
    expect(items.map((item) => (item.kind === 'notice' ? item.message : item.kind))).toEqual([
      'S3 event notification for s3://b/k.json.gz skipped: it names a log file but holds no audit record',
      "EventBridge event 'GuardDuty Finding' from aws.guardduty skipped: not a CloudTrail record",
    ]);
  });

  it.each([
    {
      why: 'an SQS body that is not JSON',
      value: { Records: [{ eventSource: 'aws:sqs', messageId: 'm', body: 'hello' }] },
      error: /^error in\.json: Records\[0\]\.body: invalid JSON/,
    },
    {
      why: 'awslogs.data that is not base64',
      value: { awslogs: { data: '%%%' } },
      error: /^error in\.json: awslogs\.data: not base64 text$/,
    },
    {
      why: 'awslogs.data with a truncated gzip',
      value: { awslogs: { data: gzipSync(Buffer.from('{}')).subarray(0, 12).toString('base64') } },
      error: /^error in\.json: awslogs\.data: truncated or corrupt gzip/,
    },
    {
      why: 'a LookupEvents entry without CloudTrailEvent',
      value: { Events: [{ EventId: 'x' }] },
      error: /^error in\.json: Events\[0\]\.CloudTrailEvent: LookupEvents entry without CloudTrailEvent$/,
    },
    {
      why: 'a Pub/Sub message whose data is no LogEntry',
      value: { message: { data: Buffer.from('{"a":1}').toString('base64'), messageId: '1' } },
      error: /^error in\.json: message\.data: unknown record format \(keys: a\)$/,
    },
    {
      why: 'a query table without columns',
      value: { tables: [{ name: 'PrimaryResult', rows: [] }] },
      error: /^error in\.json: tables\[0\]: query result table without columns and rows$/,
    },
    {
      why: 'a query row of the wrong width',
      value: { tables: [{ columns: [{ name: 'A' }], rows: [[1, 2]] }] },
      error: /^error in\.json: tables\[0\]\.rows\[0\]: row does not match the 1 columns$/,
    },
    {
      why: 'containers nested without end',
      value: [[[[[[[[[[record]]]]]]]]]],
      error: /^error in\.json: (\[0\]){9}: containers nested more than 8 deep$/,
    },
  ])('reports $why at its place', ({ value, error }) => {
    expect(read(value)).toEqual([expect.stringMatching(error)]);
  });

  it('reads a Pub/Sub pull result', () => {
    // Prepare
    const entry = fixtureBytes('gcp/logentry.json').toString('base64');
    // Act
    const items = read({ receivedMessages: [{ ackId: 'a', message: { data: entry, messageId: '1' } }] });
    // Assess
    expect(items).toEqual(['event receivedMessages[0].message.data google.logging.v2.ConfigServiceV2.CreateExclusion']);
  });
});
