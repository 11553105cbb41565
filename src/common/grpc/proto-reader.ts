/**
 * Reading proto-loader output into domain types. Decoders check shape only — required fields
 * present, enum values known, oneofs set, numbers representable — and record every problem with
 * its path in proto field names (`intent.edge_chains[2].segments[0]`), so one malformed request is
 * answered with all of its violations at once. Meaning (is this an IPv6 address? is the SID in
 * the locator?) is the domain's business, not the codec's.
 *
 * With the loader's options (load-proto.ts): absent strings are "", absent numbers 0, absent
 * messages null, enums their names (unknown values stay numbers), 64-bit integers decimal strings.
 */
import { Violations } from '../errors.js';

export class ProtoReader {
  readonly violations = new Violations();

  add(path: string, description: string): void {
    this.violations.add(path, description);
  }

  /** Throws InvalidArgumentError listing every violation recorded (INVALID_ARGUMENT on the wire). */
  throwIfAny(what: string): void {
    this.violations.throwIfAny(what);
  }

  /** A required string: "" is a violation. */
  required(path: string, value: string): string {
    if (value === '') this.add(path, 'is required');
    return value;
  }

  /** A required message: null is a violation (and the caller gets undefined). */
  message<T>(path: string, value: T | null | undefined): T | undefined {
    if (value === null || value === undefined) this.add(path, 'is required');
    return value ?? undefined;
  }

  /** Every entry of a repeated string must be non-empty. */
  strings(path: string, values: readonly string[]): string[] {
    values.forEach((v, i) => this.required(`${path}[${i}]`, v));
    return [...values];
  }

  /** A uint64 as a JS number; above 2^53 it would lose precision, so it is refused. */
  safeInteger(path: string, value: string | number): number {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0) this.add(path, `must be an integer 0..${Number.MAX_SAFE_INTEGER}, got ${String(value)}`);
    return n;
  }

  /** A uint64 counter as a bigint (exact). */
  bigint(path: string, value: string | number): bigint {
    try {
      return BigInt(value);
    } catch {
      this.add(path, `must be an unsigned integer, got ${String(value)}`);
      return 0n;
    }
  }

  /** A required enum value, through a table of its known names: the zero value is "is required". */
  enumValue<T>(path: string, value: string | number, table: Readonly<Record<string, T>>): T | undefined {
    return this.readEnum(path, value, table, false);
  }

  /** An optional enum value: the zero value (`*_UNSPECIFIED`) means absent. */
  optionalEnum<T>(path: string, value: string | number, table: Readonly<Record<string, T>>): T | undefined {
    return this.readEnum(path, value, table, true);
  }

  private readEnum<T>(path: string, value: string | number, table: Readonly<Record<string, T>>, optional: boolean): T | undefined {
    if (typeof value === 'string' && Object.hasOwn(table, value)) return table[value];
    const zero = value === 0 || (typeof value === 'string' && value.endsWith('_UNSPECIFIED'));
    if (zero && optional) return undefined;
    this.add(path, zero ? 'is required' : `unknown value ${String(value)} (one of ${Object.keys(table).join(', ')})`);
    return undefined;
  }

  /** A oneof that must have a member set; returns the member's name or undefined (recorded). */
  oneof<K extends string>(path: string, member: K | undefined, members: readonly K[], snake: (k: K) => string): K | undefined {
    if (member === undefined || !members.includes(member)) this.add(path, `must set one of ${members.map(snake).join(', ')}`);
    return member;
  }
}
