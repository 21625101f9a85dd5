import type { Finding } from './types.js';

/** SNS counts the body and the message attributes (names, types, values) against 262,144 bytes (256 KiB). */
const maxMessageBytes = 262_144;
/** SNS wants fewer than 100 characters in `Subject`. */
const maxSubjectLength = 99;

/** Delivery facts added to the finding on the way out (they are not part of the finding's identity). */
type Delivery = {
  /** When the detector received the record carrying the event. */
  readonly receivedAt: Date;
  /** When the message was handed to SNS. */
  readonly publishedAt: Date;
  /** Repeats of this rule and scope since the last alert: "N more since <since>". */
  readonly repeats?: { readonly count: number; readonly since: string };
  /** Remarks for the responder, e.g. a suppression that would have applied but has expired. */
  readonly notes?: readonly string[];
};

/** One SNS message, SDK-free: the notifier maps it to a `PublishBatch` entry. All attributes are `String`. */
type SnsMessage = {
  readonly subject: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
};

const utf8 = new TextEncoder();
const byteLength = (text: string): number => utf8.encode(text).length;

/** Bytes SNS counts for a message: body, subject and every attribute's name, type and value. */
const messageBytes = (message: SnsMessage): number =>
  byteLength(message.body) +
  byteLength(message.subject) +
  Object.entries(message.attributes).reduce(
    (sum, [name, value]) => sum + byteLength(name) + 'String'.length + byteLength(value),
    0,
  );

/** Printable ASCII only, one line: accents are folded, anything else becomes `?`, whitespace runs collapse. */
const toPrintableAscii = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();

const cut = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 3).trimEnd()}...`;

/** `[HIGH] aws 111122223333: AWS CloudTrail Logging Stopped`, ≤ 99 printable ASCII characters. */
const subjectOf = (finding: Finding): string => {
  const scope = finding.target.account === '' ? finding.provider : `${finding.provider} ${finding.target.account}`;
  return cut(toPrintableAscii(`[${finding.severity.toUpperCase()}] ${scope}: ${finding.rule.title}`), maxSubjectLength);
};

/** The String attributes subscribers filter on (8 of the 10 an SQS raw-delivery subscription accepts). */
const attributesOf = (finding: Finding): Record<string, string> => {
  const technique = finding.attack.techniques[0];
  const candidates: Record<string, string | undefined> = {
    severity: finding.severity,
    rule: finding.rule.id,
    provider: finding.provider,
    technique: technique?.id,
    technique_legacy: technique?.legacyId,
    account: finding.target.account,
    outcome: finding.event.outcome,
    kind: finding.kind,
  };
  // SNS refuses empty attribute values: an attribute without a value is left out rather than sent blank.
  return Object.fromEntries(
    Object.entries(candidates).filter((entry): entry is [string, string] => (entry[1] ?? '') !== ''),
  );
};

/** One line for a person: severity, title, the finding summary and the repeat count. */
const alertOf = (finding: Finding, delivery: Delivery): string => {
  const repeats =
    delivery.repeats === undefined ? '' : ` (${delivery.repeats.count} more since ${delivery.repeats.since})`;
  return `[${finding.severity.toUpperCase()}] ${finding.rule.title}: ${finding.summary}${repeats}`;
};

/** Keys of an AWS, GCP or Azure record that identify the call; kept whole when `raw` must shrink. */
const identityKeys = new Set([
  ...['eventVersion', 'eventTime', 'eventSource', 'eventName', 'eventID', 'eventType', 'eventCategory', 'awsRegion'],
  ...['sourceIPAddress', 'userAgent', 'userIdentity', 'errorCode', 'errorMessage', 'requestID', 'recipientAccountId'],
  ...[
    'readOnly',
    'managementEvent',
    'sharedEventID',
    'insertId',
    'logName',
    'timestamp',
    'receiveTimestamp',
    'resource',
  ],
  ...['severity', 'operation', 'time', 'resourceId', 'operationName', 'category', 'resultType', 'callerIpAddress'],
  ...['correlationId', 'identity', 'level', 'location'],
]);

const truncatedMarker = (bytes: number): string => `[truncated: ${bytes} bytes]`;

/** Replaces every subtree larger than `budget` bytes of JSON with a marker, keeping the structure above it. */
const shrink = (value: unknown, budget: number): unknown => {
  const size = byteLength(JSON.stringify(value) ?? '');
  if (size <= budget) return value;
  if (Array.isArray(value)) return value.length === 0 ? value : truncatedMarker(size);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return Object.fromEntries(entries.map(([key, child]) => [key, shrink(child, budget / 4)]));
  }
  return typeof value === 'string' ? `${value.slice(0, Math.max(0, Math.floor(budget / 2)))}...` : value;
};

/** A small excerpt of the raw record: the identifying keys (each cut if huge), bulky subtrees replaced by markers. */
const excerptOf = (raw: unknown, budget: number): unknown => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return shrink(raw, budget);
  const entries = Object.entries(raw as Record<string, unknown>);
  const kept = entries.map(([key, value]) => [
    key,
    identityKeys.has(key) ? shrink(value, budget / 4) : shrink(value, 1_024),
  ]);
  const excerpt = Object.fromEntries(kept);
  if (byteLength(JSON.stringify(excerpt)) <= budget) return excerpt;
  return Object.fromEntries(
    entries.filter(([key]) => identityKeys.has(key)).map(([key, value]) => [key, shrink(value, 512)]),
  );
};

const bodyOf = (finding: Finding, delivery: Delivery, raw: unknown, rawTruncated: boolean): string =>
  JSON.stringify({
    ...finding,
    raw,
    rawTruncated,
    alert: alertOf(finding, delivery),
    delivery: {
      receivedAt: delivery.receivedAt.toISOString(),
      publishedAt: delivery.publishedAt.toISOString(),
      ...(delivery.repeats === undefined
        ? {}
        : { repeatsSincePublished: delivery.repeats.count, repeatsSince: delivery.repeats.since }),
      ...(delivery.notes === undefined || delivery.notes.length === 0 ? {} : { notes: delivery.notes }),
    },
  });

/**
 * Finding → SNS message: `Message` is the compact finding JSON plus `alert` (one human line) and `delivery` (receive
 * and publish times, repeat count, notes); `Subject` is printable ASCII ≤ 99 characters; attributes are `String`.
 * A message over 256 KiB keeps an excerpt of `raw` and sets `rawTruncated`: it is never dropped for size.
 *
 * @example
 * const message = toSnsMessage(finding, { receivedAt, publishedAt: clock() });
 * // message.subject === '[HIGH] aws 111122223333: AWS CloudTrail Logging Stopped'
 */
const toSnsMessage = (finding: Finding, delivery: Delivery): SnsMessage => {
  const subject = subjectOf(finding);
  const attributes = attributesOf(finding);
  const full = { subject, attributes, body: bodyOf(finding, delivery, finding.raw, finding.rawTruncated) };
  if (messageBytes(full) <= maxMessageBytes) return full;
  const room = maxMessageBytes - messageBytes({ ...full, body: bodyOf(finding, delivery, null, true) }) - 64;
  for (const budget of [room, room / 4, room / 16]) {
    const body = bodyOf(finding, delivery, excerptOf(finding.raw, Math.max(0, budget)), true);
    if (messageBytes({ subject, attributes, body }) <= maxMessageBytes) return { subject, attributes, body };
  }
  return {
    subject,
    attributes,
    body: bodyOf(finding, delivery, truncatedMarker(byteLength(JSON.stringify(finding.raw))), true),
  };
};

export {
  type Delivery,
  maxMessageBytes,
  maxSubjectLength,
  messageBytes,
  type SnsMessage,
  toPrintableAscii,
  toSnsMessage,
};
