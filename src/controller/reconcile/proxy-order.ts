/**
 * The order in which static proxies' pointers move when a chain changes (pure).
 *
 * With the static proxy, every SR-unaware function's node holds the chain's continuation: what
 * leaves the instance is re-encapsulated to the next function's SID (or the egress decap SID).
 * When several of those change — a reorder — and move at once on several nodes, one node may
 * apply before the other: [fw, ids] → [ids, fw] with ids already pointing at fw and fw still
 * pointing at ids loops packets until their TTL runs out.
 *
 * Every intermediate state is loop-free if the changed continuations move in **reverse order of
 * the new chain** (the last function whose continuation changes first), each step once the
 * previous one was acknowledged, and the ingress last. When a function f is pointed at its new
 * successor g, every function after f in the new chain already has its new pointer (or never
 * changed it, or is new and was created with it), so from g the new pointers lead to the egress
 * and no cycle can pass through f. A cycle needs a function whose pointer is old (the old chain is
 * a path) and one whose pointer is new (the new chain is a path); the first new pointer met after
 * an old one on the cycle leads to the egress, never back. The ingress does not matter for loops
 * (it is only where packets enter); it moves last so that what it steers to is the new chain.
 *
 * A NAT return path is a chain of its own in the other direction — the egress steers replies to
 * the last snat NAT's return SID, each NAT's `reverse` list points at the previous NAT's return
 * SID, the first one's at the ingress's decap SID — so its pointers move in reverse order of the
 * new return path: in chain order. Forward and return pointers never aim at each other (function
 * SIDs enter an instance by its in leg, return SIDs by its out leg): their two sequences are
 * independent and run side by side.
 *
 * Node granularity: the steps of a sequence are nodes, consecutive slots on one node merged into
 * one step (one apply; the agent writes proxies in the intent's order, so `rank` orders them
 * within it). A node whose slots are not consecutive is pushed several times, with intermediate
 * intents that keep the pointers not due yet at their current version. A sequence of one step
 * needs no ordering: it moves with the ingress in the switch step, as anything else that moves.
 */
import type { NodeIntent, ProxySpec } from '../../agent/intent/node-intent.js';
import { sameData } from '../planning/intent-content.js';
import type { ChainOutcome } from '../planning/index.js';
import { indexOf } from './intent-index.js';
import { proxyKey } from './intent-transition.js';

export type Pointer = 'continuation' | 'reverse';

/** One push of a sequence: proxies of one node (by `proxyKey`), in the order they must move. */
export interface PointerStep {
  readonly node: string;
  readonly proxies: readonly string[];
}

export interface PointerSequence {
  readonly chain: string;
  readonly pointer: Pointer;
  readonly steps: readonly PointerStep[];
}

/** A switching chain: the nodes its pointers change on, and where each instance goes in its new order. */
export interface SwitchingChain {
  readonly chain: string;
  readonly nodes: Iterable<string>;
  /** `node/instance id` → index in the chain's new function order. */
  readonly positions: ReadonlyMap<string, number>;
}

export interface PointerDue {
  readonly continuation: boolean;
  readonly reverse: boolean;
}

export interface PointerSchedule {
  /** The ordered sequences (two steps or more); the others move in the switch step. */
  readonly sequences: readonly PointerSequence[];
  /** Rounds of pushes before the switch step (the longest ordered sequence); 0: nothing to order. */
  readonly rounds: number;
  /** Which pointers of a proxy on `node` have moved by the end of `round`; undefined: none is ordered. */
  due(node: string, round: number, p: ProxySpec): PointerDue | undefined;
  /** Where a changed continuation is in its chain's sequence (lower moves first); undefined for others. */
  rank(node: string, p: ProxySpec): number | undefined;
}

/** A chain's new function order, from planning's outcome (empty when it was not planned). */
export function positionsOf(outcome: ChainOutcome | undefined): Map<string, number> {
  return new Map(outcome?.ok ? outcome.plan.instances.map((i, k) => [`${i.node}/${i.id}`, k]) : []);
}

const forwardOf = (p: ProxySpec) => ({ c: p.continuation, c6: p.continuationIpv6, dev: p.dev, f: p.families });

interface Slot {
  readonly node: string;
  readonly key: string;
  readonly position: number;
}

/** Consecutive slots of one node form one step. */
function steps(slots: readonly Slot[], merge: boolean): PointerStep[] {
  const out: { node: string; proxies: string[] }[] = [];
  for (const s of slots) {
    const last = out[out.length - 1];
    if (merge && last?.node === s.node) last.proxies.push(s.key);
    else out.push({ node: s.node, proxies: [s.key] });
  }
  return out;
}

/**
 * The pointer sequences of the switching chains: for each, the proxies that exist on both sides
 * (a new proxy serves a new instance, nothing points at it yet; a proxy that goes serves a retired
 * one) and whose continuation, or reverse lists, differ between what the node holds and the plan.
 */
export function pointerSchedule(chains: readonly SwitchingChain[], holds: (node: string) => NodeIntent | undefined, planned: Readonly<Record<string, NodeIntent>>): PointerSchedule {
  const sequences: PointerSequence[] = [];
  const ranks = new Map<string, number>();
  for (const { chain, nodes, positions } of chains) {
    const forward: Slot[] = [];
    const reverse: Slot[] = [];
    for (const node of [...new Set(nodes)].sort()) {
      const held = new Map(indexOf(holds(node)).proxies(chain).map((p) => [p.instance, p]));
      for (const p of indexOf(planned[node]).proxies(chain)) {
        const h = held.get(p.instance);
        const position = positions.get(`${node}/${p.instance}`);
        // Unknown position: not a function of the chain's plan (cannot happen for a planned chain); it moves with the switch.
        if (h === undefined || position === undefined) continue;
        const slot = { node, key: proxyKey(p), position };
        if (!sameData(forwardOf(h), forwardOf(p))) forward.push(slot);
        // A reverse list that goes away is no slot: it goes in the final step, after the egress stopped steering replies there.
        if (p.reverse !== undefined && !sameData(h.reverse, p.reverse)) reverse.push(slot);
      }
    }
    // Forward: the last function of the new order first. Return path: the first NAT of the chain
    // (whose replies go to the ingress) first — the reverse of the return path's travel order.
    forward.sort((a, b) => b.position - a.position);
    reverse.sort((a, b) => a.position - b.position);
    forward.forEach((s, k) => ranks.set(`${s.node}|${s.key}`, k));
    // Reverse slots are never merged: one node's proxies have one order, the forward sequence's.
    for (const [pointer, seq] of [['continuation', steps(forward, true)], ['reverse', steps(reverse, false)]] as const) {
      if (seq.length >= 2) sequences.push({ chain, pointer, steps: seq });
    }
  }

  // node|proxy|pointer → the round it moves in
  const roundOf = new Map<string, number>();
  for (const s of sequences) s.steps.forEach((st, r) => st.proxies.forEach((k) => roundOf.set(`${st.node}|${k}|${s.pointer}`, r)));
  return {
    sequences,
    rounds: Math.max(0, ...sequences.map((s) => s.steps.length)),
    due(node, round, p) {
      const c = roundOf.get(`${node}|${proxyKey(p)}|continuation`);
      const r = roundOf.get(`${node}|${proxyKey(p)}|reverse`);
      if (c === undefined && r === undefined) return undefined;
      // A pointer not in an ordered sequence moves in the switch step.
      return { continuation: c !== undefined && c <= round, reverse: r !== undefined && r <= round };
    },
    rank: (node, p) => ranks.get(`${node}|${proxyKey(p)}`),
  };
}

/**
 * The intent with its proxies in the order their continuations must move (the agent writes them
 * in the intent's order): those without a rank first, as they are, then by rank. The same object
 * when the order is right already.
 */
export function orderProxies(intent: NodeIntent, rank: (p: ProxySpec) => number | undefined): NodeIntent {
  const list = intent.proxies ?? [];
  const ranked = list.filter((p) => rank(p) !== undefined);
  if (ranked.length < 2) return intent;
  const sorted = [...list.filter((p) => rank(p) === undefined), ...ranked.sort((a, b) => rank(a)! - rank(b)!)];
  return sorted.every((p, k) => p === list[k]) ? intent : { ...intent, proxies: sorted };
}
