/**
 * One node's complete intent from what the chains contributed to it. Items are sorted so equal
 * worlds give byte-equal intents (chain name, instance id, SID order).
 *
 * | item | from |
 * |---|---|
 * | tunnelSource | the node (node-settings.ts) |
 * | edge | the node's customer interfaces (label, plus every chain's `match.interface` here), its MSS clamp label, every node's locator as the SID space |
 * | edgeChains | chains whose ingress is here; the NAT return paths of chains whose egress is here |
 * | localSids | this node's decap SIDs in use (shared by all chains leaving here, or whose NAT replies come back here) |
 * | instances, proxies | functions placed here (static proxy: one continuation per instance) |
 */
import { edgeChainKey } from '../../agent/intent/edge-chain-key.js';
import type { EdgeSettings, LocalSid, NodeIntent } from '../../agent/intent/node-intent.js';
import type { NodeRecord } from '../../model/node.js';
import type { AllocationBook } from './allocation-book.js';
import { decapBehavior } from './decap.js';
import type { IntentDraft } from './intent-content.js';
import type { NodeParts } from './node-parts.js';
import { customerInterfacesOf, mssClampOf, tunnelSourceOf } from './node-settings.js';
import { decapKindOfOwner, decapOwner } from './owners.js';

const byKey =
  <T>(key: (x: T) => string) =>
  (a: T, b: T): number => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };

/** The node's decap SIDs that survived the sweep, as local SIDs on its core interface. */
export function decapLocalSids(node: NodeRecord, book: AllocationBook): LocalSid[] {
  const dev = node.coreInterface;
  if (!dev) return [];
  const mine = (owner: string): boolean => {
    const kind = decapKindOfOwner(owner);
    return kind !== undefined && owner === decapOwner(node.name, kind);
  };
  const out: LocalSid[] = [];
  for (const { owner, sid } of book.sidsOf(node.name, mine)) {
    const behavior = decapBehavior(decapKindOfOwner(owner)!, node);
    if (behavior) out.push({ sid, behavior, dev });
  }
  return out;
}

export function buildIntent(node: NodeRecord, parts: NodeParts | undefined, localSids: readonly LocalSid[], sidSpace: readonly string[]): IntentDraft {
  const edgeChains = [...(parts?.edgeChains ?? [])].sort(byKey(edgeChainKey));
  const instances = [...(parts?.instances ?? [])].sort(byKey((i) => i.id));
  const proxies = [...(parts?.proxies ?? [])].sort(byKey((p) => `${p.instance}\0${p.chain}`));

  const customer = new Set(customerInterfacesOf(node));
  for (const c of edgeChains) for (const k of c.classifiers) if (k.iif !== undefined) customer.add(k.iif);
  const mss = mssClampOf(node);
  const edge: EdgeSettings | undefined =
    customer.size > 0 ? { customerInterfaces: [...customer].sort(), ...(mss !== undefined ? { mssClamp: mss } : {}), ...(sidSpace.length > 0 ? { sidSpace } : {}) } : undefined;

  const tunnelSource = tunnelSourceOf(node);
  const draft: { -readonly [K in keyof NodeIntent]?: NodeIntent[K] } = {};
  if (tunnelSource !== undefined) draft.tunnelSource = tunnelSource;
  if (edge) draft.edge = edge;
  if (edgeChains.length > 0) draft.edgeChains = edgeChains;
  if (localSids.length > 0) draft.localSids = localSids;
  if (instances.length > 0) draft.instances = instances;
  if (proxies.length > 0) draft.proxies = proxies;
  return draft as IntentDraft;
}
