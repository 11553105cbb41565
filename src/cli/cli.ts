/**
 * sfcctl in one call: argv → exit code, all I/O through the context. main.ts runs it on the
 * process; tests run it in-process against a gRPC server on 127.0.0.1:0.
 */
import { type Command, type Invocation, parseCommandLine } from './args/command-line.js';
import { ControllerClient } from './client/controller-client.js';
import { apply } from './commands/apply.js';
import { type CommandEnv, failure } from './commands/command-env.js';
import { deleteChains } from './commands/delete.js';
import { describe } from './commands/describe.js';
import { diff } from './commands/diff.js';
import { get } from './commands/get.js';
import { version } from './commands/version.js';
import { watch } from './commands/watch.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { errorText } from './format/error-lines.js';
import { commandHelp, generalHelp } from './help.js';

async function dispatch(env: CommandEnv, command: Command): Promise<ExitCode> {
  switch (command.kind) {
    case 'help':
      env.ctx.out.write(command.topic && command.topic !== 'help' ? commandHelp(command.topic) : generalHelp());
      return ExitCode.OK;
    case 'version':
      return version(env);
    case 'apply':
      return apply(env, command);
    case 'diff':
      return diff(env, command);
    case 'get':
      return get(env, command);
    case 'describe':
      return describe(env, command);
    case 'delete':
      return deleteChains(env, command);
    case 'watch':
      return watch(env, command);
  }
}

export async function runCli(argv: readonly string[], ctx: CliContext): Promise<ExitCode> {
  let inv: Invocation;
  try {
    inv = parseCommandLine(argv, ctx.env);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    ctx.err.write(errorText(err));
    return err.exitCode;
  }
  let client: ControllerClient | undefined;
  const env: CommandEnv = {
    ctx,
    global: inv.global,
    client: () => (client ??= new ControllerClient(inv.global.controller, { timeoutMs: inv.global.timeoutMs })),
  };
  try {
    return await dispatch(env, inv.command);
  } catch (err) {
    const e = err instanceof CliError ? err : failure(env, err);
    ctx.err.write(errorText(e));
    return e.exitCode;
  } finally {
    client?.close();
  }
}
