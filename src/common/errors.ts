/**
 * Domain errors. Every error the product raises on purpose carries a machine-readable `reason`
 * (UPPER_SNAKE_CASE, what clients switch on) so the gRPC layer can map it without string matching.
 */
export interface FieldViolation {
  /** Path of the offending field, e.g. `behavior.nh4` or `spec.functions[2].node`. */
  readonly field: string;
  readonly description: string;
}

export class DomainError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: reports every violation found, each with its field path. */
export class InvalidArgumentError extends DomainError {
  constructor(
    readonly violations: readonly FieldViolation[],
    what = 'invalid object',
  ) {
    super('INVALID_ARGUMENT', `${what}: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`);
  }
}

/** Collects field violations so a validator can report all of them at once. */
export class Violations {
  readonly list: FieldViolation[] = [];

  add(field: string, description: string): void {
    this.list.push({ field, description });
  }

  throwIfAny(what?: string): void {
    if (this.list.length > 0) throw new InvalidArgumentError(this.list, what);
  }
}

/*
 * Categories the transport maps to status codes (src/common/grpc/error-status.ts). Each takes the
 * message first and a default reason, so the common case is `new NotFoundError('chain web')`; pass
 * a more specific reason (CHAIN_NOT_FOUND, ETAG_MISMATCH, ...) when clients should tell cases apart.
 * The class says what the client should do; the reason says what happened.
 */

/** The named resource does not exist. */
export class NotFoundError extends DomainError {
  constructor(message: string, reason = 'NOT_FOUND') {
    super(reason, message);
  }
}

/** The resource to create exists already (a create, not an apply). */
export class AlreadyExistsError extends DomainError {
  constructor(message: string, reason = 'ALREADY_EXISTS') {
    super(reason, message);
  }
}

/** A concurrency conflict: the client should re-read and retry its read-modify-write. */
export class AbortedError extends DomainError {
  constructor(message: string, reason = 'ABORTED') {
    super(reason, message);
  }
}

/** A conflicting change (etag mismatch, stale generation, racing apply): an AbortedError. */
export class ConflictError extends AbortedError {
  constructor(message: string, reason = 'CONFLICT') {
    super(message, reason);
  }
}

/** The system is not in a state that allows the operation; retrying as is will not help. */
export class FailedPreconditionError extends DomainError {
  constructor(message: string, reason = 'FAILED_PRECONDITION') {
    super(reason, message);
  }
}

/** A quota or pool is used up (e.g. no SID left in a locator). */
export class ResourceExhaustedError extends DomainError {
  constructor(message: string, reason = 'RESOURCE_EXHAUSTED') {
    super(reason, message);
  }
}

/** Temporarily unable to serve (shutting down, a dependency unreachable): retry the call later. */
export class UnavailableError extends DomainError {
  constructor(message: string, reason = 'UNAVAILABLE') {
    super(reason, message);
  }
}
