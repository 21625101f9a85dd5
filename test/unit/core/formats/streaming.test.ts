import { describe, expect, it } from 'vitest';
import { readEvents } from '../../../../functions/core/formats/read-input.js';
import { chunksOf, describeItems, eventsOf, fixtureBytes, readBytes } from './read-helpers.js';

const record = JSON.parse(fixtureBytes('aws/bare-record.json').toString('utf8')) as Record<string, unknown>;
const lineCount = 200_000;

describe('readEvents(): streaming', () => {
  it('yields NDJSON events while the input is still being produced, without holding it', async () => {
    // Prepare: 200,000 CloudTrail lines (about 230 MB), produced 100 lines at a time
    let produced = 0;
    async function* produce(): AsyncGenerator<Uint8Array> {
      for (let batch = 0; batch < lineCount / 100; batch += 1) {
        const lines = Array.from({ length: 100 }, (_, i) =>
          JSON.stringify({ ...record, eventID: `id-${batch * 100 + i}` }),
        );
        produced += 100;
        yield Buffer.from(`${lines.join('\n')}\n`);
      }
    }
    const heapBefore = process.memoryUsage().heapUsed;
    let producedAtFirstEvent = -1;
    let events = 0;
    let lastId = '';
    let heapPeak = 0;
    // Act
    for await (const item of readEvents(produce(), 'big.ndjson')) {
      if (item.kind !== 'event') throw new Error(item.kind === 'error' ? item.error.message : item.message);
      if (producedAtFirstEvent < 0) producedAtFirstEvent = produced;
      events += 1;
      lastId = item.event.id;
      if (events % 20_000 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed - heapBefore);
    }
    // Assess
    expect(producedAtFirstEvent).toBeLessThanOrEqual(200);
    expect(events).toBe(lineCount);
    expect(lastId).toBe(`id-${lineCount - 1}`);
    expect(heapPeak).toBeLessThan(160 * 1024 * 1024); // far below the ~230 MB of input (and its ~460 MB as strings)
  });

  it('reads a 50 MB record as a one-line document and as an NDJSON line', async () => {
    // Prepare
    const big = {
      ...record,
      eventID: 'big',
      requestParameters: { name: 'trail', policy: 'x'.repeat(50 * 1024 * 1024) },
    };
    const text = JSON.stringify(big);
    const ndjson = Buffer.from(`${JSON.stringify({ ...record, eventID: 'small' })}\n${text}\n`);
    // Act
    const single = await readBytes(Buffer.from(text), 'big.json');
    const lines = await readBytes(ndjson, 'big.ndjson');
    // Assess
    expect(describeItems(single)).toEqual(['event document DeleteTrail']);
    expect(describeItems(lines)).toEqual(['event line 1 DeleteTrail', 'event line 2 DeleteTrail']);
    const [event] = eventsOf(single);
    expect(event?.id).toBe('big');
    expect(event?.fields.get('requestParameters.policy')?.[0]).toHaveLength(50 * 1024 * 1024);
  });

  it('reads a pretty-printed document in 1-byte chunks', async () => {
    // Prepare
    const text = Buffer.from(JSON.stringify({ Records: [record, { ...record, eventID: 'second' }] }, null, 4));
    // Act
    const items: string[] = [];
    for await (const item of readEvents(chunksOf(text, 1), 'pretty.json')) items.push(...describeItems([item]));
    // Assess
    expect(items).toEqual(['event Records[0] DeleteTrail', 'event Records[1] DeleteTrail']);
  });
});
