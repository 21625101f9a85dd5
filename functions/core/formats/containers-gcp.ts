import { looksLikeLogEntry, nonAuditReason } from '../sources/gcp/decode.js';
import { normalizeLogEntry } from '../sources/gcp/normalize.js';
import { restorePantherLogEntry } from '../sources/panther-form.js';
import { isObject, type JsonObject } from '../sources/read-path.js';
import { eventItem, failure, type InputItem, notice, type WalkContext } from './items.js';
import { embeddedPayload, type Handler } from './nested.js';
import { childPlace, type Place } from './place.js';

const logEntryItems = (entry: unknown, ctx: WalkContext, place: Place): InputItem[] => {
  if (!isObject(entry)) return [eventItem((at) => normalizeLogEntry(entry, at), ctx, place)]; // reports the wrong shape
  const { record, changes } = restorePantherLogEntry(entry);
  const items =
    changes.length > 0
      ? [notice(`Panther-normalized LogEntry, read as a LogEntry (${changes.join(', ')})`, place)]
      : [];
  const skip = nonAuditReason(record);
  items.push(
    skip === undefined
      ? eventItem((at) => normalizeLogEntry(record, at), ctx, place)
      : notice(`${skip}: skipped`, place),
  );
  return items;
};

function* entries(value: JsonObject, ctx: WalkContext, place: Place): Generator<InputItem> {
  const list = value.entries as readonly unknown[];
  for (const [index, entry] of list.entries()) yield* logEntryItems(entry, ctx, childPlace(place, `entries[${index}]`));
}

/** A Pub/Sub message (`{data, messageId…}`): `data` is the base64 LogEntry a log sink published. */
function* pubSubMessage(message: JsonObject, ctx: WalkContext, place: Place): Generator<InputItem> {
  yield* embeddedPayload(String(message.data), ctx, childPlace(place, 'data'));
}

function* pulledMessages(value: JsonObject, ctx: WalkContext, place: Place): Generator<InputItem> {
  const list = value.receivedMessages as readonly unknown[];
  for (const [index, received] of list.entries()) {
    const at = childPlace(place, `receivedMessages[${index}]`);
    if (isObject(received) && isObject(received.message) && typeof received.message.data === 'string') {
      yield* pubSubMessage(received.message, ctx, childPlace(at, 'message'));
    } else {
      yield failure('Pub/Sub received message without message.data', ctx, at);
    }
  }
}

/** DESIGN §8, GCP rows, plus the Pub/Sub push and pull bodies a log sink's subscription delivers. */
const gcpHandlers: readonly Handler[] = [
  { name: 'entries:list page', accepts: (v) => Array.isArray(v.entries), read: entries },
  {
    name: 'Pub/Sub push body',
    accepts: (v) => isObject(v.message) && typeof v.message.data === 'string',
    read: (v, ctx, place) => pubSubMessage(v.message as JsonObject, ctx, childPlace(place, 'message')),
  },
  { name: 'Pub/Sub pull result', accepts: (v) => Array.isArray(v.receivedMessages), read: pulledMessages },
  {
    name: 'Pub/Sub message',
    accepts: (v) => typeof v.data === 'string' && ('messageId' in v || 'message_id' in v),
    read: pubSubMessage,
  },
  { name: 'GCP LogEntry', accepts: looksLikeLogEntry, read: logEntryItems },
];

export { gcpHandlers };
