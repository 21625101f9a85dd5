import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../functions/core/formats/errors.js';
import { ItemIterator } from '../../../../functions/core/formats/item-iterator.js';
import type { InputItem } from '../../../../functions/core/formats/items.js';

// readEvents hands items on through ItemIterator instead of an async generator step per item (test/bench). The plain
// path is that generator (readEvents before the change); both must behave alike: order, failures, early return and
// requests made without waiting.

type Batch = readonly InputItem[];

const notice = (n: number): InputItem => ({ kind: 'notice', message: `n${n}`, location: `line ${n}` });

/** Batches of the given sizes, failing after `failAfter` batches when set; records whether it was closed. */
const batches = (sizes: readonly number[], failAfter?: number, error: unknown = new Error('disk gone')) => {
  const state = { closed: false };
  async function* produce(): AsyncGenerator<Batch> {
    let n = 0;
    try {
      for (const [index, size] of sizes.entries()) {
        if (index === failAfter) throw error;
        yield Array.from({ length: size }, (_, k) => notice(n + k + 1));
        n += size;
      }
      if (failAfter === sizes.length) throw error;
    } finally {
      state.closed = true;
    }
  }
  return { iterator: produce(), state };
};

/** The plain path: readEvents' former body. */
async function* plain(source: AsyncIterator<Batch>): AsyncGenerator<InputItem> {
  try {
    for await (const batch of { [Symbol.asyncIterator]: () => source }) for (const item of batch) yield item;
  } catch (error) {
    if (error instanceof InputError) yield { kind: 'error', error };
    else {
      const reason = error instanceof Error ? error.message : String(error);
      yield {
        kind: 'error',
        error: new InputError(`read failed (${reason})`, { source: 's', location: 'input' }, { cause: error }),
      };
    }
  }
}

const describeItem = (item: InputItem): string =>
  item.kind === 'error' ? `error ${item.error.message}` : item.kind === 'notice' ? item.message : 'event';

const drain = async (iterable: AsyncIterable<InputItem>, stopAfter = Number.POSITIVE_INFINITY): Promise<string[]> => {
  const out: string[] = [];
  for await (const item of iterable) {
    out.push(describeItem(item));
    if (out.length >= stopAfter) break;
  }
  return out;
};

const shapes: { name: string; sizes: number[]; failAfter?: number; error?: unknown }[] = [
  { name: 'several batches', sizes: [3, 1, 0, 5] },
  { name: 'no batch', sizes: [] },
  { name: 'only empty batches', sizes: [0, 0] },
  { name: 'a failure after two batches', sizes: [2, 2, 2], failAfter: 2 },
  { name: 'a failure at the start', sizes: [2], failAfter: 0 },
  {
    name: 'an input error at the end',
    sizes: [1],
    failAfter: 1,
    error: new InputError('bad gzip', { source: 's', location: 'byte 9' }),
  },
  { name: 'a thrown string', sizes: [1], failAfter: 1, error: 'boom' },
];

describe('ItemIterator vs the async generator it replaced', () => {
  it.each(shapes)('yields the same items for $name', async ({ sizes, failAfter, error }) => {
    // Act
    const fast = await drain(new ItemIterator(batches(sizes, failAfter, error).iterator, 's'));
    const slow = await drain(plain(batches(sizes, failAfter, error).iterator));
    // Assess
    expect(fast).toEqual(slow);
  });

  it('closes the batches on an early return, as the generator does', async () => {
    // Prepare
    const a = batches([3, 3, 3]);
    const b = batches([3, 3, 3]);
    // Act
    const fast = await drain(new ItemIterator(a.iterator, 's'), 4);
    const slow = await drain(plain(b.iterator), 4);
    // Assess
    expect(fast).toEqual(slow);
    expect([a.state.closed, b.state.closed]).toEqual([true, true]);
  });

  it('serves requests made without waiting in order', async () => {
    // Prepare
    const fast = new ItemIterator(batches([2, 0, 3], 3).iterator, 's');
    const slow = plain(batches([2, 0, 3], 3).iterator);
    // Act
    const [a, b] = await Promise.all([
      Promise.all(Array.from({ length: 8 }, () => fast.next())),
      Promise.all(Array.from({ length: 8 }, () => slow.next())),
    ]);
    // Assess
    const view = (results: IteratorResult<InputItem>[]) =>
      results.map((result) => (result.done === true ? 'done' : describeItem(result.value)));
    expect(view(a)).toEqual(view(b));
  });
});
