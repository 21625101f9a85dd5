import type { Buffer } from 'node:buffer';
import { peekBytes, skipBytes } from './byte-stream.js';
import { walkRoot } from './containers.js';
import { InputError } from './errors.js';
import { inflateStream, isGzip } from './gzip.js';
import { ItemIterator } from './item-iterator.js';
import type { InputItem } from './items.js';
import { type InputLimits, resolveLimits } from './limits.js';
import { LineReader } from './lines.js';
import { type Batch, readText } from './ndjson.js';
import { sniffBytes, sniffText } from './sniff.js';

const startError = (reason: string, source: string, location = 'byte 0'): InputError =>
  new InputError(reason, { source, location });

async function* readStream(
  chunks: AsyncIterable<Uint8Array>,
  source: string,
  limits: InputLimits,
): AsyncGenerator<Batch> {
  const start = await peekBytes(chunks, 2);
  if (start.head.length === 0) throw startError('empty input', source);
  const gzipped = isGzip(start.head);
  const plain: AsyncIterable<Buffer> = gzipped
    ? inflateStream(start.stream, limits.maxInflatedBytes, source)
    : start.stream;
  const text = await peekBytes(plain, sniffBytes);
  const sniffed = sniffText(text.head, text.ended);
  const inside = gzipped ? ' (inside gzip)' : '';
  switch (sniffed.kind) {
    case 'empty':
      throw startError(`empty input${gzipped ? ' (gzip holds no data)' : ''}`, source);
    case 'binary': {
      const byte = sniffed.byte.toString(16).padStart(2, '0');
      throw startError(`binary data, not JSON${inside} (byte 0x${byte})`, source, `byte ${sniffed.offset}`);
    }
    case 'unknown':
      throw startError(`unknown format${inside}: not JSON or NDJSON (${sniffed.preview})`, source);
    default: {
      const stream = sniffed.bom > 0 ? skipBytes(text.stream, sniffed.bom) : text.stream;
      // The first line may be a whole one-line document (a CloudTrail S3 file), so it gets the document bound.
      yield* readText(new LineReader(stream, limits.maxDocumentBytes), { source, limits });
    }
  }
}

/**
 * Reads one input as a stream of items, in input order. Gzip is recognized by magic bytes and inflated as a stream
 * (capped); a document is one JSON value (held up to maxDocumentBytes), else NDJSON, read one line at a time, so a
 * multi-gigabyte NDJSON file never sits in memory. Containers and providers are recognized by content (DESIGN §8).
 * Nothing is skipped silently: a bad line or record is an error item and reading goes on; an input that cannot be read
 * at all (empty, binary, unknown format, broken gzip) ends with one error item. Never throws.
 *
 * @example
 * for await (const item of readEvents(createReadStream(path), path)) {
 *   if (item.kind === 'event') events.push(item.event);
 *   else if (item.kind === 'error') console.error(item.error.message); // trail.json.gz: Records[12]: not a CloudTrail record (…)
 * }
 */
const readEvents = (
  chunks: AsyncIterable<Uint8Array>,
  source: string,
  limits?: Partial<InputLimits>,
): AsyncIterableIterator<InputItem> => new ItemIterator(readStream(chunks, source, resolveLimits(limits)), source);

/**
 * The items of one already-parsed JSON value in any container form: what rule cases and tests use.
 *
 * @example
 * const events = eventsFromValue(testCase.input, 'rules/aws/cloudtrail/x.cases.json')
 *   .flatMap((item) => (item.kind === 'event' ? [item.event] : []));
 */
const eventsFromValue = (value: unknown, source: string, limits?: Partial<InputLimits>): InputItem[] => [
  ...walkRoot(value, source, resolveLimits(limits)),
];

export { eventsFromValue, type InputItem, type InputLimits, readEvents };
