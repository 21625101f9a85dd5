import { Buffer } from 'node:buffer';
import { walkRoot } from './containers.js';
import { InputError } from './errors.js';
import type { InputItem } from './items.js';
import { invalidJson, isStandaloneValue, syntaxLocation, tryParse } from './json-text.js';
import type { InputLimits } from './limits.js';
import { isBlank, type Line, type LineReader } from './lines.js';
import { linePlace, rootPlace } from './place.js';

type Reading = { readonly source: string; readonly limits: InputLimits };

const lineError = (reason: string, number: number, { source }: Reading): InputItem => ({
  kind: 'error',
  error: new InputError(reason, { source, location: `line ${number}` }),
});

/** One NDJSON line read: undefined when blank, an error item when bad, else its parsed JSON value. */
const readLine = (line: Line, reading: Reading): InputItem | { readonly value: unknown } | undefined => {
  if (line.tooLong !== undefined) {
    return lineError(
      `line of ${line.tooLong} bytes is longer than maxLineBytes (${reading.limits.maxLineBytes})`,
      line.number,
      reading,
    );
  }
  if (isBlank(line.bytes)) return undefined;
  const parsed = tryParse(line.bytes.toString('utf8'));
  return parsed.ok ? { value: parsed.value } : lineError(invalidJson(parsed.error), line.number, reading);
};

/** The items of one read line (its value walked, located at the line). */
const itemsOfLine = (
  read: InputItem | { readonly value: unknown },
  line: Line,
  reading: Reading,
): Iterable<InputItem> =>
  'kind' in read ? [read] : walkRoot(read.value, reading.source, reading.limits, linePlace(line.number));

/** One NDJSON line: blank lines are skipped; a bad line is its own error and the next line is still read. */
function* lineItems(line: Line, reading: Reading): Generator<InputItem> {
  const read = readLine(line, reading);
  if (read !== undefined) yield* itemsOfLine(read, line, reading);
}

/**
 * Items travel in batches between the reading steps: one await per batch instead of one per item and per step (the
 * test/bench profile found the per-item awaits through four async generators at a quarter of the read time).
 * `readEvents` hands them on one by one.
 */
type Batch = readonly InputItem[];

const batchSize = 256;

/** A synchronous run of items in batches of at most {@link batchSize}, so a big document still goes on piecewise. */
function* inBatches(items: Iterable<InputItem>): Generator<Batch> {
  let batch: InputItem[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The rest of an NDJSON input, line by line (only the current chunk is held): each chunk's lines are one batch. */
async function* restOfLines(reader: LineReader, reading: Reading): AsyncGenerator<Batch> {
  reader.maxLine = reading.limits.maxLineBytes;
  for (let line = await reader.next(); line !== undefined; line = await reader.next()) {
    let batch: InputItem[] = [];
    for (let current: Line | undefined = line; current !== undefined; current = reader.nextBuffered()) {
      const read = readLine(current, reading); // no generator per line here: this loop is the hot path
      if (read === undefined) continue;
      for (const item of itemsOfLine(read, current, reading)) {
        batch.push(item);
        if (batch.length === batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  }
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
): AsyncGenerator<Batch> {
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
    yield* inBatches(bufferedLines(text, reading));
    reader.maxLine = reading.limits.maxLineBytes;
    yield [...lineItems(overflow, reading)];
    yield* restOfLines(reader, reading);
    return;
  }
  const parsed = tryParse(text);
  if (parsed.ok) {
    yield* inBatches(walkRoot(parsed.value, reading.source, reading.limits, rootPlace));
  } else if (anyLineStandsAlone(text)) {
    yield* inBatches(bufferedLines(text, reading));
  } else {
    yield [
      {
        kind: 'error',
        error: new InputError(invalidJson(parsed.error), {
          source: reading.source,
          location: syntaxLocation(text, parsed.error),
        }),
      },
    ];
  }
}

/**
 * A text input: one JSON value (pretty-printed or on one line), else NDJSON. The first line decides: a complete JSON
 * value followed by more lines is NDJSON, streamed line by line; alone, it is the document.
 */
async function* readText(reader: LineReader, reading: Reading): AsyncGenerator<Batch> {
  let first = await reader.next();
  while (first?.bytes !== undefined && isBlank(first.bytes)) first = await reader.next();
  if (first === undefined) return;
  if (first.bytes === undefined) {
    const reason = `line of ${first.tooLong} bytes is longer than maxDocumentBytes (${reading.limits.maxDocumentBytes})`;
    yield [lineError(reason, first.number, reading)];
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
    yield* inBatches(walkRoot(parsed.value, reading.source, reading.limits, rootPlace));
    return;
  }
  yield* inBatches(walkRoot(parsed.value, reading.source, reading.limits, linePlace(first.number)));
  yield [...lineItems(second, reading)];
  yield* restOfLines(reader, reading);
}

export { type Batch, type Reading, readText };
