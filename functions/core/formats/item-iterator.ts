import { InputError } from './errors.js';
import type { InputItem } from './items.js';

type Batch = readonly InputItem[];

/** A read failure as the item that ends the input (readEvents never throws). */
const failureItem = (error: unknown, source: string): InputItem => {
  if (error instanceof InputError) return { kind: 'error', error };
  const reason = error instanceof Error ? error.message : String(error);
  return {
    kind: 'error',
    error: new InputError(`read failed (${reason})`, { source, location: 'input' }, { cause: error }),
  };
};

/**
 * Hands on the items of a stream of batches one at a time. An item already in the current batch is returned as a
 * resolved promise: no async generator step per item (test/bench measured ~0.15 µs per item for that step). Requests
 * are served in order even when a caller does not wait for the previous one; a failure of the batches becomes one
 * error item, after which the iterator is done; `return()` closes the batches.
 */
class ItemIterator implements AsyncIterableIterator<InputItem> {
  readonly #batches: AsyncIterator<Batch>;
  readonly #source: string;
  #batch: Batch = [];
  #index = 0;
  #done = false;
  /** The last request still being served (it never rejects); later requests wait for it. */
  #pending: Promise<void> | undefined;

  constructor(batches: AsyncIterator<Batch>, source: string) {
    this.#batches = batches;
    this.#source = source;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<InputItem>> {
    if (this.#pending === undefined && this.#index < this.#batch.length) {
      return Promise.resolve({ value: this.#batch[this.#index++] as InputItem, done: false });
    }
    const result = (this.#pending ?? Promise.resolve()).then(() => this.#advance());
    const settled: Promise<void> = result.then(
      () => this.#settle(settled),
      () => this.#settle(settled),
    );
    this.#pending = settled;
    return result;
  }

  #settle(settled: Promise<void>): void {
    if (this.#pending === settled) this.#pending = undefined;
  }

  async return(): Promise<IteratorResult<InputItem>> {
    await this.#pending;
    if (!this.#done) {
      this.#done = true;
      this.#batch = [];
      await this.#batches.return?.();
    }
    return { value: undefined, done: true };
  }

  async #advance(): Promise<IteratorResult<InputItem>> {
    while (this.#index >= this.#batch.length) {
      if (this.#done) return { value: undefined, done: true };
      let step: IteratorResult<Batch>;
      try {
        step = await this.#batches.next();
      } catch (error) {
        this.#done = true;
        this.#batch = [];
        return { value: failureItem(error, this.#source), done: false };
      }
      if (step.done === true) {
        this.#done = true;
        this.#batch = [];
        return { value: undefined, done: true };
      }
      this.#batch = step.value;
      this.#index = 0;
    }
    return { value: this.#batch[this.#index++] as InputItem, done: false };
  }
}

export { ItemIterator };
