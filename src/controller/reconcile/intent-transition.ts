/**
 * Make before break, as pure functions over one node's intents: what a node must hold at each step
 * of moving from what it holds now (`current`) to what planning wants (`next`).
 *
 * Items fall in two groups:
 * - **targets**: instances (with their SIDs) and local SIDs. Packets are steered *into* them. They
 *   are added first (the union) and removed last (prune), once nothing points at them any more.
 * - **pointers**: edge chains (the ingress nexthop: which SIDs a chain's packets go to; at the
 *   egress, a NAT return path's) and proxies (the static proxy's continuation: where a function's
 *   output goes next; a NAT's reverse list: where its replies go). They change only for
 *   chains whose new targets were verified to exist ("switched" chains); a chain that is not
 *   switched keeps its current pointers, and a brand-new chain gets no edge chain until then.
 *
 * | step | targets | pointers |
 * |---|---|---|
 * | union (make) | current ∪ next, same key → next (an instance keeps the SIDs it loses) | current (new proxies of new instances added) |
 * | proxies (a reorder's ordered steps) | current ∪ next | current, but the proxies' pointers due so far (`early`) |
 * | switch | current ∪ next | next for switched chains, current for the others |
 * | final (break) | next, plus what unswitched chains still use | as switch, and gone where next has none (a proxy's reverse lists too) |
 *
 * Node-wide settings (tunnel source, edge settings) and the generation always come from `next`.
 */
import { edgeChainKey } from '../../agent/intent/edge-chain-key.js';
import type { EdgeChain, InstanceSids, InstanceSpec, LocalSid, NodeIntent, ProxySpec } from '../../agent/intent/node-intent.js';
import { sameData } from '../planning/intent-content.js';
import { indexOf } from './intent-index.js';

export interface TransitionPolicy {
  /** The chain's new path was verified: its pointers may take the new version. */
  readonly switched: (chain: string) => boolean;
  /** Remove targets `next` no longer lists (for switched chains): the last step. */
  readonly prune: boolean;
  /**
   * The chain an instance of this node belongs to (from the allocations); the instance's proxy in
   * `current` is the fallback. An instance of no known chain is garbage: pruned.
   */
  readonly chainOfInstance?: (id: string) => string | undefined;
  /** SIDs that unswitched chains elsewhere still point at (an old egress decap SID): kept. */
  readonly referencedSids?: ReadonlySet<string>;
  /**
   * For a proxy of a chain that is not switched (yet): which of its pointers take next's version
   * already. A reorder moves its chain's continuations one node at a time (proxy-order.ts).
   */
  readonly early?: (p: ProxySpec) => { readonly continuation: boolean; readonly reverse: boolean } | undefined;
}

export const proxyKey = (p: Pick<ProxySpec, 'instance' | 'chain'>): string => `${p.instance}/${p.chain}`;

/**
 * Items of `next` first, in next's order (each replaced by current's version when `pick` says
 * so), then current's items that next lacks and `keepOld` keeps, in current's order.
 */
function merge<T>(
  cur: readonly T[] | undefined,
  nxt: readonly T[] | undefined,
  key: (t: T) => string,
  pick: (n: T, c: T | undefined) => T | undefined,
  keepOld: (c: T) => boolean,
): T[] {
  const have = new Map((cur ?? []).map((c) => [key(c), c]));
  const out: T[] = [];
  const seen = new Set<string>();
  for (const n of nxt ?? []) {
    const k = key(n);
    seen.add(k);
    const v = pick(n, have.get(k));
    if (v !== undefined) out.push(v);
  }
  for (const c of cur ?? []) if (!seen.has(key(c)) && keepOld(c)) out.push(c);
  return out;
}

/**
 * The intent a node must hold at one step. `current` undefined: the node holds nothing of ours (a
 * new node), so it gets the targets, and pointers only for switched chains.
 */
export function transitionIntent(held: NodeIntent | undefined, next: NodeIntent, policy: TransitionPolicy): NodeIntent {
  const current: NodeIntent = held ?? { generation: 0 };
  const proxyChain = new Map((current.proxies ?? []).map((p) => [p.instance, p.chain]));
  const ownerOf = (id: string) => policy.chainOfInstance?.(id) ?? proxyChain.get(id);
  // A target of an unswitched chain stays: its chain may still steer packets into it.
  const keepTarget = (chain: string | undefined) => !policy.prune || (chain !== undefined && !policy.switched(chain));

  const instances = merge<InstanceSpec>(
    current.instances,
    next.instances,
    (i) => i.id,
    // An instance that stays keeps the SIDs it loses until they may go: a pointer may still aim at
    // them (a NAT's return SID until the egress stopped steering to it, a dropped family's SID
    // until the ingress switched).
    (n, c) => (c !== undefined && keepTarget(ownerOf(n.id)) ? withSidsOf(n, c) : n),
    (c) => keepTarget(ownerOf(c.id)),
  );
  const keptIds = new Set(instances.map((i) => i.id));
  const localSids = merge<LocalSid>(
    current.localSids,
    next.localSids,
    (s) => s.sid,
    (n) => n,
    (c) => !policy.prune || (policy.referencedSids?.has(c.sid) ?? false),
  );
  const edgeChains = merge<EdgeChain>(
    current.edgeChains,
    next.edgeChains,
    edgeChainKey,
    (n, c) => (policy.switched(n.chain) ? n : c),
    (c) => !policy.switched(c.chain),
  );
  const proxies = merge<ProxySpec>(
    current.proxies,
    next.proxies,
    proxyKey,
    (n, c) => {
      // A proxy new to the node serves a new instance: nothing points at it before its chain switches.
      if (c === undefined) return n;
      if (!policy.switched(n.chain)) return early(n, c, policy.early?.(n));
      // A reverse list that goes away (the NAT is no snat any more) goes with the targets: the
      // egress steers replies to the NAT's return SID until its own switch has landed.
      if (!policy.prune && n.reverse === undefined && c.reverse !== undefined) return { ...n, reverse: c.reverse };
      return n;
    },
    (c) => keptIds.has(c.instance) && !(policy.prune && policy.switched(c.chain)),
  );

  const { generation, tunnelSource, edge } = next;
  const out: { -readonly [K in keyof NodeIntent]: NodeIntent[K] } = { generation };
  if (tunnelSource !== undefined) out.tunnelSource = tunnelSource;
  if (edge !== undefined) out.edge = edge;
  if (edgeChains.length > 0) out.edgeChains = edgeChains;
  if (localSids.length > 0) out.localSids = localSids;
  if (instances.length > 0) out.instances = instances;
  if (proxies.length > 0) out.proxies = proxies;
  // Keep `next` itself when nothing of `current` survived: callers compare by identity first.
  return sameData(out, next) ? next : out;
}

/** A proxy with the pointers that are due from `next`, the others from `current`. */
function early(next: ProxySpec, current: ProxySpec, due: { readonly continuation: boolean; readonly reverse: boolean } | undefined): ProxySpec {
  if (due === undefined || (!due.continuation && !due.reverse)) return current;
  if (due.continuation && due.reverse) return next;
  const { reverse: _r, ...base } = due.continuation ? next : current;
  const reverse = due.reverse ? next.reverse : current.reverse;
  return reverse === undefined ? base : { ...base, reverse };
}

/** `next`'s version of an instance, plus the SIDs `current`'s version has and it lacks. */
function withSidsOf(next: InstanceSpec, current: InstanceSpec): InstanceSpec {
  const merged = (n: InstanceSids | undefined, c: InstanceSids | undefined): InstanceSids | undefined => {
    const dx4 = n?.dx4 ?? c?.dx4;
    const dx6 = n?.dx6 ?? c?.dx6;
    return dx4 === undefined && dx6 === undefined ? undefined : { ...(dx4 !== undefined ? { dx4 } : {}), ...(dx6 !== undefined ? { dx6 } : {}) };
  };
  const sids = merged(next.sids, current.sids) ?? {};
  const returnSids = merged(next.returnSids, current.returnSids);
  const out: InstanceSpec = { ...next, sids, ...(returnSids ? { returnSids } : {}) };
  return sameData(out, next) ? next : out;
}

/**
 * Step 1: what a node runs now plus what it must gain. Old instances, proxies and SIDs stay; new
 * ones are added; for the same key the new version wins, except pointers (edge chains and proxy
 * continuations), which switch only once the new path was verified.
 */
export const unionIntent = (current: NodeIntent | undefined, next: NodeIntent, chainOfInstance?: (id: string) => string | undefined): NodeIntent =>
  transitionIntent(current, next, { switched: () => false, prune: false, ...(chainOfInstance ? { chainOfInstance } : {}) });

// --- comparing intents -------------------------------------------------------------------------

function sameKeyed<T>(a: readonly T[] | undefined, b: readonly T[] | undefined, key: (t: T) => string): boolean {
  const aa = a ?? [];
  const bb = b ?? [];
  if (aa.length !== bb.length) return false;
  const byKey = new Map(bb.map((x) => [key(x), x]));
  return aa.every((x) => {
    const y = byKey.get(key(x));
    return y !== undefined && sameData(x, y);
  });
}

/**
 * Same content, whatever the order of the items (the agent does not care about order, and the
 * steps build items in a different order than planning does); the generation only when asked.
 */
export function sameIntent(a: NodeIntent | undefined, b: NodeIntent | undefined, opts: { generation: boolean }): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (opts.generation && a.generation !== b.generation) return false;
  return (
    a.tunnelSource === b.tunnelSource &&
    sameData(a.edge, b.edge) &&
    sameKeyed(a.edgeChains, b.edgeChains, edgeChainKey) &&
    sameKeyed(a.localSids, b.localSids, (s) => s.sid) &&
    sameKeyed(a.instances, b.instances, (i) => i.id) &&
    sameKeyed(a.proxies, b.proxies, proxyKey)
  );
}

/** Whether the chain's pointers (edge chain, proxies) differ between two intents of one node. */
export function pointersDiffer(a: NodeIntent | undefined, b: NodeIntent | undefined, chain: string): boolean {
  const x = indexOf(a);
  const y = indexOf(b);
  return !sameData(x.edge(chain), y.edge(chain)) || !sameData(x.returnEdge(chain), y.returnEdge(chain)) || !sameKeyed(x.proxies(chain), y.proxies(chain), proxyKey);
}

/** Chains whose pointers differ between two intents of one node. */
export function chainsWithChangedPointers(a: NodeIntent | undefined, b: NodeIntent | undefined): Set<string> {
  if (a === b) return new Set();
  const chains = new Set([...indexOf(a).chains(), ...indexOf(b).chains()]);
  return new Set([...chains].filter((c) => pointersDiffer(a, b, c)));
}

const edgeSids = (e: EdgeChain | undefined): string[] => (e ? [...e.segments, ...(e.segmentsIpv6 ?? [])] : []);
/** A proxy's continuations and its reverse lists (a NAT's return path ends at the ingress's decap SID). */
const proxySids = (p: ProxySpec): string[] => [...(p.continuation ?? []), ...(p.continuationIpv6 ?? []), ...(p.reverse?.ipv4 ?? []), ...(p.reverse?.ipv6 ?? [])];

/** The SIDs the chain's pointers in an intent aim at (its segment lists, proxy continuations and reverse lists). */
export function chainPointedSids(intent: NodeIntent | undefined, chain: string): string[] {
  const ix = indexOf(intent);
  const out = [...edgeSids(ix.edge(chain)), ...edgeSids(ix.returnEdge(chain))];
  for (const p of ix.proxies(chain)) out.push(...proxySids(p));
  return out;
}

/** The SIDs an intent's pointers of the given chains aim at (segment lists, continuations, reverse lists). */
export function pointedSids(intent: NodeIntent | undefined, chains: (chain: string) => boolean): string[] {
  const out: string[] = [];
  for (const e of intent?.edgeChains ?? []) if (chains(e.chain)) out.push(...edgeSids(e));
  for (const p of intent?.proxies ?? []) if (chains(p.chain)) out.push(...proxySids(p));
  return out;
}
