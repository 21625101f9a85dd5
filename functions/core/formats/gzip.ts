import { constants as bufferConstants } from 'node:buffer';
import { createGunzip, gunzipSync } from 'node:zlib';
import { InputError, type InputPlace } from './errors.js';

/** Gzip by its magic bytes (RFC 1952: 1f 8b), never by file name. */
const isGzip = (head: Uint8Array): boolean => head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const tooBig = (cap: number, at: InputPlace): InputError =>
  new InputError(`gzip inflates to more than ${cap} bytes (maxInflatedBytes): gzip bomb or input too large`, at);

/**
 * Inflates a gzip stream chunk by chunk, never holding more than zlib's window: a multi-gigabyte `.json.gz` streams.
 * Fails with an {@link InputError} past `cap` inflated bytes (gzip bomb) or on a truncated or corrupt stream; errors
 * from reading the input itself pass through unchanged.
 */
async function* inflateStream(chunks: AsyncIterable<Buffer>, cap: number, source: string): AsyncGenerator<Buffer> {
  const at = { source, location: 'gzip' };
  const gunzip = createGunzip();
  gunzip.on('error', () => undefined); // reported through the iterator below; this keeps a late error from crashing
  let readFailure: unknown;
  const waitForDrain = (): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        gunzip.off('drain', done);
        gunzip.off('close', done);
        resolve();
      };
      gunzip.once('drain', done);
      gunzip.once('close', done);
    });
  const pump = async (): Promise<void> => {
    try {
      for await (const chunk of chunks) {
        if (gunzip.destroyed) return;
        if (!gunzip.write(chunk)) await waitForDrain();
      }
      gunzip.end();
    } catch (error) {
      readFailure = error;
      gunzip.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  };
  void pump();
  let total = 0;
  try {
    for await (const out of gunzip as AsyncIterable<Buffer>) {
      total += out.length;
      if (total > cap) throw tooBig(cap, at);
      yield out;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (readFailure !== undefined) throw readFailure;
    throw new InputError(`truncated or corrupt gzip (${reasonOf(error)})`, at, { cause: error });
  } finally {
    gunzip.destroy();
  }
}

/** Inflates a small embedded gzip payload (CloudWatch Logs `awslogs.data`) in memory, capped like the stream. */
const gunzipCapped = (data: Buffer, cap: number, at: InputPlace): Buffer => {
  try {
    return gunzipSync(data, { maxOutputLength: Math.min(cap, bufferConstants.MAX_LENGTH) });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooBig(cap, at);
    throw new InputError(`truncated or corrupt gzip (${reasonOf(error)})`, at, { cause: error });
  }
};

export { gunzipCapped, inflateStream, isGzip };
