/**
 * What a node's registration says about its own settings, read from its locator and its labels
 * (topology files put SRv6 settings in node labels, so the same file deploys under containerlab).
 *
 * | label | meaning |
 * |---|---|
 * | `srv6-sfc/tunnel-source` | source address of encapsulated packets (default: the locator's `::1`) |
 * | `srv6-sfc/customer-interfaces` | comma-separated interfaces customers' traffic arrives on (edge table) |
 * | `srv6-sfc/mss-clamp` | TCP MSS to clamp customer SYNs to, bytes |
 * | `srv6-sfc/vrf-table` | table of the node's VRF device, for End.DT46 (see decap.ts) |
 */
import { AddressParseError, canonicalAddress, familyOf } from '../../common/ip.js';
import type { NodeRecord } from '../../model/node.js';
import { locatorAddress, sidLayout } from './sid-layout.js';

export const TUNNEL_SOURCE_LABEL = 'srv6-sfc/tunnel-source';
export const CUSTOMER_INTERFACES_LABEL = 'srv6-sfc/customer-interfaces';
export const MSS_CLAMP_LABEL = 'srv6-sfc/mss-clamp';

/**
 * The node's tunnel source: the label when it is an IPv6 address, else the locator's `::1` — the
 * address the lab puts on each router's lo, so ICMP errors about encapsulated packets come back to
 * a routed address. Undefined when the node cannot set one (probe) or has no IPv6 locator.
 */
export function tunnelSourceOf(node: NodeRecord): string | undefined {
  if (!node.features.tunnelSource.ok) return undefined;
  const label = node.labels[TUNNEL_SOURCE_LABEL];
  if (label !== undefined) {
    try {
      if (familyOf(label) === 6) return canonicalAddress(label);
    } catch (e) {
      if (!(e instanceof AddressParseError)) throw e;
    }
  }
  const layout = sidLayout(node.locator);
  return layout ? locatorAddress(layout) : undefined;
}

export function customerInterfacesOf(node: NodeRecord): string[] {
  return (node.labels[CUSTOMER_INTERFACES_LABEL] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The MSS clamp when the label holds a value the agent accepts (536..9000). */
export function mssClampOf(node: NodeRecord): number | undefined {
  const text = node.labels[MSS_CLAMP_LABEL];
  if (text === undefined || !/^[0-9]{3,4}$/.test(text)) return undefined;
  const mss = Number(text);
  return mss >= 536 && mss <= 9000 ? mss : undefined;
}
