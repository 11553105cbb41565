/**
 * The lab's graph: who is linked to whom, and shortest paths over the links. Every link counts as
 * one hop in both directions; a link from a node to itself is no hop at all.
 *
 * Shortest paths are deterministic: at each hop the path takes the lowest-index link (position in
 * `topology.links`) that still lies on a shortest path to the destination. Two runs over the same
 * file always give the same path, whatever order the nodes were written in.
 */
import type { Topology, TopologyLink } from './types.js';

/** One hop: the link taken and the node it leads to. */
export interface Hop {
  readonly link: TopologyLink;
  /** The node the hop starts from, and the end of the link on its side (`a` or `b`). */
  readonly from: string;
  readonly side: 'a' | 'b';
  readonly to: string;
}

/** Every node → its neighbours (each once, in the order of the first link joining them), nodes in file order. */
export function topologyAdjacency(t: Topology): Record<string, string[]> {
  const adj: Record<string, string[]> = {};
  for (const n of t.nodes) adj[n.name] = [];
  const add = (x: string, y: string): void => {
    const list = (adj[x] ??= []);
    if (!list.includes(y)) list.push(y);
  };
  for (const l of t.links) {
    if (l.a.node === l.b.node) continue;
    add(l.a.node, l.b.node);
    add(l.b.node, l.a.node);
  }
  return adj;
}

/** Hop counts from `target` to every node that reaches it over `links`. */
function distancesTo(links: readonly TopologyLink[], target: string): Map<string, number> {
  const incident = incidentLinks(links);
  const dist = new Map<string, number>([[target, 0]]);
  const queue = [target];
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i]!;
    for (const h of incident.get(u) ?? []) {
      if (dist.has(h.to)) continue;
      dist.set(h.to, dist.get(u)! + 1);
      queue.push(h.to);
    }
  }
  return dist;
}

/** Node → the hops leaving it, by ascending link index. */
function incidentLinks(links: readonly TopologyLink[]): Map<string, Hop[]> {
  const out = new Map<string, Hop[]>();
  const push = (h: Hop): void => {
    const list = out.get(h.from);
    if (list) list.push(h);
    else out.set(h.from, [h]);
  };
  const sorted = [...links].sort((x, y) => x.index - y.index);
  for (const link of sorted) {
    if (link.a.node === link.b.node) continue;
    push({ link, from: link.a.node, side: 'a', to: link.b.node });
    push({ link, from: link.b.node, side: 'b', to: link.a.node });
  }
  return out;
}

/**
 * The hops of a shortest path from `from` to `to` over `links` only (any subset of a topology's
 * links, e.g. the core links): [] when from === to, undefined when `to` is unreachable.
 */
export function shortestHops(links: readonly TopologyLink[], from: string, to: string): Hop[] | undefined {
  const dist = distancesTo(links, to);
  if (!dist.has(from)) return undefined;
  const incident = incidentLinks(links);
  const hops: Hop[] = [];
  for (let at = from; at !== to; ) {
    const d = dist.get(at)!;
    const next = (incident.get(at) ?? []).find((h) => dist.get(h.to) === d - 1)!;
    hops.push(next);
    at = next.to;
  }
  return hops;
}

/**
 * Node names from `from` to `to`, both included, along a shortest path over all links; undefined
 * when either node is unknown or `to` cannot be reached. `[from]` when from === to.
 */
export function shortestPath(t: Topology, from: string, to: string): string[] | undefined {
  const known = new Set(t.nodes.map((n) => n.name));
  if (!known.has(from) || !known.has(to)) return undefined;
  const hops = shortestHops(t.links, from, to);
  return hops && [from, ...hops.map((h) => h.to)];
}
