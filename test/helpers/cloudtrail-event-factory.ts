import type { SQSEvent, SQSRecord } from 'aws-lambda';

type CloudTrailOverrides = {
  readonly eventID?: string;
  readonly eventName?: string;
  readonly eventSource?: string;
  readonly eventTime?: string;
  readonly errorCode?: string;
  readonly actor?: string;
  readonly trailName?: string;
};

/** A complete CloudTrail management record (StopLogging by an assumed role), as EventBridge puts it in `detail`. */
const cloudTrailRecord = (overrides: CloudTrailOverrides = {}): Record<string, unknown> => {
  const actor = overrides.actor ?? 'alice';
  const trail = overrides.trailName ?? 'org-trail';
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLEROLEID:${actor}`,
      arn: `arn:aws:sts::111122223333:assumed-role/Admin/${actor}`,
      accountId: '111122223333',
      accessKeyId: 'ASIAEXAMPLEKEYID',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLEROLEID',
          arn: 'arn:aws:iam::111122223333:role/Admin',
          accountId: '111122223333',
          userName: 'Admin',
        },
        attributes: { creationDate: '2026-11-24T09:58:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: overrides.eventTime ?? '2026-11-24T10:02:11Z',
    eventSource: overrides.eventSource ?? 'cloudtrail.amazonaws.com',
    eventName: overrides.eventName ?? 'StopLogging',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 botocore/2.4.5',
    requestParameters: { name: `arn:aws:cloudtrail:eu-west-1:111122223333:trail/${trail}` },
    responseElements: null,
    ...(overrides.errorCode === undefined ? {} : { errorCode: overrides.errorCode, errorMessage: 'denied' }),
    requestID: 'd4c2a7b0-7f7e-4a59-9c1c-5f0e7c1b2a3d',
    eventID: overrides.eventID ?? 'b0f4c1d2-1111-4222-8333-444455556666',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
  };
};

/** The EventBridge envelope ("AWS API Call via CloudTrail") that the ingest rule delivers to SQS. */
const eventBridgeEnvelope = (record: Record<string, unknown>): Record<string, unknown> => ({
  version: '0',
  id: `eb-${String(record.eventID)}`,
  'detail-type': 'AWS API Call via CloudTrail',
  source: `aws.${String(record.eventSource).split('.')[0]}`,
  account: '111122223333',
  time: record.eventTime,
  region: 'eu-west-1',
  resources: [],
  detail: record,
});

/** One SQS record as Lambda's event source mapping hands it over. */
const sqsRecordFactory = (body: string, messageId = 'm-1', receiveCount = 1): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: '1795514531000',
    SenderId: 'AIDAEXAMPLE',
    ApproximateFirstReceiveTimestamp: '1795514532000',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:111122223333:tamperwatch-prod-ingest',
  awsRegion: 'eu-west-1',
});

const sqsEventOf = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

export { cloudTrailRecord, eventBridgeEnvelope, sqsEventOf, sqsRecordFactory };
