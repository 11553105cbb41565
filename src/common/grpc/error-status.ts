/**
 * Which gRPC status a thrown error becomes. Codes are chosen by what the client should do
 * (AIP-193): fix the request (INVALID_ARGUMENT), re-read and retry the read-modify-write (ABORTED),
 * fix the system first (FAILED_PRECONDITION), retry the call later (UNAVAILABLE). Anything the
 * product did not throw on purpose is INTERNAL with a generic message: its text may carry paths,
 * addresses or stack details that belong in the server log, not in a client's hands.
 */
import { status } from '@grpc/grpc-js';
import {
  AbortedError,
  DomainError,
  FailedPreconditionError,
  type FieldViolation,
  InvalidArgumentError,
  AlreadyExistsError,
  NotFoundError,
  ResourceExhaustedError,
  UnavailableError,
} from '../errors.js';

export interface ErrorStatus {
  readonly code: status;
  /** What the client may see. */
  readonly message: string;
  /** google.rpc.ErrorInfo reason (UPPER_SNAKE_CASE). */
  readonly reason: string;
  readonly violations: readonly FieldViolation[];
  /** True when the error was not a deliberate DomainError of a known category: log it in full. */
  readonly internal: boolean;
}

/** By class first (a NotFoundError with reason CHAIN_NOT_FOUND is still NOT_FOUND)... */
const BY_CLASS: readonly [abstract new (...args: never[]) => DomainError, status][] = [
  [InvalidArgumentError, status.INVALID_ARGUMENT],
  [NotFoundError, status.NOT_FOUND],
  [AlreadyExistsError, status.ALREADY_EXISTS],
  [AbortedError, status.ABORTED],
  [FailedPreconditionError, status.FAILED_PRECONDITION],
  [ResourceExhaustedError, status.RESOURCE_EXHAUSTED],
  [UnavailableError, status.UNAVAILABLE],
];

/** ...then by reason, for plain DomainErrors thrown with a category name as their reason. */
const BY_REASON: Readonly<Record<string, status>> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  CONFLICT: status.ABORTED,
  ABORTED: status.ABORTED,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  RESOURCE_EXHAUSTED: status.RESOURCE_EXHAUSTED,
  UNAVAILABLE: status.UNAVAILABLE,
};

export const INTERNAL_MESSAGE = 'internal error';

export function errorStatus(err: unknown): ErrorStatus {
  if (err instanceof DomainError) {
    const code = BY_CLASS.find(([cls]) => err instanceof cls)?.[1] ?? (Object.hasOwn(BY_REASON, err.reason) ? BY_REASON[err.reason] : undefined);
    const violations = err instanceof InvalidArgumentError ? err.violations : [];
    if (code !== undefined) return { code, message: err.message, reason: err.reason, violations, internal: false };
    // Deliberate but of no category the transport knows: keep the reason (clients may switch on
    // it), hide the message.
    return { code: status.INTERNAL, message: INTERNAL_MESSAGE, reason: err.reason, violations: [], internal: true };
  }
  return { code: status.INTERNAL, message: INTERNAL_MESSAGE, reason: 'INTERNAL', violations: [], internal: true };
}
