import { describe, expect, it } from 'vitest';
import { DomainError, InvalidArgumentError, Violations } from '../../../src/common/errors.js';

describe('domain errors', () => {
  it('DomainError carries a reason and its subclass name', () => {
    const e = new DomainError('SOMETHING', 'went wrong');
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.reason, e.message]).toEqual(['DomainError', 'SOMETHING', 'went wrong']);
  });

  it('InvalidArgumentError lists every violation in its message', () => {
    const e = new InvalidArgumentError(
      [
        { field: 'a.b', description: 'is bad' },
        { field: 'c', description: 'is worse' },
      ],
      'invalid thing',
    );
    expect(e).toBeInstanceOf(DomainError);
    expect([e.name, e.reason]).toEqual(['InvalidArgumentError', 'INVALID_ARGUMENT']);
    expect(e.message).toBe('invalid thing: a.b: is bad; c: is worse');
    expect(new InvalidArgumentError([{ field: 'x', description: 'y' }]).message).toBe('invalid object: x: y');
  });

  it('Violations collects and throws only when there is something to report', () => {
    const v = new Violations();
    expect(() => v.throwIfAny()).not.toThrow();
    v.add('spec.functions[2].node', 'is unknown');
    v.add('spec.ingress', 'is required');
    let err: unknown;
    try {
      v.throwIfAny('invalid chain');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).violations).toEqual([
      { field: 'spec.functions[2].node', description: 'is unknown' },
      { field: 'spec.ingress', description: 'is required' },
    ]);
    expect((err as Error).message).toMatch(/^invalid chain: /);
  });
});
