import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InputItem, InputLimits } from '../../../../functions/core/formats/read-input.js';
import { readEvents } from '../../../../functions/core/formats/read-input.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Bytes of a file under test/fixtures/inputs. */
const fixtureBytes = (path: string): Buffer => readFileSync(join(root, 'test/fixtures/inputs', path));

/** A byte stream in chunks of `size`, as a file read would deliver it. */
async function* chunksOf(data: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

const readAll = async (
  chunks: AsyncIterable<Uint8Array>,
  source = 'input.json',
  limits?: Partial<InputLimits>,
): Promise<InputItem[]> => {
  const items: InputItem[] = [];
  for await (const item of readEvents(chunks, source, limits)) items.push(item);
  return items;
};

const readBytes = (
  data: Uint8Array | string,
  source = 'input.json',
  limits?: Partial<InputLimits>,
): Promise<InputItem[]> => readAll(chunksOf(typeof data === 'string' ? Buffer.from(data) : data), source, limits);

/** Items as plain text, for compact assertions: `event line 3 StopLogging`, `notice document …`, `error <message>`. */
const describeItems = (items: readonly InputItem[]): string[] =>
  items.map((item) => {
    if (item.kind === 'event') return `event ${item.location} ${item.event.operation}`;
    if (item.kind === 'notice') return `notice ${item.location}`;
    return `error ${item.error.message}`;
  });

const eventsOf = (items: readonly InputItem[]) => items.flatMap((item) => (item.kind === 'event' ? [item.event] : []));
const errorsOf = (items: readonly InputItem[]) => items.flatMap((item) => (item.kind === 'error' ? [item.error] : []));
const noticesOf = (items: readonly InputItem[]) => items.flatMap((item) => (item.kind === 'notice' ? [item] : []));

export { chunksOf, describeItems, errorsOf, eventsOf, fixtureBytes, noticesOf, readAll, readBytes, root };
