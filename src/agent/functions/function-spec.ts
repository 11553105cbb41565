/**
 * Network functions an instance can run, as a discriminated union on `type`; each carries exactly
 * its configuration. Pure types: the netns runtime turns them into nftables rulesets and processes.
 */
import type { PortRange } from '../../dataplane/seg6/rule.js';

export type Verdict = 'accept' | 'drop';
export type L4Protocol = 'tcp' | 'udp' | 'icmp' | 'icmpv6';

/** One firewall rule; every given selector must match (AND). First matching rule wins. */
export interface FirewallRule {
  readonly action: Verdict;
  readonly protocol?: L4Protocol;
  /** IPv4 and/or IPv6 prefixes. */
  readonly srcPrefixes?: readonly string[];
  readonly dstPrefixes?: readonly string[];
  /** Only with protocol tcp or udp. */
  readonly srcPorts?: readonly PortRange[];
  readonly dstPorts?: readonly PortRange[];
  /** DSCP value 0..63 (the upper six bits of ToS / Traffic Class). */
  readonly dscp?: number;
}

export interface FirewallConfig {
  /** What happens to packets no rule matched. Default: accept. */
  readonly defaultAction?: Verdict;
  readonly rules?: readonly FirewallRule[];
}

/** Source NAT on the instance's outbound leg: masquerade to its own address, or to a fixed one. */
export type NatConfig = { readonly mode: 'masquerade' } | { readonly mode: 'snat'; readonly toAddress: string };

/** Pass-through that counts packets and bytes (per protocol). */
export type MonitorConfig = Record<string, never>;

/** Terminal function: answers ping for any destination and accepts TCP on the given ports. */
export interface ResponderConfig {
  readonly tcpPorts?: readonly number[];
}

export type FunctionSpec =
  | { readonly type: 'firewall'; readonly config?: FirewallConfig }
  | { readonly type: 'nat'; readonly config: NatConfig }
  | { readonly type: 'monitor'; readonly config?: MonitorConfig }
  | { readonly type: 'responder'; readonly config?: ResponderConfig };

export type FunctionType = FunctionSpec['type'];
export const FUNCTION_TYPES = ['firewall', 'nat', 'monitor', 'responder'] as const satisfies readonly FunctionType[];
