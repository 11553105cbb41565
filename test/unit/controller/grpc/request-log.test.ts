/** The request-id log on its own: once per id, failures forgotten, bounded, least recently used first out. */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../src/common/errors.js';
import { RequestLog, requestDigest } from '../../../../src/controller/grpc/request-log.js';

describe('RequestLog', () => {
  it('runs once per (method, id); without an id, every time', async () => {
    const log = new RequestLog();
    let runs = 0;
    const call = async () => ++runs;
    expect(await log.run('M', 'id1', { a: 1 }, call)).toBe(1);
    expect(await log.run('M', 'id1', { a: 1 }, call)).toBe(1);
    expect(await log.run('N', 'id1', { a: 1 }, call)).toBe(2);
    expect(await log.run('M', undefined, { a: 1 }, call)).toBe(3);
    expect(await log.run('M', undefined, { a: 1 }, call)).toBe(4);
  });

  it('forgets failures, refuses an id reused for another request', async () => {
    const log = new RequestLog();
    await expect(log.run('M', 'id', { a: 1 }, async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await log.run('M', 'id', { a: 1 }, async () => 'ok')).toBe('ok');
    await expect(log.run('M', 'id', { a: 2 }, async () => 'other')).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('keeps at most `capacity` answers per method, dropping the least recently used', async () => {
    const log = new RequestLog(2);
    let runs = 0;
    const call = async () => ++runs;
    await log.run('M', 'a', {}, call); // 1
    await log.run('M', 'b', {}, call); // 2
    await log.run('M', 'a', {}, call); // a used again: b is now the oldest
    await log.run('M', 'c', {}, call); // 3, drops b
    expect(await log.run('M', 'a', {}, call)).toBe(1);
    expect(await log.run('M', 'b', {}, call)).toBe(4);
  });

  it('digests requests independently of key order', () => {
    expect(requestDigest({ a: 1, b: { x: [1, 2], y: 'z' } })).toBe(requestDigest({ b: { y: 'z', x: [1, 2] }, a: 1 }));
    expect(requestDigest({ a: 1 })).not.toBe(requestDigest({ a: 2 }));
  });
});
