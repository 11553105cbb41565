/** `sfcctl delete chain NAME...`: one DeleteChain per name; a failure does not stop the others. */
import type { Command } from '../args/command-line.js';
import type { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { deleteLine } from '../format/apply-line.js';
import { type CommandEnv, failure, report } from './command-env.js';

export async function deleteChains(env: CommandEnv, cmd: Extract<Command, { kind: 'delete' }>): Promise<ExitCode> {
  let first: CliError | undefined;
  for (const name of cmd.names) {
    try {
      await env.client().deleteChain(name, { ...(cmd.etag !== undefined ? { etag: cmd.etag } : {}), allowMissing: cmd.ignoreNotFound, validateOnly: cmd.dryRun });
      env.ctx.out.write(deleteLine(name, cmd.dryRun));
    } catch (err) {
      const e = failure(env, err, `chain/${name}`);
      report(env, e);
      first ??= e;
      if (e.exitCode === ExitCode.UNREACHABLE) break;
    }
  }
  return first?.exitCode ?? ExitCode.OK;
}
