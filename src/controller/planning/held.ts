/**
 * A chain that cannot be planned keeps its last good state: its items are copied from the intents
 * of the previous pass and its allocations are not released. A failed re-plan (a typo in a pin, a
 * node that lost a label, exhaustion) must not tear down a working chain — least of all let its
 * traffic bypass a firewall because the ingress classifier disappeared. The failure is still
 * reported (Placed=False); the user fixes the spec or deletes the chain.
 */
import type { NodeIntent } from '../../agent/intent/node-intent.js';
import type { AllocationBook } from './allocation-book.js';
import { classifierKey } from './classifiers.js';
import type { ChainItems, ClassifierClaims } from './node-parts.js';
import { chainOfOwner } from './owners.js';

export interface Held {
  readonly items: ChainItems;
  /** SIDs the kept items point at (the sweep must not release them: e.g. an egress decap SID). */
  readonly sids: readonly string[];
  readonly any: boolean;
}

export function heldItems(
  chain: string,
  previous: Readonly<Record<string, NodeIntent>>,
  registered: ReadonlySet<string>,
  book: AllocationBook,
  claims: ClassifierClaims,
): Held {
  const edgeChains: ChainItems['edgeChains'][number][] = [];
  const instances: ChainItems['instances'][number][] = [];
  const proxies: ChainItems['proxies'][number][] = [];
  const sids: string[] = [];
  for (const node of Object.keys(previous).sort()) {
    if (!registered.has(node)) continue;
    const intent = previous[node]!;
    for (const item of intent.edgeChains ?? []) {
      if (item.chain !== chain) continue;
      const keys = item.classifiers.map(classifierKey);
      // A chain planned earlier in this pass took these classifiers over: it wins (rare).
      if (claims.holder(node, keys) !== undefined) continue;
      claims.claim(node, keys, chain);
      edgeChains.push({ node, item });
      sids.push(...item.segments, ...(item.segmentsIpv6 ?? []));
    }
    for (const item of intent.instances ?? []) {
      const owner = book.ownerOfInstanceId(node, item.id);
      if (owner === undefined || chainOfOwner(owner) !== chain) continue;
      instances.push({ node, item });
      for (const sid of [item.sids.dx4, item.sids.dx6, item.returnSids?.dx4, item.returnSids?.dx6]) if (sid !== undefined) sids.push(sid);
    }
    for (const item of intent.proxies ?? []) {
      if (item.chain !== chain) continue;
      proxies.push({ node, item });
      // The reverse lists end at the ingress's decap SID: node-owned, kept only through this list.
      sids.push(...(item.continuation ?? []), ...(item.continuationIpv6 ?? []), ...(item.reverse?.ipv4 ?? []), ...(item.reverse?.ipv6 ?? []));
    }
  }
  return { items: { edgeChains, instances, proxies }, sids, any: edgeChains.length + instances.length + proxies.length > 0 };
}
