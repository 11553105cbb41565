/**
 * The classifier's IP protocol: a name (`tcp`, `udp`, `icmp`, `icmpv6`) or a protocol number
 * 1..255. Numbers that have a name are stored as the name, so `6` and `tcp` are one classifier
 * (0 is refused: to `ip rule`, ipproto 0 means "any protocol", which is spelt by omitting it).
 */
import type { Violations } from '../common/errors.js';
import type { Family } from '../common/ip.js';
import type { TrafficMatch } from '../model/chain.js';
import { closest, describe, fail } from './checks.js';

export type Protocol = NonNullable<TrafficMatch['protocol']>;
type ProtocolName = Extract<Protocol, string>;

/** IANA numbers of the named protocols (exhaustive over the model's names). */
export const PROTOCOL_NUMBERS = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 } as const satisfies Record<ProtocolName, number>;
const NAMES = Object.keys(PROTOCOL_NUMBERS) as ProtocolName[];

/** Protocols tied to one address family: ICMP is IPv4's, ICMPv6 is IPv6's. */
export const PROTOCOL_FAMILY: Partial<Record<ProtocolName, Family>> = { icmp: 4, icmpv6: 6 };

/** Protocols whose destination ports an `ip rule dport` selector can match. */
export const PORT_PROTOCOLS: readonly Protocol[] = ['tcp', 'udp'];

export function readProtocol(v: Violations, path: string, x: unknown): Protocol | undefined {
  if (typeof x === 'string' && (NAMES as string[]).includes(x)) return x as ProtocolName;
  if (Number.isInteger(x) && (x as number) >= 1 && (x as number) <= 255) {
    const named = NAMES.find((n) => PROTOCOL_NUMBERS[n] === x);
    return named ?? (x as number);
  }
  const guess = typeof x === 'string' ? closest(x, NAMES) : undefined;
  return fail(v, path, `must be ${NAMES.join(', ')} or a protocol number 1..255 (got ${describe(x)})${guess ? `; did you mean '${guess}'?` : ''}`);
}

/** Canonical form of a protocol from any source (the store, gRPC): numbers with a name become the name. */
export function canonicalProtocol(p: Protocol): Protocol {
  return typeof p === 'number' ? (NAMES.find((n) => PROTOCOL_NUMBERS[n] === p) ?? p) : p;
}
