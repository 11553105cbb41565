import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../src/common/backoff.js';

describe('Backoff', () => {
  it('doubles from the initial delay up to the ceiling, and starts over after reset', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(b.failures).toBe(6);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('jitter shortens each delay by up to its fraction', () => {
    expect(new Backoff({ initialMs: 1000, jitter: 0.2 }, () => 1).next()).toBe(800);
    expect(new Backoff({ initialMs: 1000, jitter: 0.2 }, () => 0).next()).toBe(1000);
  });

  it('never overflows past the ceiling', () => {
    const b = new Backoff({ initialMs: 1, maxMs: 5000, jitter: 0 });
    for (let i = 0; i < 5000; i++) b.next();
    expect(b.next()).toBe(5000);
  });
});
