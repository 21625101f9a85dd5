import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { eventsFromValue } from '../../../../functions/core/formats/read-input.js';
import { chunksOf, describeItems, eventsOf, fixtureBytes, readAll, readBytes } from './read-helpers.js';

// One fixture per container form of DESIGN §8 (test/fixtures/inputs/README.md names the corpus records inside).
const logging = 'google.logging.v2.ConfigServiceV2';
const diagnosticDelete = 'Microsoft.Insights/diagnosticSettings/delete';
const forms = [
  {
    file: 'aws/cloudtrail-s3-delivery.json.gz',
    expected: ['event Records[0] StopLogging', 'event Records[1] DeleteTrail'],
  },
  { file: 'aws/eventbridge-envelope.json', expected: ['event detail StopLogging'] },
  { file: 'aws/sqs-lambda-event.json', expected: ['event Records[0].body.detail StopLogging'] },
  { file: 'aws/sqs-message.json', expected: ['event Body.detail StopLogging'] },
  { file: 'aws/bare-record.json', expected: ['event document DeleteTrail'] },
  {
    file: 'aws/records-array.json',
    expected: ['event [0] AssumeRole', 'event [1] LeaveOrganization', 'event [2] AssumeRole'],
  },
  {
    file: 'aws/records.ndjson',
    expected: ['line 1', 'line 2', 'line 3', 'line 5', 'line 6'].map(
      (line, i) => `event ${line} ${['AssumeRole', 'AssumeRole', 'GetUser', 'DescribeImages', 'DescribeVpcs'][i]}`,
    ),
  },
  {
    file: 'aws/cwl-subscription-decoded.json',
    expected: ['event logEvents[0].message StopLogging', 'event logEvents[1].message DeleteTrail'],
  },
  {
    file: 'aws/cwl-subscription-encoded.json',
    expected: [
      'event awslogs.data.logEvents[0].message StopLogging',
      'event awslogs.data.logEvents[1].message DeleteTrail',
    ],
  },
  { file: 'aws/cwl-control-message.json', expected: ['notice document'] },
  {
    file: 'aws/lookup-events.json',
    expected: ['event Events[0].CloudTrailEvent StopLogging', 'event Events[1].CloudTrailEvent DeleteTrail'],
  },
  { file: 'aws/cloudtrail-digest.json', expected: ['notice document'] },
  { file: 'gcp/logentry.json', expected: [`event document ${logging}.CreateExclusion`] },
  {
    file: 'gcp/gcloud-array.json',
    expected: [`event [0] ${logging}.CreateSink`, `event [1] ${logging}.CreateExclusion`],
  },
  {
    file: 'gcp/entries-list-page.json',
    expected: [`event entries[0] ${logging}.CreateSink`, `event entries[1] ${logging}.CreateExclusion`],
  },
  { file: 'gcp/pubsub-push.json', expected: [`event message.data ${logging}.CreateExclusion`] },
  {
    file: 'gcp/operation-first-last.ndjson',
    expected: ['event line 1 v1.compute.routes.insert', 'event line 2 v1.compute.routes.insert'],
  },
  { file: 'azure/diagnostic-records.json', expected: ['notice records[0]', `event records[1] ${diagnosticDelete}`] },
  { file: 'azure/log-analytics-rows.json', expected: ['notice [0]', `event [1] ${diagnosticDelete}`] },
  {
    file: 'azure/log-analytics-query.json',
    expected: ['notice tables[0].rows[0]', `event tables[0].rows[1] ${diagnosticDelete}`],
  },
  { file: 'azure/rest-list.json', expected: ['notice value[0]', `event value[1] ${diagnosticDelete}`] },
];

describe('Container forms (DESIGN §8)', () => {
  it.each(forms)('reads $file', async ({ file, expected }) => {
    // Prepare
    const bytes = fixtureBytes(file);
    // Act
    const items = await readBytes(bytes, file);
    // Assess
    expect(describeItems(items)).toEqual(expected);
  });

  it.each(forms)('reads $file the same in 7-byte chunks', async ({ file, expected }) => {
    // Act
    const items = await readAll(chunksOf(fixtureBytes(file), 7), file);
    // Assess
    expect(describeItems(items)).toEqual(expected);
  });

  it.each(forms.filter(({ file }) => file.endsWith('.json')))(
    'reads $file the same from a parsed value',
    ({ file, expected }) => {
      // Act
      const items = eventsFromValue(JSON.parse(fixtureBytes(file).toString('utf8')), file);
      // Assess
      expect(describeItems(items)).toEqual(expected);
    },
  );

  it('unwraps every envelope: the event is the CloudTrail record and its id is detail.eventID', async () => {
    // Prepare
    const detail = JSON.parse(fixtureBytes('aws/eventbridge-envelope.json').toString('utf8')).detail;
    // Act
    const wrapped = await Promise.all(
      [
        'aws/eventbridge-envelope.json',
        'aws/sqs-lambda-event.json',
        'aws/sqs-message.json',
        'aws/cwl-subscription-encoded.json',
      ].map(async (file) => eventsOf(await readBytes(fixtureBytes(file), file))[0]),
    );
    // Assess
    for (const event of wrapped) {
      expect(event?.raw).toEqual(detail);
      expect(event?.id).toBe('10163ed2-2253-469d-a5ee-cbc6651f8934');
    }
  });

  it('gives the first and last entries of one GCP operation one event id', async () => {
    // Act
    const events = eventsOf(await readBytes(fixtureBytes('gcp/operation-first-last.ndjson')));
    // Assess
    expect(events.map((event) => event.id)).toEqual([
      'operation-1556958683449-5880bb141c88c-cd1b716b-9497c2ea',
      'operation-1556958683449-5880bb141c88c-cd1b716b-9497c2ea',
    ]);
  });

  it('recognizes gzip by magic bytes, not by name', async () => {
    // Prepare
    const plain = gunzipSync(fixtureBytes('aws/cloudtrail-s3-delivery.json.gz'));
    // Act
    const zipped = await readBytes(fixtureBytes('aws/cloudtrail-s3-delivery.json.gz'), 'no-extension');
    const unzipped = await readBytes(plain, 'trail.json.gz');
    // Assess
    expect(describeItems(zipped)).toEqual(describeItems(unzipped));
  });

  it('names what it skipped', async () => {
    // Act
    const items = [
      ...(await readBytes(fixtureBytes('aws/cloudtrail-digest.json'))),
      ...(await readBytes(fixtureBytes('aws/cwl-control-message.json'))),
      ...(await readBytes(fixtureBytes('azure/rest-list.json'))),
    ];
    // Assess
    expect(items.flatMap((item) => (item.kind === 'notice' ? [item.message] : []))).toEqual([
      'CloudTrail digest file skipped (integrity digest, holds no events)',
      'CloudWatch Logs CONTROL_MESSAGE skipped (destination reachability check)',
      `Azure start record skipped (${diagnosticDelete}): only final records are matched`,
    ]);
  });
});
