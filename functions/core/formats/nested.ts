import type { JsonObject } from '../sources/read-path.js';
import { decodeEmbeddedPayload, parseEmbeddedJson } from './embedded.js';
import { errorItem, failure, type InputItem, placeOf, type WalkContext, walkNested } from './items.js';
import { embeddedCap } from './limits.js';
import type { Place } from './place.js';

/**
 * A container handler: recognizes its shape and gives the items inside. Record handlers return a plain array (one
 * record is one item, or a notice and one item): no generator per record on the hot path of the reader.
 */
type Handler = {
  readonly name: string;
  readonly accepts: (value: JsonObject) => boolean;
  readonly read: (value: JsonObject, ctx: WalkContext, place: Place) => Iterable<InputItem>;
};

/** JSON text inside a record, walked as a value of its own. */
function* embeddedJson(text: unknown, ctx: WalkContext, place: Place): Generator<InputItem> {
  if (typeof text !== 'string') {
    yield failure('expected JSON text', ctx, place);
    return;
  }
  let value: unknown;
  try {
    value = parseEmbeddedJson(text, placeOf(ctx, place));
  } catch (error) {
    yield errorItem(error, ctx, place);
    return;
  }
  yield* walkNested(value, ctx, place);
}

/** Base64 (+ gzip) JSON inside a record: CloudWatch Logs `awslogs.data`, Kinesis `data`, Pub/Sub `message.data`. */
function* embeddedPayload(text: string, ctx: WalkContext, place: Place): Generator<InputItem> {
  let value: unknown;
  try {
    value = decodeEmbeddedPayload(text, embeddedCap(ctx.limits), placeOf(ctx, place));
  } catch (error) {
    yield errorItem(error, ctx, place);
    return;
  }
  yield* walkNested(value, ctx, place);
}

export { embeddedJson, embeddedPayload, type Handler };
