import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  ConflictError,
  DomainError,
  FailedPreconditionError,
  InvalidArgumentError,
  AlreadyExistsError,
  NotFoundError,
  ResourceExhaustedError,
  UnavailableError,
} from '../../../src/common/errors.js';
import { errorStatus } from '../../../src/common/grpc/error-status.js';

describe('errorStatus', () => {
  it('maps each domain category by class, whatever its reason', () => {
    const cases: [DomainError, status, string][] = [
      [new InvalidArgumentError([{ field: 'a', description: 'b' }]), status.INVALID_ARGUMENT, 'INVALID_ARGUMENT'],
      [new NotFoundError('chain web', 'CHAIN_NOT_FOUND'), status.NOT_FOUND, 'CHAIN_NOT_FOUND'],
      [new AlreadyExistsError('chain web', 'CHAIN_ALREADY_EXISTS'), status.ALREADY_EXISTS, 'CHAIN_ALREADY_EXISTS'],
      [new AbortedError('retry'), status.ABORTED, 'ABORTED'],
      [new ConflictError('etag mismatch', 'ETAG_MISMATCH'), status.ABORTED, 'ETAG_MISMATCH'],
      [new ConflictError('racing apply'), status.ABORTED, 'CONFLICT'],
      [new FailedPreconditionError('node not ready'), status.FAILED_PRECONDITION, 'FAILED_PRECONDITION'],
      [new ResourceExhaustedError('locator full', 'SID_EXHAUSTED'), status.RESOURCE_EXHAUSTED, 'SID_EXHAUSTED'],
      [new UnavailableError('shutting down'), status.UNAVAILABLE, 'UNAVAILABLE'],
    ];
    for (const [err, code, reason] of cases) {
      expect(errorStatus(err)).toMatchObject({ code, reason, message: err.message, internal: false });
    }
  });

  it('maps plain DomainErrors by category reason', () => {
    expect(errorStatus(new DomainError('CONFLICT', 'x')).code).toBe(status.ABORTED);
    expect(errorStatus(new DomainError('ABORTED', 'x')).code).toBe(status.ABORTED);
    expect(errorStatus(new DomainError('NOT_FOUND', 'x')).code).toBe(status.NOT_FOUND);
    expect(errorStatus(new DomainError('FAILED_PRECONDITION', 'x')).code).toBe(status.FAILED_PRECONDITION);
    expect(errorStatus(new DomainError('RESOURCE_EXHAUSTED', 'x')).code).toBe(status.RESOURCE_EXHAUSTED);
  });

  it('carries field violations of INVALID_ARGUMENT only', () => {
    const v = [{ field: 'spec.functions[2].node', description: 'is unknown' }];
    expect(errorStatus(new InvalidArgumentError(v)).violations).toEqual(v);
    expect(errorStatus(new NotFoundError('x')).violations).toEqual([]);
  });

  it('anything else is INTERNAL with a generic message', () => {
    for (const err of [new Error('secret'), new TypeError('x is undefined'), 'a string', { code: 5 }, undefined]) {
      expect(errorStatus(err)).toEqual({ code: status.INTERNAL, message: 'internal error', reason: 'INTERNAL', violations: [], internal: true });
    }
    // 'toString' is on every object's prototype: it must not look like a known reason.
    expect(errorStatus(new DomainError('toString', 'x')).code).toBe(status.INTERNAL);
  });
});
