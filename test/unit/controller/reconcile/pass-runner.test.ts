import { describe, expect, it } from 'vitest';
import { PassRunner } from '../../../../src/controller/reconcile/pass-runner.js';

/** A pass that waits to be released, so tests control when passes end. */
function gated() {
  let n = 0;
  let running = 0;
  let maxRunning = 0;
  const gates: (() => void)[] = [];
  const runner = new PassRunner(async () => {
    const id = ++n;
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise<void>((r) => gates.push(r));
    running--;
    return id;
  });
  const release = async () => {
    while (gates.length === 0) await new Promise((r) => setTimeout(r, 1));
    gates.shift()!();
  };
  return { runner, release, stats: () => ({ passes: n, maxRunning }) };
}

describe('pass runner', () => {
  it('serves a burst of requests with one pass', async () => {
    const { runner, release, stats } = gated();
    const results = Array.from({ length: 100 }, () => runner.after(runner.request()));
    await release();
    expect(new Set(await Promise.all(results))).toEqual(new Set([1]));
    expect(stats().passes).toBe(1);
  });

  it('a request made while a pass runs gets the next pass (which the running one could not have seen)', async () => {
    const { runner, release, stats } = gated();
    const first = runner.fresh();
    await new Promise((r) => setTimeout(r, 1));
    const second = runner.fresh();
    const third = runner.fresh(); // shares the queued pass
    await release();
    expect(await first).toBe(1);
    await release();
    expect([await second, await third]).toEqual([2, 2]);
    expect(stats()).toEqual({ passes: 2, maxRunning: 1 });
  });

  it('an old ticket is served by the last finished pass at once', async () => {
    const { runner, release, stats } = gated();
    const t = runner.request();
    const p = runner.after(t);
    await release();
    await p;
    expect(await runner.after(t)).toBe(1);
    expect(stats().passes).toBe(1);
  });

  it('a failed pass fails its waiters; the next request runs a new pass', async () => {
    let n = 0;
    const runner = new PassRunner(async () => {
      if (++n === 1) throw new Error('store down');
      return n;
    });
    await expect(runner.fresh()).rejects.toThrow('store down');
    expect(await runner.fresh()).toBe(2);
  });
});
