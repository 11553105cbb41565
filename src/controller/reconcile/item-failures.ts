/**
 * An agent reports failures per intent item (ApplyResult.items); the user sees chains. This maps
 * each failed item of one node back to the chains it belongs to (pure):
 *
 * | item kind | key | chains |
 * |---|---|---|
 * | edgeChain | chain name (`<chain>/return`: its NAT return path) | that chain |
 * | instance | instance id | its owner (allocations; else its proxy in the intent) |
 * | proxy | `<instance>/<chain>` | that chain; the shared `leg-space` rule: every chain proxied here |
 * | localSid | SID | the chains whose path uses it (an egress decap SID is shared) |
 * | edge, tunnelSource | — | every chain entering here (the edge's encapsulation depends on them) |
 */
import { chainOfEdgeChainKey } from '../../agent/intent/edge-chain-key.js';
import type { NodeIntent } from '../../agent/intent/node-intent.js';
import type { ItemResult } from '../../agent/reconcile/types.js';
import { sameData } from '../planning/intent-content.js';
import { indexOf } from './intent-index.js';

export interface ItemContext {
  readonly node: string;
  /** The intent the agent was given. */
  readonly intent: NodeIntent;
  readonly ownerOf: (id: string) => string | undefined;
  /** `node|sid` → chains whose path uses the SID. */
  readonly sidUsers: ReadonlyMap<string, readonly string[]>;
}

export interface ChainItemFailure {
  readonly node: string;
  readonly item: ItemResult;
}

export function chainsOfItem(item: Pick<ItemResult, 'kind' | 'key'>, ctx: ItemContext): string[] {
  const { intent } = ctx;
  switch (item.kind) {
    case 'edgeChain':
      return [chainOfEdgeChainKey(item.key)];
    case 'instance': {
      const owner = ctx.ownerOf(item.key) ?? intent.proxies?.find((p) => p.instance === item.key)?.chain;
      return owner === undefined ? [] : [owner];
    }
    case 'proxy': {
      const slash = item.key.indexOf('/');
      if (slash !== -1) return [item.key.slice(slash + 1)];
      return [...new Set((intent.proxies ?? []).map((p) => p.chain))];
    }
    case 'localSid':
      return [...(ctx.sidUsers.get(`${ctx.node}|${item.key}`) ?? [])];
    case 'edge':
    case 'tunnelSource':
      return (intent.edgeChains ?? []).map((e) => e.chain);
  }
}

/** The failed items of one apply, per chain. */
export function failuresByChain(items: readonly ItemResult[], ctx: ItemContext): Map<string, ChainItemFailure[]> {
  const out = new Map<string, ChainItemFailure[]>();
  for (const item of items) {
    if (item.ok) continue;
    for (const chain of chainsOfItem(item, ctx)) out.set(chain, [...(out.get(chain) ?? []), { node: ctx.node, item }]);
  }
  return out;
}

/** One line for a condition message: `fn1: instance web-fw: RUNTIME_FAILED: spawn failed`. */
export const describeFailure = (f: ChainItemFailure): string => `${f.node}: ${f.item.kind} ${f.item.key}: ${f.item.reason ?? 'FAILED'}${f.item.message ? `: ${f.item.message}` : ''}`;

/** The condition reason of a failed item. */
export const failureReason = (item: ItemResult): string => (item.kind === 'instance' ? (item.reason === 'RUNTIME_FAILED' ? 'SpawnFailed' : 'InstanceRejected') : 'ApplyFailed');

/**
 * The chain's pointers and decap SIDs on one node, against what the node holds: the items of the
 * chain that failed in the node's last apply, and whether the node lacks any of them (not applied
 * yet). Instances are InstancesReady's business.
 */
export function intentProblem(
  chain: string,
  holds: NodeIntent | undefined,
  planned: NodeIntent | undefined,
  failures: readonly ItemResult[],
  decapSids: readonly string[],
): { readonly failed: ItemResult[]; readonly pending: boolean } {
  const decap = new Set(decapSids);
  const failed = failures.filter(
    (f) =>
      (f.kind === 'edgeChain' && chainOfEdgeChainKey(f.key) === chain) || (f.kind === 'proxy' && f.key.endsWith(`/${chain}`)) || (f.kind === 'localSid' && decap.has(f.key)),
  );
  const same = <T>(want: T | undefined, have: T | undefined) => want === undefined || sameData(want, have);
  const want = indexOf(planned);
  const have = indexOf(holds);
  let pending = !same(want.edge(chain), have.edge(chain)) || !same(want.returnEdge(chain), have.returnEdge(chain));
  const held = have.proxies(chain);
  for (const p of want.proxies(chain)) if (!same(p, held.find((h) => h.instance === p.instance))) pending = true;
  for (const sid of decapSids) if (!same(want.localSid(sid), have.localSid(sid))) pending = true;
  return { failed, pending };
}
