import { describe, expect, it } from 'vitest';
import { type Line, LineReader } from '../../../../functions/core/formats/lines.js';

async function* pieces(...parts: string[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

const readLines = async (reader: LineReader): Promise<string[]> => {
  const out: string[] = [];
  for (let line: Line | undefined = await reader.next(); line !== undefined; line = await reader.next()) {
    out.push(
      line.bytes === undefined
        ? `${line.number}: too long (${line.tooLong})`
        : `${line.number}: ${line.bytes.toString()}`,
    );
  }
  return out;
};

describe('LineReader', () => {
  it('splits across chunk boundaries and strips CR', async () => {
    const lines = await readLines(new LineReader(pieces('ab', 'c\r\nde', 'f\n', '\ng', 'h'), 100));
    expect(lines).toEqual(['1: abc', '2: def', '3: ', '4: gh']);
  });

  it('does not invent a line after a final newline', async () => {
    expect(await readLines(new LineReader(pieces('a\nb\n'), 100))).toEqual(['1: a', '2: b']);
  });

  it('reports an over-long line by size and goes on with the next', async () => {
    const lines = await readLines(
      new LineReader(pieces('short\n', 'x'.repeat(6), 'x'.repeat(6), '\nok', '\n', 'y'.repeat(11)), 10),
    );
    expect(lines).toEqual(['1: short', '2: too long (12)', '3: ok', '4: too long (11)']);
  });
});
