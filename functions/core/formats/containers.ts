import { isObject } from '../sources/read-path.js';
import { awsHandlers } from './containers-aws.js';
import { azureHandlers } from './containers-azure.js';
import { gcpHandlers } from './containers-gcp.js';
import { failure, type InputItem, type WalkContext, walkNested } from './items.js';
import type { InputLimits } from './limits.js';
import type { Handler } from './nested.js';
import { childPlace, type Place, rootPlace } from './place.js';

// The order matters only where shapes could overlap: containers before records, and AWS before GCP before Azure
// (each recognizer keys on names the others do not use).
const handlers: readonly Handler[] = [...awsHandlers, ...gcpHandlers, ...azureHandlers];

const shapeOf = (value: Readonly<Record<string, unknown>>): string => {
  const keys = Object.keys(value);
  const shown = keys.slice(0, 8).join(', ');
  return keys.length === 0 ? 'an empty object' : `keys: ${shown}${keys.length > 8 ? ', …' : ''}`;
};

function* arrayItems(value: readonly unknown[], place: Place, ctx: WalkContext): Generator<InputItem> {
  for (const [index, element] of value.entries()) yield* walkNested(element, ctx, childPlace(place, index));
}

/**
 * Every item in one parsed JSON value, whatever the container (DESIGN §8): containers are recognized by their
 * content, never by file name, and unwrapped (JSON strings and base64 payloads included) down to the records. A bare
 * record comes back as its handler's array, with no generator in between (the NDJSON hot path).
 */
const walkValue = (value: unknown, place: Place, ctx: WalkContext): Iterable<InputItem> => {
  if (Array.isArray(value)) return arrayItems(value, place, ctx);
  if (!isObject(value)) {
    return [failure(`not an audit record or container (got ${value === null ? 'null' : typeof value})`, ctx, place)];
  }
  for (const handler of handlers) if (handler.accepts(value)) return handler.read(value, ctx, place);
  return [failure(`unknown record format (${shapeOf(value)})`, ctx, place)];
};

/** Items of one parsed value, located under `place` (the root, or `line N` of an NDJSON input). */
const walkRoot = (value: unknown, source: string, limits: InputLimits, place: Place = rootPlace): Iterable<InputItem> =>
  walkValue(value, place, { source, limits, depth: 0, walk: walkValue });

export { walkRoot };
