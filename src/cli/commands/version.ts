/**
 * `sfcctl version`: the client's version and the API it speaks. The API has no version call, so
 * the controller's own version is not shown (its gRPC package, srv6sfc.v1, is what must match).
 */
import { ExitCode } from '../exit-codes.js';
import { API_VERSION, packageVersion } from '../version.js';
import type { CommandEnv } from './command-env.js';

export function version(env: CommandEnv): ExitCode {
  env.ctx.out.write(`sfcctl ${packageVersion()}\nAPI ${API_VERSION}\nNode.js ${process.versions.node}\n`);
  return ExitCode.OK;
}
