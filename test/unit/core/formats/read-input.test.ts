import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readEvents } from '../../../../functions/core/formats/read-input.js';
import { chunksOf, describeItems, errorsOf, eventsOf, fixtureBytes, readAll, readBytes } from './read-helpers.js';

const record = JSON.parse(fixtureBytes('aws/bare-record.json').toString('utf8')) as Record<string, unknown>;
const line = (eventID: string): string => JSON.stringify({ ...record, eventID });

describe('readEvents(): input errors name the source and the place, and the rest is still read', () => {
  it('reports a malformed NDJSON line by number and reads the lines around it', async () => {
    // Prepare
    const text = [line('a'), '{"eventVersion": "1.10", "eventSource": ', line('c'), 'not json at all', line('e')].join(
      '\n',
    );
    // Act
    const items = await readBytes(text, 'dump.ndjson');
    // Assess
    expect(describeItems(items)).toEqual([
      'event line 1 DeleteTrail',
      'error dump.ndjson: line 2: invalid JSON (Unexpected end of JSON input)',
      'event line 3 DeleteTrail',
      expect.stringMatching(/^error dump\.ndjson: line 4: invalid JSON \(Unexpected token/),
      'event line 5 DeleteTrail',
    ]);
  });

  it('reads NDJSON whose first line is broken, line by line', async () => {
    // Act
    const items = await readBytes(['{"eventSource": "cloudtrail.amaz', line('b'), line('c')].join('\n'), 'dump.ndjson');
    // Assess
    expect(describeItems(items)).toEqual([
      expect.stringMatching(/^error dump\.ndjson: line 1: invalid JSON/),
      'event line 2 DeleteTrail',
      'event line 3 DeleteTrail',
    ]);
  });

  it('streams on when NDJSON with a broken first line outgrows the document bound', async () => {
    // Prepare
    const good = Array.from({ length: 50 }, (_, i) => line(`id-${i}`));
    const text = ['{"eventSource": "cloudtrail.amaz', ...good].join('\n');
    // Act
    const items = await readBytes(text, 'dump.ndjson', { maxDocumentBytes: 5000 });
    // Assess
    expect(errorsOf(items).map((e) => e.location)).toEqual(['line 1']);
    expect(eventsOf(items).map((e) => e.id)).toEqual(Array.from({ length: 50 }, (_, i) => `id-${i}`));
  });

  it('locates a syntax error in a pretty-printed document by line and column', async () => {
    // Prepare
    const text = JSON.stringify({ Records: [record] }, null, 2).replace(
      '"eventName": "DeleteTrail",',
      '"eventName": "DeleteTrail"',
    );
    // Act
    const items = await readBytes(text, 'trail.json');
    // Assess
    expect(describeItems(items)).toEqual([
      expect.stringMatching(
        /^error trail\.json: line 8, column 7: invalid JSON \(Expected ',' or '}' after property value/,
      ),
    ]);
  });

  it('reports records of the wrong shape by index and keeps the good ones', async () => {
    // Prepare
    const text = JSON.stringify({
      Records: [{ eventSource: 'ec2.amazonaws.com' }, 42, record, { ...record, userIdentity: 'x' }],
    });
    // Act
    const items = await readBytes(text, 'trail.json.gz');
    // Assess
    expect(describeItems(items)).toEqual([
      'error trail.json.gz: Records[0]: not a CloudTrail record (eventName: missing)',
      'error trail.json.gz: Records[1]: not a CloudTrail record (got number)',
      'event Records[2] DeleteTrail',
      'error trail.json.gz: Records[3]: not a CloudTrail record (userIdentity: expected object, got string)',
    ]);
  });

  it.each([
    {
      why: 'an object of no known form',
      text: '{"foo": 1, "bar": [2]}',
      error: 'x.json: document: unknown record format (keys: foo, bar)',
    },
    {
      why: 'a JSON scalar in NDJSON',
      text: `${line('a')}\n"text"`,
      error: 'x.json: line 2: not an audit record or container (got string)',
    },
    {
      why: 'Records that is no list',
      text: '{"Records": {"a": 1}}',
      error: 'x.json: document: unknown record format (keys: Records)',
    },
    {
      why: 'plain text',
      text: 'hello world\n',
      error: "x.json: byte 0: unknown format: not JSON or NDJSON (starts with 'hello world ')",
    },
    {
      why: 'CSV',
      text: 'eventName,eventSource\nStopLogging,cloudtrail\n',
      error: expect.stringMatching(/^x\.json: byte 0: unknown format/),
    },
    { why: 'an empty file', text: '', error: 'x.json: byte 0: empty input' },
    { why: 'whitespace only', text: ' \n\r\n\t\n', error: 'x.json: byte 0: empty input' },
    {
      why: 'an empty gzip',
      text: gzipSync(Buffer.alloc(0)),
      error: 'x.json: byte 0: empty input (gzip holds no data)',
    },
  ])('refuses $why with one clear error', async ({ text, error }) => {
    // Act
    const items = await readBytes(text, 'x.json');
    // Assess
    expect(errorsOf(items).map((e) => e.message)).toEqual([error]);
  });

  it('refuses binary junk without reading it as text', async () => {
    // Prepare
    const junk = Buffer.alloc(100_000);
    for (let i = 0; i < junk.length; i += 1) junk[i] = (i * 7919 + 13) % 256;
    // Act
    const items = await readBytes(junk, 'junk.bin');
    // Assess
    expect(describeItems(items)).toEqual([
      expect.stringMatching(/^error junk\.bin: byte \d+: binary data, not JSON \(byte 0x[0-9a-f]{2}\)$/),
    ]);
  });

  it('reports a truncated gzip after the lines it could read', async () => {
    // Prepare
    const whole = gzipSync(Buffer.from(Array.from({ length: 2000 }, (_, i) => line(`id-${i}`)).join('\n')));
    const truncated = whole.subarray(0, Math.floor(whole.length * 0.6));
    // Act
    const items = await readBytes(truncated, 'cut.ndjson.gz');
    // Assess
    expect(errorsOf(items).map((e) => e.message)).toEqual([
      'cut.ndjson.gz: gzip: truncated or corrupt gzip (unexpected end of file)',
    ]);
    expect(eventsOf(items).length).toBeGreaterThan(100);
    expect(items.at(-1)?.kind).toBe('error');
  });

  it('stops a gzip bomb at maxInflatedBytes', async () => {
    // Prepare: about 100 KB that would inflate to 100 MB
    const bomb = gzipSync(
      Buffer.concat([Buffer.from(`${line('a')}\n{"pad": "`), Buffer.alloc(100 * 1024 * 1024, 'a')]),
    );
    // Act
    const items = await readBytes(bomb, 'bomb.json.gz', { maxInflatedBytes: 8 * 1024 * 1024 });
    // Assess
    expect(bomb.length).toBeLessThan(200_000);
    expect(describeItems(items)).toEqual([
      'error bomb.json.gz: gzip: gzip inflates to more than 8388608 bytes (maxInflatedBytes): gzip bomb or input too large',
    ]);
  });

  it('stops a gzip bomb inside awslogs.data at the same bound', async () => {
    // Prepare
    const payload = gzipSync(Buffer.alloc(20 * 1024 * 1024, ' ')).toString('base64');
    // Act
    const items = await readBytes(JSON.stringify({ awslogs: { data: payload } }), 'cwl.json', {
      maxInflatedBytes: 1024 * 1024,
    });
    // Assess
    expect(errorsOf(items).map((e) => e.message)).toEqual([
      'cwl.json: awslogs.data: gzip inflates to more than 1048576 bytes (maxInflatedBytes): gzip bomb or input too large',
    ]);
  });

  it('reports a line over maxLineBytes by size and reads on', async () => {
    // Prepare
    const text = [line('a'), line('b'), `{"pad": "${'x'.repeat(5000)}"}`, line('d')].join('\n');
    // Act
    const items = await readBytes(text, 'dump.ndjson', { maxLineBytes: 4096 });
    // Assess
    expect(describeItems(items)).toEqual([
      'event line 1 DeleteTrail',
      'event line 2 DeleteTrail',
      'error dump.ndjson: line 3: line of 5011 bytes is longer than maxLineBytes (4096)',
      'event line 4 DeleteTrail',
    ]);
  });

  it('refuses a pretty-printed document over maxDocumentBytes', async () => {
    // Prepare
    const text = JSON.stringify({ Records: Array.from({ length: 50 }, () => record) }, null, 2);
    // Act
    const items = await readBytes(text, 'big.json', { maxDocumentBytes: 10_000 });
    // Assess
    expect(describeItems(items)).toEqual([
      'error big.json: document: document larger than maxDocumentBytes (10000 bytes)',
    ]);
  });

  it('reads a UTF-8 byte-order mark, CRLF line ends and blank lines', async () => {
    // Prepare
    const text = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`\r\n${line('a')}\r\n\r\n${line('b')}\r\n`),
    ]);
    // Act
    const items = await readBytes(text, 'win.ndjson');
    // Assess
    expect(describeItems(items)).toEqual(['event line 2 DeleteTrail', 'event line 4 DeleteTrail']);
  });

  it('reads a one-line document larger than maxLineBytes (a CloudTrail S3 file is one line)', async () => {
    // Prepare
    const text = JSON.stringify({
      Records: Array.from({ length: 200 }, (_, i) => ({ ...record, eventID: `id-${i}` })),
    });
    // Act
    const items = await readBytes(text, 'trail.json', { maxLineBytes: 1024 });
    // Assess
    expect(eventsOf(items)).toHaveLength(200);
  });

  it('turns a failing source into an error item instead of throwing', async () => {
    // Prepare
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(`${line('a')}\n${line('b')}\n`);
      throw new Error('EIO: i/o error, read');
    }
    // Act
    const items = await readAll(failing(), 'disk.ndjson');
    // Assess
    expect(describeItems(items)).toEqual([
      'event line 1 DeleteTrail',
      'event line 2 DeleteTrail',
      'error disk.ndjson: input: read failed (EIO: i/o error, read)',
    ]);
  });

  it('releases a gzip stream when the caller stops early', async () => {
    // Prepare
    const zipped = gzipSync(Buffer.from(Array.from({ length: 5000 }, (_, i) => line(`id-${i}`)).join('\n')));
    // Act
    const seen: string[] = [];
    for await (const item of readEvents(chunksOf(zipped, 1024), 'stop.ndjson.gz')) {
      seen.push(item.kind);
      if (seen.length === 2) break;
    }
    // Assess
    expect(seen).toEqual(['event', 'event']);
  });

  it('stops reading the source when the caller stops early', async () => {
    // Prepare
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled += 1;
        yield Buffer.from(`${line(`id-${pulled}`)}\n`);
      }
    }
    // Act
    let seen = 0;
    for await (const item of readEvents(endless(), 'endless.ndjson')) {
      if (item.kind === 'event') seen += 1;
      if (seen === 3) break;
    }
    // Assess
    expect(pulled).toBeLessThan(10);
  });
});
