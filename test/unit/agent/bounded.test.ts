/** forEachBounded: the reconciler's bounded concurrency for instance operations. */
import { describe, expect, it } from 'vitest';
import { forEachBounded } from '../../../src/agent/reconcile/bounded.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs n items of `ms` each through forEachBounded, recording the concurrency and the start order. */
async function probe(n: number, width: number, opts: { keys?: (i: number) => string[]; fail?: (i: number) => boolean; ms?: (i: number) => number } = {}) {
  let running = 0;
  let high = 0;
  const started: number[] = [];
  const finished: number[] = [];
  const log: string[] = [];
  const items = Array.from({ length: n }, (_, i) => i);
  const results = await forEachBounded(
    items,
    width,
    async (i) => {
      running++;
      high = Math.max(high, running);
      started.push(i);
      log.push(`start ${i}`);
      await tick(opts.ms?.(i) ?? 2);
      running--;
      finished.push(i);
      log.push(`end ${i}`);
      if (opts.fail?.(i)) throw new Error(`item ${i} failed`);
    },
    opts.keys,
  );
  return { results, high, started, finished, running, log };
}

describe('forEachBounded', () => {
  it('overlaps up to the width, never beyond, and starts items in list order', async () => {
    const p = await probe(10, 4);
    expect(p.high).toBe(4);
    expect(p.started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(p.results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect((await probe(3, 4)).high).toBe(3);
    expect((await probe(5, 1)).high).toBe(1);
    expect(await forEachBounded([], 4, () => Promise.reject(new Error('never')))).toEqual([]);
  });

  it('a failure is that item’s own: every other item runs, the outcomes come back in list order', async () => {
    const p = await probe(8, 3, { fail: (i) => i === 1 || i === 6 });
    expect(p.finished.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(p.results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((p.results[6] as PromiseRejectedResult).reason).toEqual(new Error('item 6 failed'));
    expect(p.running).toBe(0); // nothing is still running when it resolves
  });

  it('items sharing a key run one after the other in list order; the rest still overlap', async () => {
    // 0 is slow and shares key k with 3; 3 must not start before 0 has finished.
    const p = await probe(6, 3, { keys: (i) => (i === 0 || i === 3 ? ['k'] : [`own${i}`]), ms: (i) => (i === 0 ? 30 : 2) });
    expect(p.log.indexOf('end 0')).toBeLessThan(p.log.indexOf('start 3'));
    expect(p.log.indexOf('start 5')).toBeLessThan(p.log.indexOf('start 3')); // 4 and 5 went ahead while 3 waited
    expect(p.high).toBe(3);
  });

  it('a failed item still releases its key', async () => {
    const p = await probe(3, 2, { keys: () => ['same'], fail: (i) => i === 0 });
    expect(p.results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(p.high).toBe(1);
  });

  it('refuses a width below 1', async () => {
    await expect(forEachBounded([1], 0, async () => undefined)).rejects.toThrow(RangeError);
  });
});
