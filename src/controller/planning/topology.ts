/**
 * What placement needs to know of the network: how far apart two nodes are. Kept this small so any
 * source can provide it — a containerlab topology's graph, an IGP database, a test's table. A
 * distance of Infinity means "unknown or unreachable" and simply ranks last.
 */
export interface PathMetric {
  distance(from: string, to: string): number;
}

/** Node → neighbours (links are taken as bidirectional, each of cost 1). */
export type Adjacency = Readonly<Record<string, readonly string[]>>;

export type Topology = PathMetric | Adjacency;

const isMetric = (t: Topology): t is PathMetric => typeof (t as PathMetric).distance === 'function';

export function toMetric(t: Topology): PathMetric {
  return isMetric(t) ? t : metricFromAdjacency(t);
}

/** Hop counts by breadth-first search, computed once per source and cached. */
export function metricFromAdjacency(adj: Adjacency): PathMetric {
  const neighbours = new Map<string, Set<string>>();
  const link = (a: string, b: string): void => {
    if (!neighbours.has(a)) neighbours.set(a, new Set());
    neighbours.get(a)!.add(b);
  };
  for (const [a, list] of Object.entries(adj)) {
    for (const b of list) {
      link(a, b);
      link(b, a);
    }
  }
  const cache = new Map<string, ReadonlyMap<string, number>>();
  const from = (src: string): ReadonlyMap<string, number> => {
    let d = cache.get(src);
    if (d) return d;
    const dist = new Map<string, number>([[src, 0]]);
    const queue = [src];
    for (let i = 0; i < queue.length; i++) {
      const u = queue[i]!;
      for (const v of neighbours.get(u) ?? []) {
        if (dist.has(v)) continue;
        dist.set(v, dist.get(u)! + 1);
        queue.push(v);
      }
    }
    d = dist;
    cache.set(src, d);
    return d;
  };
  return { distance: (a, b) => from(a).get(b) ?? Infinity };
}
