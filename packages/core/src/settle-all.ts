/**
 * Runs `task` over every item with at most `limit` in flight, waits until all have settled, then
 * returns their results in order or throws the first failure (in item order). Waiting for all
 * before throwing means no request of a failed step is still running when the caller moves on.
 *
 * @example
 * ```ts
 * const claims = await settleAll(events, 32, claim); // at most 32 claims in flight
 * ```
 */
export const settleAll = async <T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await task(items[index]!) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<R>).value);
};
