import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../../functions/core/map-limit.js';

type Deferred<T> = { promise: Promise<T>; resolve(value: T): void; reject(reason: unknown): void };

const deferredPromise = <T>(): Deferred<T> => {
  let resolve: (value: T) => void = () => undefined;
  let reject: (reason: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

/** Lets every pending promise callback run, so the workers can take their next items. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A task whose calls stay pending until the test settles them; it tracks how many are in flight. */
const gatedTask = <T>() => {
  const gates = new Map<number, Deferred<T>>();
  const started: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const task = async (_item: unknown, index: number): Promise<T> => {
    const gate = deferredPromise<T>();
    gates.set(index, gate);
    started.push(index);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      return await gate.promise;
    } finally {
      inFlight -= 1;
    }
  };
  return {
    task,
    gates,
    started,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
  };
};

describe('mapLimit()', () => {
  it('returns the results in input order, whatever order the tasks finish in', async () => {
    // Prepare
    const gated = gatedTask<string>();
    const items = ['a', 'b', 'c', 'd', 'e'];

    // Act
    const running = mapLimit(items, 5, gated.task);
    for (const index of [3, 0, 4, 2, 1]) {
      gated.gates.get(index)?.resolve(`${items[index]}!`);
      await flush();
    }
    const settled = await running;

    // Assess
    expect(settled).toEqual(items.map((item) => ({ status: 'fulfilled', value: `${item}!` })));
  });

  it('never has more than `limit` tasks in flight, and starts them in input order', async () => {
    // Prepare
    const gated = gatedTask<number>();
    const items = Array.from({ length: 10 }, (_, index) => index);

    // Act
    const running = mapLimit(items, 3, gated.task);
    const inFlightAtStart = gated.inFlight();
    for (let index = 0; index < items.length; index += 1) {
      await flush();
      expect(gated.inFlight()).toBeLessThanOrEqual(3);
      gated.gates.get(index)?.resolve(index * 2);
    }
    const settled = await running;

    // Assess
    expect(inFlightAtStart).toBe(3);
    expect(gated.maxInFlight()).toBe(3);
    expect(gated.started).toEqual(items);
    expect(settled.map((result) => (result.status === 'fulfilled' ? result.value : undefined))).toEqual(
      items.map((item) => item * 2),
    );
  });

  it('starts the next task as soon as one settles, not when the whole wave is done', async () => {
    // Prepare
    const gated = gatedTask<number>();

    // Act
    const running = mapLimit([0, 1, 2, 3], 2, gated.task);
    gated.gates.get(1)?.resolve(1);
    await flush();
    const startedWhileFirstPending = [...gated.started];
    gated.gates.get(0)?.resolve(0);
    gated.gates.get(2)?.resolve(2);
    await flush();
    gated.gates.get(3)?.resolve(3);
    await running;

    // Assess
    expect(startedWhileFirstPending).toEqual([0, 1, 2]);
  });

  it('settles every task when some reject, and reports each rejection in its place', async () => {
    // Prepare
    const seen: number[] = [];
    const task = async (item: number): Promise<number> => {
      seen.push(item);
      if (item % 2 === 1) throw new Error(`item ${item} failed`);
      return item;
    };

    // Act
    const settled = await mapLimit([0, 1, 2, 3, 4], 2, task);

    // Assess
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(settled).toEqual([
      { status: 'fulfilled', value: 0 },
      { status: 'rejected', reason: new Error('item 1 failed') },
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('item 3 failed') },
      { status: 'fulfilled', value: 4 },
    ]);
  });

  it('counts a task that throws before returning a promise as a rejection', async () => {
    // Prepare
    const failure = new Error('sync failure');
    const task = (item: number): Promise<number> => {
      if (item === 1) throw failure;
      return Promise.resolve(item);
    };

    // Act
    const settled = await mapLimit([0, 1, 2], 1, task);

    // Assess
    expect(settled).toEqual([
      { status: 'fulfilled', value: 0 },
      { status: 'rejected', reason: failure },
      { status: 'fulfilled', value: 2 },
    ]);
  });

  it('returns an empty array for no items, without calling the task', async () => {
    // Prepare
    const calls: number[] = [];

    // Act
    const settled = await mapLimit([], 4, async (_item, index) => calls.push(index));

    // Assess
    expect(settled).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('runs every item at once when the limit is larger than the input', async () => {
    // Prepare
    const gated = gatedTask<string>();

    // Act
    const running = mapLimit(['x', 'y'], 50, gated.task);
    const inFlightAtStart = gated.inFlight();
    for (const gate of gated.gates.values()) gate.resolve('done');
    const settled = await running;

    // Assess
    expect(inFlightAtStart).toBe(2);
    expect(settled).toEqual([
      { status: 'fulfilled', value: 'done' },
      { status: 'fulfilled', value: 'done' },
    ]);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses a limit of %s', async (limit) => {
    // Prepare
    const calls: number[] = [];

    // Act
    const running = mapLimit([1, 2], limit, async (item) => calls.push(item));

    // Assess
    await expect(running).rejects.toThrow(RangeError);
    expect(calls).toEqual([]);
  });
});
