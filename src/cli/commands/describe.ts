/**
 * `sfcctl describe chain NAME`: GetChain, plus ListInstances for the instances' state and byte
 * counters. The chain alone is enough: if the instance call fails, describe still prints what
 * the chain's status knows and says on stderr what is missing.
 */
import { status } from '@grpc/grpc-js';
import { decodeRpcError } from '../../common/grpc/errors.js';
import type { ChainInstance } from '../../controller/grpc/codecs/instance-codec.js';
import type { Command } from '../args/command-line.js';
import { ExitCode } from '../exit-codes.js';
import { describeChain } from '../format/describe-chain.js';
import { type CommandEnv, failure } from './command-env.js';

export async function describe(env: CommandEnv, cmd: Extract<Command, { kind: 'describe' }>): Promise<ExitCode> {
  const client = env.client();
  let chain;
  try {
    chain = await client.getChain(cmd.name);
  } catch (err) {
    throw failure(env, err, `chain/${cmd.name}`);
  }
  let instances: ChainInstance[] | undefined;
  try {
    instances = await client.listInstances(cmd.name);
  } catch (err) {
    const e = decodeRpcError(err);
    // A controller without InstanceService is not worth a warning; anything else is.
    if (e.code !== status.UNIMPLEMENTED) env.ctx.err.write(`warning: instance state unavailable (${e.codeName}: ${e.message}); showing the chain's status only\n`);
  }
  env.ctx.out.write(describeChain(chain, instances, env.ctx.now()));
  return ExitCode.OK;
}
