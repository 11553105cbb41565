/**
 * Addresses and names of an instance's legs, derived from its slot. Host side `.1`/`::1`, instance
 * side `.2`/`::2`; the in leg is the first /30 of the slot's 8 addresses, the out leg the second.
 * Leg space: 169.254.0.0/16 (link-local: never routed beyond the node) and fd53:6663::/32.
 */
import type { Family } from '../../common/ip.js';

export const LEG_SPACE: Record<Family, string> = { 4: '169.254.0.0/16', 6: 'fd53:6663::/32' };

export interface LegAddresses {
  /** Host-side interface name (in the node's namespace; 15 characters at most). */
  readonly hostDev: string;
  /** Interface name inside the instance. */
  readonly instanceDev: string;
  readonly host4: string;
  readonly instance4: string;
  readonly host6: string;
  readonly instance6: string;
  /** Prefix lengths of the leg subnets. */
  readonly len4: 30;
  readonly len6: 64;
}

export interface InstanceLegs {
  readonly in: LegAddresses;
  /** Absent for one-leg instances: traffic returns by the in leg. */
  readonly out?: LegAddresses;
}

function leg(slot: number, which: 0 | 1): LegAddresses {
  const base = slot * 8 + which * 4;
  const v4 = (host: number) => `169.254.${(base >> 8) & 0xff}.${(base & 0xff) + host}`;
  const net6 = `fd53:6663:0:${(slot * 2 + which).toString(16)}`;
  return {
    hostDev: `sfc${slot.toString(16).padStart(4, '0')}${which === 0 ? 'i' : 'o'}`,
    instanceDev: which === 0 ? 'eth0' : 'eth1',
    host4: v4(1),
    instance4: v4(2),
    host6: `${net6}::1`,
    instance6: `${net6}::2`,
    len4: 30,
    len6: 64,
  };
}

export function instanceLegs(slot: number, legs: 1 | 2): InstanceLegs {
  return legs === 2 ? { in: leg(slot, 0), out: leg(slot, 1) } : { in: leg(slot, 0) };
}
