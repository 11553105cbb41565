/**
 * sfcctl's exit codes, chosen by what a script should do next (the same split gRPC's codes make,
 * AIP-193): fix the input (2), accept that it is not there (3), wait longer (4), re-read and retry
 * (5), check the controller is up (6). Anything else that failed is 1. Documented in docs/cli.md.
 */
import { status } from '@grpc/grpc-js';

export const ExitCode = {
  OK: 0,
  /** A runtime or RPC failure of no more specific kind (FAILED_PRECONDITION, INTERNAL, ...). */
  FAILURE: 1,
  /** Bad usage, or invalid input: documents that do not parse, INVALID_ARGUMENT. */
  INVALID: 2,
  /** The named resource does not exist (NOT_FOUND). */
  NOT_FOUND: 3,
  /** `--wait` gave up before every chain was Ready. */
  TIMEOUT: 4,
  /** A concurrent change won (ABORTED: etag mismatch, ...; ALREADY_EXISTS). */
  CONFLICT: 5,
  /** The controller could not be reached or did not answer in time (UNAVAILABLE, DEADLINE_EXCEEDED). */
  UNREACHABLE: 6,
  /** Interrupted (SIGINT) while waiting: the shell's convention, 128 + 2. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code a failed call's gRPC status maps to. */
export function exitCodeForStatus(code: status): ExitCode {
  switch (code) {
    case status.OK:
      return ExitCode.OK;
    case status.INVALID_ARGUMENT:
    case status.OUT_OF_RANGE:
      return ExitCode.INVALID;
    case status.NOT_FOUND:
      return ExitCode.NOT_FOUND;
    case status.ABORTED:
    case status.ALREADY_EXISTS:
      return ExitCode.CONFLICT;
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
      return ExitCode.UNREACHABLE;
    default:
      return ExitCode.FAILURE;
  }
}
