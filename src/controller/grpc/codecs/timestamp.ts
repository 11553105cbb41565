/**
 * RFC 3339 time strings (the domain's `createTime`, `lastTransitionTime`, ...) ↔
 * google.protobuf.Timestamp. Exact to the nanosecond both ways: the fraction is carried as
 * digits, never through a float. Decoded strings are in UTC (`Z`) with 3 fraction digits as
 * `Date.prototype.toISOString` writes them, or 6 or 9 when the time is finer than a millisecond.
 */
import type { ProtoReader } from '../../../common/grpc/proto-reader.js';
import type { Timestamp, Timestamp__Output } from '../../../gen/google/protobuf/Timestamp.js';

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;
/** Timestamp's valid range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z. */
const MIN_SECONDS = -62_135_596_800;
const MAX_SECONDS = 253_402_300_799;

/** A domain time string as a Timestamp; throws (a bug upstream, not a client's fault) when it is not RFC 3339. */
export function timestampToProto(time: string): Timestamp {
  const m = RFC3339.exec(time);
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
  if (!m || Number.isNaN(ms)) throw new Error(`not an RFC 3339 time: ${JSON.stringify(time)}`);
  return { seconds: String(ms / 1000), nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

/** An optional domain time ("" or undefined = absent) as an optional Timestamp. */
export const optionalTimestampToProto = (time: string | undefined): Timestamp | null => (time ? timestampToProto(time) : null);

/** A Timestamp as a domain time string; undefined (and a violation when required) when absent or out of range. */
export function timestampFromProto(r: ProtoReader, path: string, m: Timestamp__Output | null | undefined, required = true): string | undefined {
  if (!m) {
    if (required) r.add(path, 'is required');
    return undefined;
  }
  const seconds = Number(m.seconds);
  if (!Number.isSafeInteger(seconds) || seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    r.add(`${path}.seconds`, `must be within years 1..9999, got ${m.seconds}`);
    return undefined;
  }
  if (!Number.isInteger(m.nanos) || m.nanos < 0 || m.nanos > 999_999_999) {
    r.add(`${path}.nanos`, `must be 0..999999999, got ${m.nanos}`);
    return undefined;
  }
  const digits = String(m.nanos).padStart(9, '0');
  const fraction = m.nanos % 1_000_000 === 0 ? digits.slice(0, 3) : m.nanos % 1000 === 0 ? digits.slice(0, 6) : digits;
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}
