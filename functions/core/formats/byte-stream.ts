import { Buffer } from 'node:buffer';

const asBuffer = (chunk: Uint8Array): Buffer =>
  Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

/** The first bytes of a stream, and the whole stream again (those bytes first) to read on. */
type Peeked = {
  readonly head: Buffer;
  /** True when the stream ended within `head`. */
  readonly ended: boolean;
  readonly stream: AsyncIterable<Buffer>;
};

/**
 * Reads until at least `min` bytes (or the end) are in hand, without losing them: sniffing gzip magic, a BOM or the
 * first JSON character must not consume the input.
 */
const peekBytes = async (source: AsyncIterable<Uint8Array>, min: number): Promise<Peeked> => {
  const iterator = source[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  let ended = false;
  let failure: { readonly error: unknown } | undefined;
  while (size < min) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await iterator.next();
    } catch (error) {
      if (size === 0) throw error;
      failure = { error }; // the bytes already read come first; the failure follows them
      break;
    }
    if (next.done === true) {
      ended = true;
      break;
    }
    const chunk = asBuffer(next.value);
    if (chunk.length === 0) continue;
    parts.push(chunk);
    size += chunk.length;
  }
  const head = parts.length === 1 && parts[0] !== undefined ? parts[0] : Buffer.concat(parts);
  return { head, ended, stream: resume(head, ended ? undefined : iterator, failure) };
};

/** `head` followed by what is left of `iterator`; stopping early releases the underlying source. */
async function* resume(
  head: Buffer,
  iterator: AsyncIterator<Uint8Array> | undefined,
  failure?: { readonly error: unknown },
): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  if (failure !== undefined) throw failure.error;
  if (iterator === undefined) return;
  let finished = false;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) {
        finished = true;
        return;
      }
      yield asBuffer(next.value);
    }
  } finally {
    if (!finished) await iterator.return?.();
  }
}

/** The same stream without its first `count` bytes (a byte-order mark). */
async function* skipBytes(stream: AsyncIterable<Buffer>, count: number): AsyncGenerator<Buffer> {
  let left = count;
  for await (const chunk of stream) {
    if (left >= chunk.length) {
      left -= chunk.length;
      continue;
    }
    yield left > 0 ? chunk.subarray(left) : chunk;
    left = 0;
  }
}

export { asBuffer, type Peeked, peekBytes, skipBytes };
