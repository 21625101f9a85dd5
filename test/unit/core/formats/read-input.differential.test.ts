import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { InputItem } from '../../../../functions/core/formats/items.js';
import { type InputLimits, readEvents } from '../../../../functions/core/formats/read-input.js';
import { cloudTrailLike, differentialInputs } from '../differential-inputs.js';
import { plainReadEvents } from './plain-reader.js';

// readEvents hands items between its steps in batches and takes every line of a chunk without an await (test/bench
// profile: the per-item awaits were a quarter of the read time). plain-reader.ts is the reader before that change;
// both must yield the same items, in the same order, for every input, chunking and limit.

type Reader = (
  chunks: AsyncIterable<Uint8Array>,
  source: string,
  limits?: Partial<InputLimits>,
) => AsyncIterable<InputItem>;

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

const describeItem = (item: InputItem): string => {
  if (item.kind === 'error') return `error ${item.error.message}`;
  if (item.kind === 'notice') return `notice ${item.location}: ${item.message}`;
  const { fields: _fields, ...event } = item.event;
  return `event ${item.location}: ${JSON.stringify(event)}`;
};

const itemsOf = async (read: Reader, bytes: Buffer, size: number, limits?: Partial<InputLimits>): Promise<string[]> => {
  const out: string[] = [];
  for await (const item of read(chunked(bytes, size), 'input.json', limits)) out.push(describeItem(item));
  return out;
};

const inputs = differentialInputs();
const records = inputs.flatMap(({ value }) => cloudTrailLike(value)).slice(0, 400);
const ndjson = records.map((record) => JSON.stringify(record)).join('\n');

const cases: { name: string; bytes: Buffer; limits?: Partial<InputLimits> }[] = [
  { name: 'NDJSON of corpus records', bytes: Buffer.from(`${ndjson}\n`) },
  {
    name: 'NDJSON without a final newline, CRLF and blank lines',
    bytes: Buffer.from(ndjson.replaceAll('\n', '\r\n\n')),
  },
  {
    name: 'NDJSON with bad lines',
    bytes: Buffer.from(
      `${records
        .slice(0, 30)
        .map((r, i) => (i % 7 === 3 ? '{"broken": ' : JSON.stringify(r)))
        .join('\n')}\n`,
    ),
  },
  {
    name: 'NDJSON with lines over maxLineBytes',
    bytes: Buffer.from(`${ndjson.split('\n').slice(0, 60).join('\n')}\n`),
    limits: { maxLineBytes: 1_500 },
  },
  { name: 'gzip NDJSON', bytes: gzipSync(Buffer.from(`${ndjson}\n`)) },
  {
    name: 'a pretty-printed document',
    bytes: Buffer.from(JSON.stringify({ Records: records.slice(0, 300) }, null, 2)),
  },
  {
    name: 'a document over maxDocumentBytes that is NDJSON after all',
    bytes: Buffer.from(`not json\n${ndjson.split('\n').slice(0, 50).join('\n')}\n`),
    limits: { maxDocumentBytes: 20_000, maxLineBytes: 10_000 },
  },
  {
    name: 'BOM and a one-line document',
    bytes: Buffer.from(`\uFEFF${JSON.stringify({ Records: records.slice(0, 20) })}`),
  },
  { name: 'empty input', bytes: Buffer.alloc(0) },
];

const files = [...new Set(inputs.map(({ name }) => name.replace(/#\d+$/, '')))].filter((name) => !name.includes(': '));

describe('readEvents(): batched reader vs the plain reader', () => {
  it.each(cases)('yields the same items for $name', async ({ bytes, limits }) => {
    for (const size of [65_536, 4_096, 7, 1]) {
      if (size === 1 && bytes.length > 50_000) continue;
      // Act
      const [batched, plain] = await Promise.all([
        itemsOf(readEvents, bytes, size, limits),
        itemsOf(plainReadEvents, bytes, size, limits),
      ]);
      // Assess
      expect(batched).toEqual(plain);
    }
  });

  it('yields the same items for every corpus, sample and fixture file', async () => {
    // Prepare
    const differences: string[] = [];
    // Act
    for (const file of files) {
      const bytes = readFileSync(new URL(`../../../../${file}`, import.meta.url));
      for (const size of [65_536, 13]) {
        const [batched, plain] = await Promise.all([
          itemsOf(readEvents, bytes, size),
          itemsOf(plainReadEvents, bytes, size),
        ]);
        if (JSON.stringify(batched) !== JSON.stringify(plain)) differences.push(`${file} (${size}-byte chunks)`);
      }
    }
    // Assess
    expect(files.length).toBeGreaterThan(20);
    expect(differences).toEqual([]);
  });
});
