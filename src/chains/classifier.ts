/**
 * What makes two chains' classifiers collide at one ingress node. The edge installs, per chain,
 * `destination → the chain's nexthop` routes, and for source/protocol/port/interface matches
 * `ip rule` selectors into the chain's own table. Two chains with the same destination prefix and
 * the same selectors at the same node would need the same route or rules: whichever the kernel
 * met first would take all the traffic. Different selectors are fine (they are different rules).
 */
import { canonicalPrefix } from '../common/ip.js';
import type { ChainSpec } from '../model/chain.js';
import { canonicalProtocol } from './protocol.js';

const canonical = (prefix: string): string => {
  try {
    return canonicalPrefix(prefix);
  } catch {
    return prefix; // chains from the store were validated when written; never fail a comparison on one
  }
};

/** The selectors other than the destination, in one canonical string. */
export function selectorKey(spec: ChainSpec): string {
  const m = spec.ingress.match;
  return JSON.stringify([
    [...(m.sources ?? [])].map(canonical).sort(),
    m.protocol === undefined ? null : canonicalProtocol(m.protocol),
    [...(m.ports ?? [])].map((p) => `${p.start}-${p.end}`).sort(),
    m.interface ?? null,
  ]);
}

/** One key per destination prefix: chains sharing a key conflict. */
export function classifierKeys(spec: ChainSpec): { readonly destination: string; readonly index: number; readonly key: string }[] {
  const node = spec.ingress.node;
  const selectors = selectorKey(spec);
  return spec.ingress.match.destinations.map((d, index) => {
    const destination = canonical(d);
    return { destination, index, key: JSON.stringify([node, destination, selectors]) };
  });
}
