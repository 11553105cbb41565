/**
 * `sfcctl diff -f`: apply's dry run (ApplyChain with validate_only) for every chain of the
 * documents, printing the plan each answers: placement, SIDs, kernel operations per node.
 * Exit 0 whether or not something would change (1 is taken by failures; see docs/cli.md).
 */
import type { Command } from '../args/command-line.js';
import type { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatPlan } from '../format/plan.js';
import { type CommandEnv, failure, report } from './command-env.js';
import { declaration, readChainDocuments } from './documents.js';

export async function diff(env: CommandEnv, cmd: Extract<Command, { kind: 'diff' }>): Promise<ExitCode> {
  const chains = await readChainDocuments(env.ctx, cmd.files, cmd.recursive, 'diff');
  let first: CliError | undefined;
  for (const c of chains) {
    try {
      const res = await env.client().applyChain(declaration(c), true);
      env.ctx.out.write(formatPlan(c.name, res.outcome, res.plan));
    } catch (err) {
      const e = failure(env, err, `chain/${c.name}`, c.source);
      report(env, e);
      first ??= e;
      if (e.exitCode === ExitCode.UNREACHABLE) break;
    }
  }
  return first?.exitCode ?? ExitCode.OK;
}
