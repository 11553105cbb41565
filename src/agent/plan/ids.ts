/**
 * Deterministic numbers for what the agent installs, derived from ids the intent carries, so a
 * restarted agent (or a second one) computes the same objects and finds them in the kernel.
 */
import type { Family } from '../../common/ip.js';

/** Chain ids per node: 1..MAX_CHAIN_ID. */
export const MAX_CHAIN_ID = 0x7fffff;
/** Instance slots per node: 0..MAX_SLOT (each slot owns 8 IPv4 addresses of 169.254.0.0/16). */
export const MAX_SLOT = 8191;

/** One nexthop object per (chain, family): the chain's segment list. */
export const chainNexthopId = (chainId: number, family: Family): number => 0x53000000 + chainId * 2 + (family === 6 ? 1 : 0);

/** Routing table of a chain whose classifiers need policy rules (source, ports, iif). */
export const chainTable = (chainId: number): number => 0x52000000 + chainId;

/** Classifier k of a chain (k < 16): each rule its own priority (the kernel matches rules loosely). */
export const MAX_RULE_CLASSIFIERS = 16;
export const classifierRulePriority = (chainId: number, k: number): number => 10_000 + chainId * MAX_RULE_CLASSIFIERS + k;

/** Static proxy of the instance in `slot`: a table holding the continuation, chosen by `iif <out leg>`. */
export const proxyTable = (slot: number): number => 0x53c00000 + slot;
export const PROXY_IIF_RULE_PRIORITY = 4100;
/** `to <leg space> lookup main` ahead of the iif rules: traffic for the legs themselves routes normally. */
export const LEG_SPACE_RULE_PRIORITY = 4000;
/**
 * `from <tunnel source> lookup main` (IPv6) ahead of the iif rules: after a proxy table's encap,
 * the kernel looks the outer packet up again with the same iif (seg6 input path), and the table's
 * own IPv6 default route would re-encapsulate it instead of routing it to its first segment.
 */
export const ENCAPSULATED_RULE_PRIORITY = 3990;

/**
 * The static proxy's reverse side (NAT return path) of the instance in `slot`: a table holding the
 * reverse list, chosen by `iif <in leg>`. Tables sit right after the proxy tables' 8,192.
 */
export const reverseProxyTable = (slot: number): number => 0x53c00000 + (MAX_SLOT + 1) + slot;
export const REVERSE_IIF_RULE_PRIORITY = 4200;

/**
 * Inside a two-leg instance: what enters by the out leg (a NAT's replies) leaves by the in leg,
 * through this table (the instance's own namespace: the number is free there).
 */
export const INSTANCE_RETURN_TABLE = 100;
export const INSTANCE_RETURN_RULE_PRIORITY = 1000;
