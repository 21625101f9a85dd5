import type { AuditEvent } from '../audit-event.js';
import { InputError, type InputPlace } from './errors.js';
import type { InputLimits } from './limits.js';
import { describePlace, type Place } from './place.js';

/** What reading an input yields, in input order: an event, a notice (something skipped on purpose) or an error. */
type InputItem =
  | { readonly kind: 'event'; readonly event: AuditEvent; readonly location: string }
  | { readonly kind: 'notice'; readonly message: string; readonly location: string }
  | { readonly kind: 'error'; readonly error: InputError };

/** State of one walk through a parsed value; `walk` is passed along so container modules need not import each other. */
type WalkContext = {
  readonly source: string;
  readonly limits: InputLimits;
  /** How many containers deep (nested arrays, JSON inside JSON strings); bounded by {@link maxDepth}. */
  readonly depth: number;
  readonly walk: (value: unknown, place: Place, ctx: WalkContext) => Iterable<InputItem>;
};

const maxDepth = 8;

const placeOf = (ctx: WalkContext, place: Place): InputPlace => ({
  source: ctx.source,
  location: describePlace(place),
});

const errorItem = (error: unknown, ctx: WalkContext, place: Place): InputItem => {
  if (error instanceof InputError) return { kind: 'error', error };
  const reason = error instanceof Error ? error.message : String(error);
  return {
    kind: 'error',
    error: new InputError(`cannot read record (${reason})`, placeOf(ctx, place), { cause: error }),
  };
};

const failure = (reason: string, ctx: WalkContext, place: Place): InputItem => ({
  kind: 'error',
  error: new InputError(reason, placeOf(ctx, place)),
});

const notice = (message: string, place: Place): InputItem => ({
  kind: 'notice',
  message,
  location: describePlace(place),
});

/**
 * Runs one normalizer; a failure becomes this record's error, an Azure start record a notice (DESIGN §4.1). Always
 * exactly one item, so a plain function (a generator per record was measurable in test/bench).
 */
const eventItem = (make: (at: InputPlace) => AuditEvent, ctx: WalkContext, place: Place): InputItem => {
  let event: AuditEvent;
  try {
    event = make(placeOf(ctx, place));
  } catch (error) {
    return errorItem(error, ctx, place);
  }
  if (event.outcome === 'pending') {
    return notice(`Azure start record skipped (${event.operation}): only final records are matched`, place);
  }
  return { kind: 'event', event, location: describePlace(place) };
};

/** Walks a value found inside another (array element, decoded string), one level deeper. */
function* walkNested(value: unknown, ctx: WalkContext, place: Place): Generator<InputItem> {
  if (ctx.depth >= maxDepth) {
    yield failure(`containers nested more than ${maxDepth} deep`, ctx, place);
    return;
  }
  yield* ctx.walk(value, place, { ...ctx, depth: ctx.depth + 1 });
}

export { errorItem, eventItem, failure, type InputItem, notice, placeOf, type WalkContext, walkNested };
