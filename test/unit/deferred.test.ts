import { describe, expect, it } from 'vitest';
import { deferred, loadOnce } from '../../functions/deferred.js';

type Counter = { add(amount: number): Promise<number>; total(): Promise<number> };

class MemoryCounter implements Counter {
  private sum = 0;
  async add(amount: number): Promise<number> {
    this.sum += amount;
    return this.sum;
  }
  async total(): Promise<number> {
    return this.sum;
  }
}

const counting = (fail = 0) => {
  const loads: number[] = [];
  const load = async (): Promise<Counter> => {
    loads.push(loads.length);
    if (loads.length <= fail) throw new Error(`load ${loads.length} failed`);
    return new MemoryCounter();
  };
  return { loads, load };
};

describe('deferred', () => {
  it('does not load before the first call', () => {
    // Prepare
    const { loads, load } = counting();
    // Act
    deferred(load, { add: true, total: true });
    // Assess
    expect(loads).toEqual([]);
  });

  it('loads once, on the first call, and forwards arguments, results and the receiver', async () => {
    // Prepare
    const { loads, load } = counting();
    const counter = deferred(load, { add: true, total: true });
    // Act
    const results = await Promise.all([counter.add(2), counter.add(3), counter.total()]);
    const after = await counter.add(5);
    // Assess
    expect(loads).toHaveLength(1);
    expect(results).toEqual([2, 5, 5]);
    expect(after).toBe(10);
  });

  it('rejects the calls of a failed load and loads again on the next call', async () => {
    // Prepare
    const { loads, load } = counting(1);
    const counter = deferred(load, { add: true, total: true });
    // Act
    const first = counter.add(1);
    // Assess
    await expect(first).rejects.toThrow('load 1 failed');
    await expect(counter.add(4)).resolves.toBe(4);
    expect(loads).toHaveLength(2);
  });

  it('passes on an error of the implementation', async () => {
    // Prepare
    const failing = deferred(async () => ({ publish: async () => Promise.reject(new Error('topic gone')) }), {
      publish: true,
    });
    // Act
    const act = failing.publish();
    // Assess
    await expect(act).rejects.toThrow('topic gone');
  });
});

describe('loadOnce', () => {
  it('shares one load between concurrent and later calls', async () => {
    // Prepare
    const { loads, load } = counting();
    const get = loadOnce(load);
    // Act
    const [a, b] = await Promise.all([get(), get()]);
    const c = await get();
    // Assess
    expect(loads).toHaveLength(1);
    expect(a).toBe(b);
    expect(c).toBe(a);
  });

  it('forgets a rejected load, so ports built on it recover on the next call', async () => {
    // Prepare: two ports over one shared load, as the detector wires its DynamoDB-backed ports
    const { loads, load } = counting(1);
    const shared = loadOnce(async () => ({ left: await load(), right: await load() }));
    const left = deferred(async () => (await shared()).left, { add: true, total: true });
    const right = deferred(async () => (await shared()).right, { add: true, total: true });
    // Act
    const failed = left.add(1);
    // Assess
    await expect(failed).rejects.toThrow('load 1 failed');
    await expect(right.add(2)).resolves.toBe(2);
    await expect(left.add(3)).resolves.toBe(3);
    expect(loads).toHaveLength(3); // the failed one, then left and right once
  });
});
