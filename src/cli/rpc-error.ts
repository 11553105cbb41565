/** A failed gRPC call → the CliError sfcctl prints and exits with. */
import { decodeRpcError } from '../common/grpc/errors.js';
import { CliError } from './errors.js';
import { exitCodeForStatus } from './exit-codes.js';
import { type RpcErrorContext, formatRpcError } from './format/rpc-error.js';

export function rpcFailure(err: unknown, ctx: RpcErrorContext): CliError {
  if (err instanceof CliError) return err;
  const e = decodeRpcError(err);
  const report = formatRpcError(e, ctx);
  return new CliError(exitCodeForStatus(e.code), report.message, report.details);
}
