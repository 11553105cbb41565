import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../../../src/common/lifecycle.js';

function recorder() {
  const calls: string[] = [];
  const hook = (name: string, opts: { failStart?: boolean; failStop?: boolean; hangStop?: boolean } = {}) => ({
    name,
    start: async () => {
      calls.push(`start ${name}`);
      if (opts.failStart) throw new Error(`${name} cannot start`);
    },
    stop: async () => {
      calls.push(`stop ${name}`);
      if (opts.hangStop) await new Promise(() => undefined);
      if (opts.failStop) throw new Error(`${name} cannot stop`);
    },
  });
  return { calls, hook };
}

describe('Lifecycle', () => {
  it('starts in order and stops in reverse', async () => {
    const { calls, hook } = recorder();
    const lc = new Lifecycle();
    for (const n of ['store', 'server', 'registration']) lc.append(hook(n));
    await lc.start();
    await lc.stop();
    await lc.stop(); // idempotent
    expect(calls).toEqual(['start store', 'start server', 'start registration', 'stop registration', 'stop server', 'stop store']);
  });

  it('a failing start stops what already started, in reverse, and reports the start error', async () => {
    const { calls, hook } = recorder();
    const lc = new Lifecycle();
    lc.append(hook('a'));
    lc.append(hook('b'));
    lc.append(hook('c', { failStart: true }));
    lc.append(hook('d'));
    await expect(lc.start()).rejects.toThrow('start c: c cannot start');
    expect(calls).toEqual(['start a', 'start b', 'start c', 'stop b', 'stop a']);
  });

  it('stop runs every hook even when some fail, and joins the errors', async () => {
    const { calls, hook } = recorder();
    const lc = new Lifecycle();
    lc.append(hook('a', { failStop: true }));
    lc.append(hook('b'));
    lc.append(hook('c', { failStop: true }));
    await lc.start();
    const err = await lc.stop().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AggregateError);
    expect((err as AggregateError).errors.map((e: Error) => e.message)).toEqual(['stop c: c cannot stop', 'stop a: a cannot stop']);
    expect(calls.slice(3)).toEqual(['stop c', 'stop b', 'stop a']);
  });

  it('a hook that does not stop in time counts as failed; the others still stop', async () => {
    const { calls, hook } = recorder();
    const lc = new Lifecycle({ stopTimeoutMs: 20 });
    lc.append(hook('a'));
    lc.append(hook('b', { hangStop: true }));
    await lc.start();
    await expect(lc.stop()).rejects.toThrow('stop b: did not stop within 20 ms');
    expect(calls.slice(2)).toEqual(['stop b', 'stop a']);
  });

  it('refuses hooks after start', async () => {
    const lc = new Lifecycle();
    await lc.start();
    expect(() => lc.append({ name: 'late' })).toThrow(/after start/);
  });
});
