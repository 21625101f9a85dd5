import { Buffer } from 'node:buffer';

/** One line of a byte stream: its bytes (no `\n`, no trailing `\r`), or only its size when it was over the limit. */
type Line =
  | { readonly number: number; readonly bytes: Buffer; readonly tooLong?: undefined }
  | { readonly number: number; readonly bytes?: undefined; readonly tooLong: number };

const empty = Buffer.alloc(0);

/**
 * Splits a byte stream into lines while holding at most one line (up to `maxLine` bytes, which the caller may change
 * between lines). A longer line is skipped to its end and reported by size, so the lines after it are still read.
 */
class LineReader {
  maxLine: number;
  private readonly iterator: AsyncIterator<Buffer>;
  private chunk: Buffer | undefined;
  private offset = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipped = -1; // bytes of an over-long line skipped so far; -1 when not skipping
  private lineNumber = 0;
  private ended = false;

  constructor(stream: AsyncIterable<Buffer>, maxLine: number) {
    this.iterator = stream[Symbol.asyncIterator]();
    this.maxLine = maxLine;
  }

  /** The next line, or undefined at the end of the stream. */
  async next(): Promise<Line | undefined> {
    for (;;) {
      const buffered = this.nextBuffered();
      if (buffered !== undefined) return buffered;
      if (this.chunk !== undefined) {
        this.hold(this.offset === 0 ? this.chunk : this.chunk.subarray(this.offset));
        this.chunk = undefined;
      }
      if (this.ended) return undefined;
      const next = await this.iterator.next();
      if (next.done === true) {
        this.ended = true;
        return this.pendingBytes > 0 || this.skipped >= 0 ? this.finish(empty) : undefined;
      }
      this.chunk = next.value;
      this.offset = 0;
    }
  }

  /**
   * The next line when its end is already in the chunk at hand, without waiting; undefined when `next()` must read on.
   * Lets a caller take every line of a chunk in one synchronous step (per-line awaits were a quarter of the read time).
   */
  nextBuffered(): Line | undefined {
    if (this.chunk === undefined) return undefined;
    const newline = this.chunk.indexOf(10, this.offset);
    if (newline < 0) return undefined;
    const piece = this.chunk.subarray(this.offset, newline);
    this.offset = newline + 1;
    if (this.offset >= this.chunk.length) this.chunk = undefined;
    return this.finish(piece);
  }

  /** Stops reading early and releases the stream. */
  async close(): Promise<void> {
    if (!this.ended) await this.iterator.return?.();
    this.ended = true;
  }

  private hold(piece: Buffer): void {
    if (this.skipped >= 0) {
      this.skipped += piece.length;
      return;
    }
    this.pending.push(piece);
    this.pendingBytes += piece.length;
    if (this.pendingBytes > this.maxLine) {
      this.skipped = this.pendingBytes;
      this.pending = [];
      this.pendingBytes = 0;
    }
  }

  private finish(last: Buffer): Line {
    this.lineNumber += 1;
    const number = this.lineNumber;
    if (this.skipped >= 0 || this.pendingBytes + last.length > this.maxLine) {
      const size = Math.max(this.skipped, 0) + this.pendingBytes + last.length;
      this.skipped = -1;
      this.pending = [];
      this.pendingBytes = 0;
      return { number, tooLong: size };
    }
    const whole = this.pending.length === 0 ? last : Buffer.concat([...this.pending, last]);
    this.pending = [];
    this.pendingBytes = 0;
    const end = whole.length > 0 && whole[whole.length - 1] === 13 ? whole.length - 1 : whole.length;
    return { number, bytes: end === whole.length ? whole : whole.subarray(0, end) };
  }
}

/** True when a line holds only spaces, tabs and carriage returns (blank NDJSON lines are skipped). */
const isBlank = (bytes: Buffer): boolean => {
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
};

export { isBlank, type Line, LineReader };
