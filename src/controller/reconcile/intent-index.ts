/**
 * Keyed lookups into one intent (pure, cached per intent object: intents are never mutated). An
 * ingress may carry 10k edge chains; looking each chain's items up by scanning would make a pass
 * quadratic in the number of chains.
 */
import { edgeChainKey } from '../../agent/intent/edge-chain-key.js';
import type { EdgeChain, InstanceSpec, LocalSid, NodeIntent, ProxySpec } from '../../agent/intent/node-intent.js';

export interface IntentIndex {
  edge(chain: string): EdgeChain | undefined;
  /** The chain's NAT return path, when this node is its egress. */
  returnEdge(chain: string): EdgeChain | undefined;
  /** The chain's proxies on the node (one per instance it has there). */
  proxies(chain: string): readonly ProxySpec[];
  instance(id: string): InstanceSpec | undefined;
  localSid(sid: string): LocalSid | undefined;
  /** Chains with an edge chain or a proxy on the node. */
  chains(): ReadonlySet<string>;
}

const EMPTY: IntentIndex = {
  edge: () => undefined,
  returnEdge: () => undefined,
  proxies: () => [],
  instance: () => undefined,
  localSid: () => undefined,
  chains: () => new Set(),
};

const cache = new WeakMap<NodeIntent, IntentIndex>();

function build(intent: NodeIntent): IntentIndex {
  const edges = new Map((intent.edgeChains ?? []).map((e) => [edgeChainKey(e), e]));
  const proxies = new Map<string, ProxySpec[]>();
  for (const p of intent.proxies ?? []) proxies.set(p.chain, [...(proxies.get(p.chain) ?? []), p]);
  const instances = new Map((intent.instances ?? []).map((i) => [i.id, i]));
  const locals = new Map((intent.localSids ?? []).map((l) => [l.sid, l]));
  const chains = new Set([...(intent.edgeChains ?? []).map((e) => e.chain), ...proxies.keys()]);
  return {
    edge: (c) => edges.get(c),
    returnEdge: (c) => edges.get(edgeChainKey({ chain: c, direction: 'return' })),
    proxies: (c) => proxies.get(c) ?? [],
    instance: (id) => instances.get(id),
    localSid: (sid) => locals.get(sid),
    chains: () => chains,
  };
}

export function indexOf(intent: NodeIntent | undefined): IntentIndex {
  if (!intent) return EMPTY;
  let ix = cache.get(intent);
  if (!ix) cache.set(intent, (ix = build(intent)));
  return ix;
}
