/**
 * Client side of the error model: turns a failed call's ServiceError back into what the server
 * meant — the code, the ErrorInfo reason to switch on, and the field violations — by decoding the
 * google.rpc.Status in the `grpc-status-details-bin` trailer.
 */
import { status } from '@grpc/grpc-js';
import type { FieldViolation } from '../errors.js';
import { STATUS_DETAILS_KEY, decodeStatusDetails } from './status-details.js';

export interface RpcError {
  readonly code: status;
  /** The code's canonical name, e.g. `NOT_FOUND`. */
  readonly codeName: string;
  readonly message: string;
  /** google.rpc.ErrorInfo reason; without details (another server, a transport failure): the code name. */
  readonly reason: string;
  /** ErrorInfo domain ("srv6-sfc" for ours; "" without details). */
  readonly domain: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** BadRequest field violations (INVALID_ARGUMENT). */
  readonly violations: readonly FieldViolation[];
}

interface ServiceErrorLike {
  code: number;
  details?: string;
  message?: string;
  metadata?: { get(key: string): unknown[] };
}

const isServiceError = (e: unknown): e is ServiceErrorLike =>
  typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number';

/** Anything that is not a ServiceError (a bug on the client side) reads as UNKNOWN. */
export function decodeRpcError(err: unknown): RpcError {
  if (!isServiceError(err)) {
    return { code: status.UNKNOWN, codeName: 'UNKNOWN', message: err instanceof Error ? err.message : String(err), reason: 'UNKNOWN', domain: '', metadata: {}, violations: [] };
  }
  const code = err.code as status;
  const codeName = status[code] ?? `CODE_${code}`;
  const base: RpcError = { code, codeName, message: err.details ?? err.message ?? '', reason: codeName, domain: '', metadata: {}, violations: [] };
  const raw = err.metadata?.get(STATUS_DETAILS_KEY)[0];
  if (!Buffer.isBuffer(raw)) return base;
  try {
    const d = decodeStatusDetails(raw);
    return {
      ...base,
      ...(d.errorInfo ? { reason: d.errorInfo.reason || codeName, domain: d.errorInfo.domain, metadata: d.errorInfo.metadata } : {}),
      violations: d.violations ?? [],
    };
  } catch {
    return base; // undecodable details: the status itself is still true
  }
}
