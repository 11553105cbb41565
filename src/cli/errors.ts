/**
 * What a failed command reports: an exit code, a one-line message (printed as `error: ...`) and
 * detail lines (field violations, hints). Commands throw these; only the entry point prints them,
 * so every failure reaches the user in one format and with one exit code.
 */
import { ExitCode } from './exit-codes.js';

export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    /** Printed under the message, indented: `spec.ingress.node: is required`. */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A command line sfcctl cannot run: exit 2 and a pointer to the help of the command concerned. */
export class UsageError extends CliError {
  constructor(
    readonly problems: readonly string[],
    /** `get`, `apply`, ... (undefined: sfcctl itself), for the `--help` hint. */
    readonly command?: string,
  ) {
    super(ExitCode.INVALID, problems[0] ?? 'invalid command line', problems.slice(1));
    this.name = 'UsageError';
  }
}
