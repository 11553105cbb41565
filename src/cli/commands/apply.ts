/**
 * `sfcctl apply -f`: every document checked locally first (documents.ts), then one ApplyChain per
 * chain, in file order. A chain the controller refuses does not stop the others (they are
 * independent resources, as with kubectl), except when the controller is unreachable: then
 * nothing more would get through. The exit code is the first failure's.
 */
import type { Command } from '../args/command-line.js';
import type { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { applyLine } from '../format/apply-line.js';
import { type CommandEnv, failure, report } from './command-env.js';
import { declaration, readChainDocuments } from './documents.js';
import { type WaitTarget, waitUntilReady } from './wait-ready.js';

export async function apply(env: CommandEnv, cmd: Extract<Command, { kind: 'apply' }>): Promise<ExitCode> {
  const chains = await readChainDocuments(env.ctx, cmd.files, cmd.recursive, 'apply');
  let first: CliError | undefined;
  const applied: WaitTarget[] = [];
  for (const c of chains) {
    try {
      const res = await env.client().applyChain(declaration(c), cmd.dryRun);
      env.ctx.out.write(applyLine(c.name, res.outcome, cmd.dryRun));
      applied.push({ name: c.name, generation: res.chain.generation });
    } catch (err) {
      const e = failure(env, err, `chain/${c.name}`, c.source);
      report(env, e);
      first ??= e;
      if (e.exitCode === ExitCode.UNREACHABLE) break;
    }
  }
  if (first) return first.exitCode;
  return cmd.wait ? waitUntilReady(env, applied, cmd.waitTimeoutMs) : ExitCode.OK;
}
