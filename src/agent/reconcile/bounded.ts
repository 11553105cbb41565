/**
 * Bounded concurrency for the reconciler's instance operations (spawn, respawn, reconfigure,
 * destroy): independent items overlap, at most `width` at once, started in list order.
 *
 * - Items that share a key (the reconciler keys instances by slot) run one after the other, in
 *   list order, exactly as they would sequentially: a respawn that moves an instance out of a slot
 *   finishes before a later item takes that slot.
 * - Every item runs whatever the others do: nothing rejects early, the outcome of each item is
 *   returned in list order once all have settled (so no operation is still running afterwards).
 */
export const DEFAULT_SPAWN_CONCURRENCY = 4;

/** The most instance operations one agent may run at once (`--spawn-concurrency`). */
export const MAX_SPAWN_CONCURRENCY = 64;

export async function forEachBounded<T>(
  items: readonly T[],
  width: number,
  fn: (item: T) => Promise<void>,
  keysOf: (item: T) => readonly string[] = () => [],
): Promise<PromiseSettledResult<void>[]> {
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`concurrency must be a whole number >= 1, not ${width}`);
  const results: PromiseSettledResult<void>[] = new Array<PromiseSettledResult<void>>(items.length);
  // Per key, the settlement of the last item started with it (never rejects).
  const last = new Map<string, Promise<void>>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      // Taking an index and registering its keys is synchronous: every earlier item is registered.
      const i = next++;
      const item = items[i]!;
      const keys = keysOf(item);
      const before = keys.map((k) => last.get(k)).filter((p): p is Promise<void> => p !== undefined);
      const run = Promise.all(before).then(() => fn(item));
      const settled = run.then(
        () => undefined,
        () => undefined,
      );
      for (const k of keys) last.set(k, settled);
      try {
        await run;
        results[i] = { status: 'fulfilled', value: undefined };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}
