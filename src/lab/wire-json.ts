/** JSON that carries bigint counters and dataplane errors across a dataplane worker's stdio. */
import { InvalidArgumentError, type FieldViolation } from '../common/errors.js';
import { NetlinkError } from '../dataplane/errors.js';

export function toWire(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
}

export function fromWire<T>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v && typeof v === 'object' && '$bigint' in v) return BigInt((v as { $bigint: string }).$bigint);
    return v;
  }) as T;
}

export interface WireError {
  readonly kind: 'netlink' | 'invalid' | 'other';
  readonly message: string;
  readonly errno?: number;
  readonly operation?: string;
  readonly object?: string;
  readonly violations?: readonly FieldViolation[];
}

export function errorToWire(e: unknown): WireError {
  if (e instanceof NetlinkError) return { kind: 'netlink', message: e.message, errno: e.errno, operation: e.operation, object: e.object };
  if (e instanceof InvalidArgumentError) return { kind: 'invalid', message: e.message, violations: e.violations };
  return { kind: 'other', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

export function errorFromWire(w: WireError): Error {
  if (w.kind === 'netlink') return new NetlinkError(w.errno!, w.operation!, w.object!);
  if (w.kind === 'invalid') return new InvalidArgumentError(w.violations ?? []);
  return new Error(w.message);
}

/** OpResults carry NetlinkErrors; rebuild them as real instances on the client side. */
export function reviveResults(results: { ok: boolean; error?: WireError }[]): unknown[] {
  return results.map((r) => (r.ok ? { ok: true } : { ok: false, error: errorFromWire(r.error!) }));
}
