/**
 * Which column (layer) each node goes in, left to right: customer sites behind ingress edges,
 * ingress edges, then the core ordered by hop distances from the ingress and the egress edges,
 * egress edges after every other core node, and their sites last. Pure and deterministic: ties
 * fall back to file order.
 */
import { topologyAdjacency } from '../paths.js';
import type { Topology } from '../types.js';
import type { ChainView } from './view.js';

type Adjacency = Readonly<Record<string, readonly string[]>>;

/** Breadth-first hop counts written into `dist` (existing entries are kept), through `allowed` nodes only. */
function bfs(adj: Adjacency, allowed: (n: string) => boolean, sources: readonly string[], dist: Map<string, number>, start: number): void {
  const queue: string[] = [];
  for (const s of sources) {
    if (dist.has(s)) continue;
    dist.set(s, start);
    queue.push(s);
  }
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i]!;
    for (const v of adj[u] ?? []) {
      if (dist.has(v) || !allowed(v)) continue;
      dist.set(v, dist.get(u)! + 1);
      queue.push(v);
    }
  }
}

const maxOf = (values: Iterable<number>, fallback: number): number => {
  let m = fallback;
  for (const v of values) m = Math.max(m, v);
  return m;
};

/**
 * Edge nodes split into the left (ingress) and right (egress) side. Chains decide where they can:
 * an edge that is only ever an ingress goes left, only ever an egress goes right. The others go
 * to the side of the nearer anchor: the first chain's ingress and egress, or without chains the
 * first edge in the file and the edge farthest from it. Ties go left.
 */
function splitEdges(edges: readonly string[], chains: readonly ChainView[], adj: Adjacency, inCore: (n: string) => boolean): { left: string[]; right: string[] } {
  const isEdge = new Set(edges);
  const ingress = new Set<string>();
  const egress = new Set<string>();
  let anchorL: string | undefined;
  let anchorR: string | undefined;
  for (const c of chains) {
    if (isEdge.has(c.ingress)) ingress.add(c.ingress);
    if (isEdge.has(c.egress)) egress.add(c.egress);
    if (anchorL === undefined && isEdge.has(c.ingress)) {
      anchorL = c.ingress;
      if (isEdge.has(c.egress) && c.egress !== c.ingress) anchorR = c.egress;
    }
  }
  anchorL ??= edges[0]!;
  const dL = new Map<string, number>();
  bfs(adj, inCore, [anchorL], dL, 0);
  if (anchorR === undefined) {
    let best = 0;
    for (const e of edges) {
      const d = dL.get(e);
      const ingressOnly = ingress.has(e) && !egress.has(e);
      if (e !== anchorL && !ingressOnly && d !== undefined && d >= best) {
        best = d;
        anchorR = e;
      }
    }
  }
  const dR = new Map<string, number>();
  if (anchorR !== undefined) bfs(adj, inCore, [anchorR], dR, 0);
  const left: string[] = [];
  const right: string[] = [];
  for (const e of edges) {
    let side: 'left' | 'right';
    if (e === anchorL) side = 'left';
    else if (e === anchorR) side = 'right';
    else if (ingress.has(e) !== egress.has(e)) side = ingress.has(e) ? 'left' : 'right';
    else {
      const a = dL.get(e);
      const b = dR.get(e);
      side = b !== undefined && (a === undefined || b < a) ? 'right' : 'left';
    }
    (side === 'left' ? left : right).push(e);
  }
  return { left, right };
}

/** Node name → layer (0 = leftmost), layers numbered without gaps. */
export function assignLayers(t: Topology, chains: readonly ChainView[]): Map<string, number> {
  const adj = topologyAdjacency(t);
  const names = t.nodes.map((n) => n.name);
  const role = new Map(t.nodes.map((n) => [n.name, n.role]));
  const hasRole = (n: string): boolean => role.get(n) !== undefined;
  const raw = new Map<string, number>();

  const core = names.filter(hasRole);
  if (core.length === 0) {
    // No srv6-sfc roles at all: plain hop distance from the first chain's ingress or the first node.
    const start = chains.map((c) => c.ingress).find((n) => role.has(n)) ?? names[0];
    if (start !== undefined) bfs(adj, () => true, [start], raw, 0);
    for (const n of names) if (!raw.has(n)) bfs(adj, () => true, [n], raw, 0);
    return compact(names, raw);
  }

  const edges = core.filter((n) => role.get(n) === 'edge');
  const { left, right } = edges.length > 0 ? splitEdges(edges, chains, adj, hasRole) : { left: [], right: [] };
  const leftSet = new Set(left);
  const rightSet = new Set(right);

  // Role-less nodes (endpoints, bridges) grouped into the pieces of network they form on their own;
  // a piece hanging off left edges only is a left site, off right edges only a right site.
  const side = new Map<string, 'left' | 'right' | 'middle'>();
  const attachedOf = new Map<string, string[]>();
  for (const n of names) {
    if (hasRole(n) || side.has(n)) continue;
    const piece = new Map<string, number>();
    bfs(adj, (v) => !hasRole(v), [n], piece, 0);
    const attached = [...new Set([...piece.keys()].flatMap((p) => (adj[p] ?? []).filter(hasRole)))];
    const s = attached.length > 0 && attached.every((e) => leftSet.has(e)) ? 'left' : attached.length > 0 && attached.every((e) => rightSet.has(e)) ? 'right' : 'middle';
    for (const p of piece.keys()) {
      side.set(p, s);
      attachedOf.set(p, attached);
    }
  }

  const inMiddle = (n: string): boolean => hasRole(n) || side.get(n) === 'middle';
  const middle = names.filter(inMiddle);
  const dL = new Map<string, number>();
  bfs(adj, inMiddle, left.length > 0 ? left : [core[0]!], dL, 0);
  for (const n of middle) if (!dL.has(n)) bfs(adj, inMiddle, [n], dL, 1);
  const dR = new Map<string, number>();
  bfs(adj, inMiddle, right, dR, 0);

  // Each core link points from the node nearer the ingress side to the one nearer the egress side
  // (by dL − dR, then dL); a node's column is the longest such path reaching it. A function host
  // hung between two routers thus lands between them, and one hung off a single router beside it.
  const key = (n: string): [number, number] => [dL.get(n)! - (dR.get(n) ?? 0), dL.get(n)!];
  const before = (u: string, v: string): boolean => {
    const [pu, du] = key(u);
    const [pv, dv] = key(v);
    return pu < pv || (pu === pv && du < dv);
  };
  const fileIndex = new Map(names.map((n, i) => [n, i]));
  const sorted = [...middle].sort((u, v) => (before(u, v) ? -1 : before(v, u) ? 1 : fileIndex.get(u)! - fileIndex.get(v)!));
  for (const v of sorted) {
    let layer = 0;
    for (const u of adj[v] ?? []) if (inMiddle(u) && before(u, v)) layer = Math.max(layer, raw.get(u)! + 1);
    raw.set(v, layer);
  }

  // Egress edges go after every other core node; if one is farther than all of those, it stays there.
  const rightLayer = maxOf(
    right.map((e) => raw.get(e)!),
    1 + maxOf(middle.filter((n) => !rightSet.has(n)).map((n) => raw.get(n)!), 0),
  );
  for (const e of right) raw.set(e, rightLayer);

  // Sites: one column per hop away from their edge, outwards.
  for (const n of names) {
    const s = side.get(n);
    if (s !== 'left' && s !== 'right') continue;
    const depth = new Map<string, number>();
    bfs(adj, (v) => side.get(v) === s, attachedOf.get(n)!, depth, 0);
    raw.set(n, s === 'left' ? -depth.get(n)! : rightLayer + depth.get(n)!);
  }
  return compact(names, raw);
}

/** Layers renumbered 0..k-1 in order, empty ones dropped. */
function compact(names: readonly string[], raw: ReadonlyMap<string, number>): Map<string, number> {
  const used = [...new Set(raw.values())].sort((a, b) => a - b);
  const rank = new Map(used.map((v, i) => [v, i]));
  return new Map(names.map((n) => [n, rank.get(raw.get(n)!)!]));
}
