/**
 * Runs `task` over `items` with at most `limit` tasks in flight, and settles like `Promise.allSettled`: every task runs
 * to its end whatever the others do, and the results come back in the order of `items`. Tasks start in input order. A
 * batch of hundreds of findings would otherwise open one AWS SDK request per finding at once, past the client's socket
 * pool, and invite throttling. A `task` that throws synchronously counts as a rejection.
 *
 * Rejects with a `RangeError` (before starting any task) when `limit` is not a positive integer.
 *
 * @example
 * const settled = await mapLimit(findings, 16, (finding) => dedup.claim({ findingId: finding.id, scopeKey, now }));
 * const failure = settled.find((result) => result.status === 'rejected'); // settled[i] belongs to findings[i]
 */
const mapLimit = async <T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> => {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const results: PromiseSettledResult<R>[] = [];
  let next = 0;
  // min(limit, items.length) workers; each takes the next index as soon as its task settles, so at most `limit` run.
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = { status: 'fulfilled', value: await task(items[index] as T, index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

export { mapLimit };
