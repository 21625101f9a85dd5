import { normalizeCloudTrail } from '../sources/aws/normalize.js';
import { restorePantherCloudTrail } from '../sources/panther-form.js';
import { isObject, type JsonObject, textAt } from '../sources/read-path.js';
import { parseEmbeddedJson } from './embedded.js';
import {
  errorItem,
  eventItem,
  failure,
  type InputItem,
  notice,
  placeOf,
  type WalkContext,
  walkNested,
} from './items.js';
import { embeddedJson, embeddedPayload, type Handler } from './nested.js';
import { childPlace, type Place } from './place.js';

/** CloudTrail's eventSource is a host name; Lambda event records use `aws:<service>`. */
const isCloudTrailRecord = (value: JsonObject): boolean => {
  const source = value.eventSource ?? value.eventsource;
  return (
    typeof source === 'string' && !source.startsWith('aws:') && typeof (value.eventName ?? value.eventname) === 'string'
  );
};

const cloudTrailItems = (record: unknown, ctx: WalkContext, place: Place): InputItem[] => {
  if (!isObject(record)) return [eventItem((at) => normalizeCloudTrail(record, at), ctx, place)];
  const restored = restorePantherCloudTrail(record);
  // Restored once here, not again in the normalizer (the check was 5 % of the engine's time in test/bench).
  const item = eventItem((at) => normalizeCloudTrail(restored.record, at, { restored: true }), ctx, place);
  if (restored.changes.length === 0) return [item];
  return [
    notice(`Panther-normalized CloudTrail record, read as CloudTrail (${restored.changes.join(', ')})`, place),
    item,
  ];
};

/** One element of a `Records` array: a CloudTrail record, or a Lambda event record from SQS, SNS, Kinesis or S3. */
function* recordsElement(element: unknown, ctx: WalkContext, place: Place): Generator<InputItem> {
  const source = isObject(element) ? (element.eventSource ?? element.EventSource) : undefined;
  if (!isObject(element) || typeof source !== 'string' || !source.startsWith('aws:')) {
    yield* cloudTrailItems(element, ctx, place);
  } else if (source === 'aws:sqs') {
    yield* embeddedJson(element.body, ctx, childPlace(place, 'body'));
  } else if (source === 'aws:sns') {
    yield* embeddedJson(textAt(element, 'Sns', 'Message'), ctx, childPlace(childPlace(place, 'Sns'), 'Message'));
  } else if (source === 'aws:kinesis' && typeof textAt(element, 'kinesis', 'data') === 'string') {
    yield* embeddedPayload(
      textAt(element, 'kinesis', 'data') ?? '',
      ctx,
      childPlace(childPlace(place, 'kinesis'), 'data'),
    );
  } else if (source === 'aws:s3') {
    const key = `${textAt(element, 's3', 'bucket', 'name') ?? '?'}/${textAt(element, 's3', 'object', 'key') ?? '?'}`;
    yield notice(`S3 event notification for s3://${key} skipped: it names a log file but holds no audit record`, place);
  } else {
    yield failure(`Lambda event record from ${source} holds no audit record`, ctx, place);
  }
}

function* records(value: JsonObject, ctx: WalkContext, place: Place): Generator<InputItem> {
  const list = value.Records as readonly unknown[];
  for (const [index, element] of list.entries())
    yield* recordsElement(element, ctx, childPlace(place, `Records[${index}]`));
}

function* eventBridge(value: JsonObject, ctx: WalkContext, place: Place): Generator<InputItem> {
  const detail = value.detail;
  if (isObject(detail) && isCloudTrailRecord(detail)) {
    yield* cloudTrailItems(detail, ctx, childPlace(place, 'detail'));
    return;
  }
  const type = String(value['detail-type']);
  yield notice(`EventBridge event '${type}' from ${String(value.source)} skipped: not a CloudTrail record`, place);
}

function* cloudWatchLogs(value: JsonObject, ctx: WalkContext, place: Place): Generator<InputItem> {
  if (value.messageType === 'CONTROL_MESSAGE') {
    yield notice('CloudWatch Logs CONTROL_MESSAGE skipped (destination reachability check)', place);
    return;
  }
  const events = value.logEvents as readonly unknown[];
  for (const [index, logEvent] of events.entries()) {
    const at = childPlace(place, `logEvents[${index}]`);
    yield* embeddedJson(isObject(logEvent) ? logEvent.message : undefined, ctx, childPlace(at, 'message'));
  }
}

function* lookupEvents(value: JsonObject, ctx: WalkContext, place: Place): Generator<InputItem> {
  const events = value.Events as readonly unknown[];
  for (const [index, entry] of events.entries()) {
    const at = childPlace(childPlace(place, `Events[${index}]`), 'CloudTrailEvent');
    const text = isObject(entry) ? entry.CloudTrailEvent : undefined;
    if (typeof text !== 'string') {
      yield failure('LookupEvents entry without CloudTrailEvent', ctx, at);
      continue;
    }
    let record: unknown;
    try {
      record = parseEmbeddedJson(text, placeOf(ctx, at));
    } catch (error) {
      yield errorItem(error, ctx, at);
      continue;
    }
    yield* cloudTrailItems(record, ctx, at);
  }
}

function* sqsMessages(value: JsonObject, ctx: WalkContext, place: Place): Generator<InputItem> {
  const list = value.Messages as readonly unknown[];
  for (const [index, message] of list.entries())
    yield* walkNested(message, ctx, childPlace(place, `Messages[${index}]`));
}

const bodyKey = (value: JsonObject): 'body' | 'Body' => (typeof value.body === 'string' ? 'body' : 'Body');

/** DESIGN §8, AWS rows, most specific first. */
const awsHandlers: readonly Handler[] = [
  {
    name: 'CloudTrail digest file',
    accepts: (v) =>
      typeof v.digestStartTime === 'string' && ('digestS3Object' in v || 'logFiles' in v || 'digestEndTime' in v),
    *read(_, __, place) {
      yield notice('CloudTrail digest file skipped (integrity digest, holds no events)', place);
    },
  },
  { name: 'CloudTrail log file or Lambda event', accepts: (v) => Array.isArray(v.Records), read: records },
  {
    name: 'EventBridge event',
    accepts: (v) => typeof v['detail-type'] === 'string' && 'detail' in v,
    read: eventBridge,
  },
  {
    name: 'CloudWatch Logs subscription (encoded)',
    accepts: (v) => typeof textAt(v, 'awslogs', 'data') === 'string',
    read: (v, ctx, place) =>
      embeddedPayload(textAt(v, 'awslogs', 'data') ?? '', ctx, childPlace(childPlace(place, 'awslogs'), 'data')),
  },
  {
    name: 'CloudWatch Logs subscription',
    accepts: (v) => typeof v.messageType === 'string' && Array.isArray(v.logEvents),
    read: cloudWatchLogs,
  },
  { name: 'CloudTrail LookupEvents result', accepts: (v) => Array.isArray(v.Events), read: lookupEvents },
  { name: 'SQS ReceiveMessage result', accepts: (v) => Array.isArray(v.Messages), read: sqsMessages },
  {
    name: 'SQS message',
    accepts: (v) =>
      typeof (v.body ?? v.Body) === 'string' &&
      ['messageId', 'MessageId', 'receiptHandle', 'ReceiptHandle'].some((k) => k in v),
    read: (v, ctx, place) => embeddedJson(v[bodyKey(v)], ctx, childPlace(place, bodyKey(v))),
  },
  {
    name: 'SNS notification',
    accepts: (v) => v.Type === 'Notification' && typeof v.Message === 'string',
    read: (v, ctx, place) => embeddedJson(v.Message, ctx, childPlace(place, 'Message')),
  },
  { name: 'CloudTrail record', accepts: isCloudTrailRecord, read: cloudTrailItems },
];

export { awsHandlers };
