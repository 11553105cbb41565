import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkQueue } from '../../../src/controller/reconcile/work-queue.js';

afterEach(() => vi.useRealTimers());

describe('work queue', () => {
  it('queues a key once, in order of first add', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  it('never hands out a key twice at once; an add during processing runs it again after', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    const k = await q.get();
    q.add('a'); // while processing
    expect(q.length).toBe(0);
    q.done(k!);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
  });

  it('backs off exponentially per key and forgets on success', () => {
    vi.useFakeTimers();
    const q = new WorkQueue<string>({ baseMs: 10, maxMs: 100 });
    expect([q.addRateLimited('a'), q.addRateLimited('a'), q.addRateLimited('a'), q.addRateLimited('a'), q.addRateLimited('a')]).toEqual([10, 20, 40, 80, 100]);
    expect(q.addRateLimited('b')).toBe(10);
    q.forget('a');
    expect(q.addRateLimited('a')).toBe(10);
  });

  it('delayed adds fire after their delay; an immediate add supersedes them', async () => {
    vi.useFakeTimers();
    const q = new WorkQueue<string>();
    q.addAfter('a', 1000);
    expect(q.length).toBe(0);
    vi.advanceTimersByTime(999);
    expect(q.length).toBe(0);
    vi.advanceTimersByTime(1);
    expect(q.length).toBe(1);
    q.addAfter('b', 1000);
    q.add('b');
    vi.advanceTimersByTime(1000);
    expect(q.length).toBe(2); // b once, not twice
  });

  it('run(): retries failures with backoff, honours requeueAfter, stops on shutdown', async () => {
    const q = new WorkQueue<string>({ baseMs: 1, maxMs: 4 });
    const seen: string[] = [];
    let failures = 2;
    const errors: number[] = [];
    const running = q.run(
      2,
      async (key) => {
        seen.push(key);
        if (key === 'flaky' && failures-- > 0) throw new Error('not yet');
        return key === 'again' && seen.filter((s) => s === 'again').length < 2 ? { requeueAfterMs: 1 } : undefined;
      },
      (_k, _e, retry) => errors.push(retry),
    );
    q.add('flaky');
    q.add('again');
    await vi.waitFor(() => expect(seen.filter((s) => s === 'flaky')).toHaveLength(3));
    await vi.waitFor(() => expect(seen.filter((s) => s === 'again')).toHaveLength(2));
    expect(errors).toEqual([1, 2]);
    expect(q.failuresOf('flaky')).toBe(0);
    q.shutdown();
    await running;
  });
});
