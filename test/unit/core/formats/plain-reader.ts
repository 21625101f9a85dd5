// The NDJSON reader as it was before items travelled in batches (one await per item and per step), kept as the plain
// path for read-input.differential.test.ts. Copied from functions/core/formats/ndjson.ts and read-input.ts; only the
// names changed.
import { Buffer } from 'node:buffer';
import { peekBytes, skipBytes } from '../../../../functions/core/formats/byte-stream.js';
import { walkRoot } from '../../../../functions/core/formats/containers.js';
import { InputError } from '../../../../functions/core/formats/errors.js';
import { inflateStream, isGzip } from '../../../../functions/core/formats/gzip.js';
import type { InputItem } from '../../../../functions/core/formats/items.js';
import {
  invalidJson,
  isStandaloneValue,
  syntaxLocation,
  tryParse,
} from '../../../../functions/core/formats/json-text.js';
import { type InputLimits, resolveLimits } from '../../../../functions/core/formats/limits.js';
import { isBlank, type Line, LineReader } from '../../../../functions/core/formats/lines.js';
import { linePlace, rootPlace } from '../../../../functions/core/formats/place.js';
import { sniffBytes, sniffText } from '../../../../functions/core/formats/sniff.js';

type Reading = { readonly source: string; readonly limits: InputLimits };

const lineError = (reason: string, number: number, { source }: Reading): InputItem => ({
  kind: 'error',
  error: new InputError(reason, { source, location: `line ${number}` }),
});

/** One NDJSON line: blank lines are skipped; a bad line is its own error and the next line is still read. */
function* lineItems(line: Line, reading: Reading): Generator<InputItem> {
  if (line.tooLong !== undefined) {
    yield lineError(
      `line of ${line.tooLong} bytes is longer than maxLineBytes (${reading.limits.maxLineBytes})`,
      line.number,
      reading,
    );
    return;
  }
  if (isBlank(line.bytes)) return;
  const text = line.bytes.toString('utf8');
  const parsed = tryParse(text);
  if (parsed.ok) yield* walkRoot(parsed.value, reading.source, reading.limits, linePlace(line.number));
  else yield lineError(invalidJson(parsed.error), line.number, reading);
}

/** The rest of an NDJSON input, line by line: only the current line is ever held. */
async function* restOfLines(reader: LineReader, reading: Reading): AsyncGenerator<InputItem> {
  reader.maxLine = reading.limits.maxLineBytes;
  for (let line = await reader.next(); line !== undefined; line = await reader.next()) yield* lineItems(line, reading);
}

/** Buffered text read as NDJSON after all (its first line was no JSON value, but it is no document either). */
function* bufferedLines(text: string, reading: Reading): Generator<InputItem> {
  for (const [index, bytes] of text.split('\n').entries())
    yield* lineItems({ number: index + 1, bytes: Buffer.from(bytes) }, reading);
}

const anyLineStandsAlone = (text: string): boolean => text.split('\n').some(isStandaloneValue);

/**
 * A first line that is no JSON value on its own starts a multi-line document (pretty-printed JSON), held whole up to
 * maxDocumentBytes. If the whole fails to parse, or outgrows the limit, while some of its lines are JSON values of
 * their own, it was NDJSON with a bad first line after all: it is read line by line, from the buffer and then on.
 */
async function* documentOrLines(
  first: Line & { bytes: Buffer },
  reader: LineReader,
  reading: Reading,
): AsyncGenerator<InputItem> {
  const { maxDocumentBytes } = reading.limits;
  const newline = Buffer.from('\n');
  const parts: Buffer[] = [Buffer.from('\n'.repeat(first.number - 1)), first.bytes];
  let size = first.number - 1 + first.bytes.length;
  let overflow: Line | undefined;
  // A line may overshoot the document budget by one line's worth, so it can still be read as NDJSON if need be.
  const budget = (): number => Math.max(reading.limits.maxLineBytes, maxDocumentBytes - size - 1);
  reader.maxLine = budget();
  for (let line = await reader.next(); line !== undefined; line = await reader.next()) {
    if (line.tooLong !== undefined || size + 1 + line.bytes.length > maxDocumentBytes) {
      overflow = line;
      break;
    }
    parts.push(newline, line.bytes);
    size += 1 + line.bytes.length;
    reader.maxLine = budget();
  }
  const text = Buffer.concat(parts).toString('utf8');
  parts.length = 0;
  if (overflow !== undefined) {
    if (!anyLineStandsAlone(text)) {
      await reader.close();
      throw new InputError(`document larger than maxDocumentBytes (${maxDocumentBytes} bytes)`, {
        source: reading.source,
        location: 'document',
      });
    }
    yield* bufferedLines(text, reading);
    reader.maxLine = reading.limits.maxLineBytes;
    yield* lineItems(overflow, reading);
    yield* restOfLines(reader, reading);
    return;
  }
  const parsed = tryParse(text);
  if (parsed.ok) {
    yield* walkRoot(parsed.value, reading.source, reading.limits, rootPlace);
  } else if (anyLineStandsAlone(text)) {
    yield* bufferedLines(text, reading);
  } else {
    yield {
      kind: 'error',
      error: new InputError(invalidJson(parsed.error), {
        source: reading.source,
        location: syntaxLocation(text, parsed.error),
      }),
    };
  }
}

/**
 * A text input: one JSON value (pretty-printed or on one line), else NDJSON. The first line decides: a complete JSON
 * value followed by more lines is NDJSON, streamed line by line; alone, it is the document.
 */
async function* plainReadText(reader: LineReader, reading: Reading): AsyncGenerator<InputItem> {
  let first = await reader.next();
  while (first?.bytes !== undefined && isBlank(first.bytes)) first = await reader.next();
  if (first === undefined) return;
  if (first.bytes === undefined) {
    const reason = `line of ${first.tooLong} bytes is longer than maxDocumentBytes (${reading.limits.maxDocumentBytes})`;
    yield lineError(reason, first.number, reading);
    yield* restOfLines(reader, reading);
    return;
  }
  const parsed = tryParse(first.bytes.toString('utf8'));
  if (!parsed.ok) {
    yield* documentOrLines({ ...first, bytes: first.bytes }, reader, reading);
    return;
  }
  reader.maxLine = reading.limits.maxLineBytes;
  let second = await reader.next();
  while (second?.bytes !== undefined && isBlank(second.bytes)) second = await reader.next();
  if (second === undefined) {
    yield* walkRoot(parsed.value, reading.source, reading.limits, rootPlace);
    return;
  }
  yield* walkRoot(parsed.value, reading.source, reading.limits, linePlace(first.number));
  yield* lineItems(second, reading);
  yield* restOfLines(reader, reading);
}

const startError = (reason: string, source: string, location = 'byte 0'): InputError =>
  new InputError(reason, { source, location });

async function* readStream(
  chunks: AsyncIterable<Uint8Array>,
  source: string,
  limits: InputLimits,
): AsyncGenerator<InputItem> {
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
      yield* plainReadText(new LineReader(stream, limits.maxDocumentBytes), { source, limits });
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
async function* plainReadEvents(
  chunks: AsyncIterable<Uint8Array>,
  source: string,
  limits?: Partial<InputLimits>,
): AsyncGenerator<InputItem> {
  try {
    yield* readStream(chunks, source, resolveLimits(limits));
  } catch (error) {
    if (error instanceof InputError) {
      yield { kind: 'error', error };
    } else {
      const reason = error instanceof Error ? error.message : String(error);
      yield {
        kind: 'error',
        error: new InputError(`read failed (${reason})`, { source, location: 'input' }, { cause: error }),
      };
    }
  }
}

export { plainReadEvents };
