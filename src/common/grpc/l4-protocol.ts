/**
 * The L4Protocol enum as both APIs spell it (srv6sfc.agent.v1 and srv6sfc.v1 declare the same
 * values, each in its own package): one table for firewall rules and chain matches alike.
 */
import type { L4Protocol } from '../../agent/functions/function-spec.js';
import { EnumTable } from './enum-table.js';

export const L4_PROTOCOL = new EnumTable({
  tcp: 'L4_PROTOCOL_TCP',
  udp: 'L4_PROTOCOL_UDP',
  icmp: 'L4_PROTOCOL_ICMP',
  icmpv6: 'L4_PROTOCOL_ICMPV6',
} as const satisfies Record<L4Protocol, string>);
