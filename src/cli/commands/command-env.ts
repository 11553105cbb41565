/** What every command runs with: the context, the global options, and a client made on first use. */
import type { ChainSource } from '../../chains/chain-document.js';
import type { GlobalOptions } from '../args/command-line.js';
import type { ControllerClient } from '../client/controller-client.js';
import type { CliContext } from '../context.js';
import type { CliError } from '../errors.js';
import { errorText } from '../format/error-lines.js';
import { rpcFailure } from '../rpc-error.js';

export interface CommandEnv {
  readonly ctx: CliContext;
  readonly global: GlobalOptions;
  /** Connects lazily: a command that fails before its first call never dials the controller. */
  client(): ControllerClient;
}

/** A failed call about `subject` (`chain/web`), violations pointed into `source` when given. */
export const failure = (env: CommandEnv, err: unknown, subject?: string, source?: ChainSource): CliError =>
  rpcFailure(err, { controller: env.global.controller, timeoutMs: env.global.timeoutMs, ...(subject ? { subject } : {}), ...(source ? { source } : {}) });

/** Prints a failure of one item of several (apply, delete) and lets the command go on. */
export const report = (env: CommandEnv, e: CliError): void => void env.ctx.err.write(errorText(e));
