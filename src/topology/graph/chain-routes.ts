/**
 * Each chain as a path over the drawing: ingress → each function's node → egress, every leg
 * expanded with the topology's shortest path, then traced along the links' routes and shifted to
 * one side of travel by a lane offset that grows with the chain's index.
 */
import { shortestPath } from '../paths.js';
import type { Topology, TopologyLink } from '../types.js';
import { type Point, dedupe, offsetPolyline } from './geometry.js';
import type { Layout } from './layout.js';
import type { ChainView } from './view.js';

export interface ChainRoute {
  readonly chain: ChainView;
  /** Position in the caller's list: picks the colour and the lane. */
  readonly index: number;
  /** Nodes visited, in travel order (a node appears again when the path comes back through it). */
  readonly nodes: readonly string[];
  /** The lane: the path through node centres and link bends, shifted by `offset`. */
  readonly lane: readonly Point[];
  readonly offset: number;
  /** What could not be drawn (unknown nodes, unreachable legs), for the legend. */
  readonly problems: readonly string[];
}

/** Lanes sit this far apart, right of the direction of travel; they cycle after LANES chains. */
export const LANE_GAP = 5.5;
export const LANES = 6;

export const laneOffset = (index: number): number => LANE_GAP * (1 + (index % LANES));

/** The node sequence of a chain, and what stopped parts of it from being drawn. */
export function chainNodePath(t: Topology, chain: ChainView): { nodes: string[]; problems: string[] } {
  const known = new Set(t.nodes.map((n) => n.name));
  const problems: string[] = [];
  const stops: string[] = [];
  const stop = (node: string, what: string): void => {
    if (known.has(node)) stops.push(node);
    else problems.push(`${what}: node "${node}" is not in the topology`);
  };
  stop(chain.ingress, 'ingress');
  for (const f of chain.functions) stop(f.node, `function ${f.name}`);
  stop(chain.egress, 'egress');
  const nodes: string[] = stops.slice(0, 1);
  for (let i = 0; i + 1 < stops.length; i++) {
    const from = stops[i]!;
    const to = stops[i + 1]!;
    if (from === to) continue;
    const leg = shortestPath(t, from, to);
    if (leg) nodes.push(...leg.slice(1));
    else {
      problems.push(`no path from ${from} to ${to}`);
      nodes.push(to);
    }
  }
  return { nodes, problems };
}

/** The link a hop takes: the lowest-index link joining the two nodes, as shortest paths do. */
function linkBetween(t: Topology, u: string, v: string): TopologyLink | undefined {
  let best: TopologyLink | undefined;
  for (const l of t.links) {
    const joins = (l.a.node === u && l.b.node === v) || (l.a.node === v && l.b.node === u);
    if (joins && (best === undefined || l.index < best.index)) best = l;
  }
  return best;
}

export function chainRoute(t: Topology, layout: Layout, chain: ChainView, index: number): ChainRoute {
  const { nodes, problems } = chainNodePath(t, chain);
  const centre: Point[] = [];
  const first = nodes[0] !== undefined ? layout.centres.get(nodes[0]) : undefined;
  if (first) centre.push(first);
  for (let i = 0; i + 1 < nodes.length; i++) {
    const u = nodes[i]!;
    const v = nodes[i + 1]!;
    const link = linkBetween(t, u, v);
    const route = link ? layout.routes[t.links.indexOf(link)]?.points : undefined;
    if (link && route && route.length > 0) centre.push(...(link.a.node === u ? route : [...route].reverse()));
    else centre.push(layout.centres.get(v)!);
  }
  const offset = laneOffset(index);
  return { chain, index, nodes, lane: offsetPolyline(dedupe(centre), offset), offset, problems };
}
