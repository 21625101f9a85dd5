import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { type Template, vary } from './corpus.js';

/** NDJSON in memory: one buffer and where each line starts and ends (no newline inside). */
type Workload = {
  readonly bytes: Buffer;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly lines: number;
  /** Lines built from a matching template (the target share is 1 in `matchEvery`). */
  readonly seededMatches: number;
};

type Mix = { readonly matching: readonly Template[]; readonly quiet: readonly Template[]; readonly matchEvery: number };

/** Line `i` of the mix: one in `matchEvery` from a matching template (round robin), the rest from the quiet ones. */
const lineOf = (mix: Mix, i: number): { text: string; seeded: boolean } => {
  const slot = Math.floor(i / mix.matchEvery);
  if (i % mix.matchEvery === Math.floor(mix.matchEvery / 2) && mix.matching.length > 0) {
    return { text: vary(mix.matching[slot % mix.matching.length] as Template, i), seeded: true };
  }
  return { text: vary(mix.quiet[(i - slot) % mix.quiet.length] as Template, i), seeded: false };
};

const buildWorkload = (mix: Mix, lines: number): Workload => {
  const parts: string[] = [];
  let seededMatches = 0;
  for (let i = 0; i < lines; i += 1) {
    const line = lineOf(mix, i);
    if (line.seeded) seededMatches += 1;
    parts.push(line.text);
  }
  const bytes = Buffer.from(`${parts.join('\n')}\n`, 'utf8');
  const starts = new Uint32Array(lines);
  const ends = new Uint32Array(lines);
  let start = 0;
  for (let i = 0; i < lines; i += 1) {
    const end = bytes.indexOf(10, start);
    starts[i] = start;
    ends[i] = end;
    start = end + 1;
  }
  return { bytes, starts, ends, lines, seededMatches };
};

/** The buffer as a stream of 64 KiB chunks, as a file stream would deliver it. */
async function* chunksOf(bytes: Buffer, size = 65_536): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

/** Writes the mix as NDJSON to `path` until it holds at least `targetBytes`; returns lines and bytes written. */
const writeWorkloadFile = async (
  mix: Mix,
  path: string,
  targetBytes: number,
): Promise<{ lines: number; bytes: number }> => {
  const out = createWriteStream(path);
  let bytes = 0;
  let lines = 0;
  let batch: string[] = [];
  while (bytes < targetBytes) {
    const text = `${lineOf(mix, lines).text}\n`;
    lines += 1;
    bytes += Buffer.byteLength(text);
    batch.push(text);
    if (batch.length === 2_000) {
      if (!out.write(batch.join(''))) await once(out, 'drain');
      batch = [];
    }
  }
  out.end(batch.join(''));
  await once(out, 'finish');
  return { lines, bytes };
};

export { buildWorkload, chunksOf, type Mix, type Workload, writeWorkloadFile };
