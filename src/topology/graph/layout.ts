/**
 * Where everything goes: node centres and the route of every link. Columns come from
 * assignLayers; a link that spans several columns gets a waypoint in each column it crosses (a
 * reserved slot, so it never runs through a node); the order within each column is chosen by
 * barycentre sweeps, keeping the order with the fewest crossings; slots are spaced evenly and each
 * column is centred vertically. Same input, same coordinates.
 */
import type { Topology, TopologyLink } from '../types.js';
import { type Point, offsetPolyline } from './geometry.js';
import { assignLayers } from './layers.js';
import type { ChainView } from './view.js';

export interface LayoutSizes {
  readonly boxWidth: number;
  readonly boxHeight: number;
  /** Centre to centre. */
  readonly columnGap: number;
  readonly rowGap: number;
  /** Top-left corner of the drawing area. */
  readonly left: number;
  readonly top: number;
}

export interface LinkRoute {
  readonly link: TopologyLink;
  /** From the `a` end's node centre (or near it) to the `b` end's. */
  readonly points: readonly Point[];
}

export interface Layout {
  readonly sizes: LayoutSizes;
  /** Node name → centre. */
  readonly centres: ReadonlyMap<string, Point>;
  /** Node name → column. */
  readonly layers: ReadonlyMap<string, number>;
  /** In `topology.links` order. */
  readonly routes: readonly LinkRoute[];
  /** Right and bottom extent of everything placed (boxes and routes). */
  readonly right: number;
  readonly bottom: number;
}

/** A place in a column: a node, or the waypoint of a link crossing the column. */
interface Slot {
  readonly node?: string;
  readonly link?: number;
}

/** Parallel links between the same two nodes are drawn this far apart. */
const PARALLEL_GAP = 10;
const SWEEPS = 9;

export function layoutTopology(t: Topology, chains: readonly ChainView[], sizes: LayoutSizes): Layout {
  const layerOf = assignLayers(t, chains);
  const layerCount = t.nodes.length === 0 ? 0 : Math.max(...layerOf.values()) + 1;
  const columns: Slot[][] = Array.from({ length: layerCount }, () => []);
  const nodeSlot = new Map<string, Slot>();
  for (const n of t.nodes) {
    const s: Slot = { node: n.name };
    nodeSlot.set(n.name, s);
    columns[layerOf.get(n.name)!]!.push(s);
  }

  // Waypoints and the slot-to-slot segments between adjacent columns.
  const chainsOfSlots = new Map<number, Slot[]>();
  const segments: [Slot, Slot][] = [];
  for (const l of t.links) {
    const la = layerOf.get(l.a.node);
    const lb = layerOf.get(l.b.node);
    if (la === undefined || lb === undefined || la === lb) continue;
    const step = la < lb ? 1 : -1;
    const path: Slot[] = [nodeSlot.get(l.a.node)!];
    for (let c = la + step; c !== lb; c += step) {
      const w: Slot = { link: l.index };
      columns[c]!.push(w);
      path.push(w);
    }
    path.push(nodeSlot.get(l.b.node)!);
    chainsOfSlots.set(l.index, path);
    for (let i = 0; i + 1 < path.length; i++) segments.push(step > 0 ? [path[i]!, path[i + 1]!] : [path[i + 1]!, path[i]!]);
  }

  orderColumns(columns, segments);

  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const middle = sizes.top + ((tallest - 1) * sizes.rowGap + sizes.boxHeight) / 2;
  const at = new Map<Slot, Point>();
  const indexInColumn = new Map<Slot, number>();
  columns.forEach((column, c) => {
    column.forEach((s, i) => {
      at.set(s, { x: sizes.left + sizes.boxWidth / 2 + c * sizes.columnGap, y: middle + (i - (column.length - 1) / 2) * sizes.rowGap });
      indexInColumn.set(s, i);
    });
  });
  const centres = new Map(t.nodes.map((n) => [n.name, at.get(nodeSlot.get(n.name)!)!]));

  const routes = routeLinks(t, layerOf, centres, chainsOfSlots, at, indexInColumn, sizes, layerCount);
  let right = sizes.left + sizes.boxWidth;
  let bottom = sizes.top + sizes.boxHeight;
  for (const p of centres.values()) {
    right = Math.max(right, p.x + sizes.boxWidth / 2);
    bottom = Math.max(bottom, p.y + sizes.boxHeight / 2);
  }
  for (const r of routes) for (const p of r.points) right = Math.max(right, p.x);
  return { sizes, centres, layers: layerOf, routes, right, bottom };
}

function routeLinks(
  t: Topology,
  layerOf: ReadonlyMap<string, number>,
  centres: ReadonlyMap<string, Point>,
  slotPaths: ReadonlyMap<number, Slot[]>,
  at: ReadonlyMap<Slot, Point>,
  indexInColumn: ReadonlyMap<Slot, number>,
  sizes: LayoutSizes,
  layerCount: number,
): LinkRoute[] {
  // Links joining the same two nodes, for spreading parallel ones apart.
  const pairKey = (l: TopologyLink): string => JSON.stringify([l.a.node, l.b.node].sort());
  const siblings = new Map<string, number[]>();
  for (const l of t.links) if (l.a.node !== l.b.node) siblings.set(pairKey(l), [...(siblings.get(pairKey(l)) ?? []), l.index]);

  const nodeIndex = new Map<string, number>();
  for (const [s, i] of indexInColumn) if (s.node !== undefined) nodeIndex.set(s.node, i);
  const hh = sizes.boxHeight / 2;
  return t.links.map((link) => {
    const a = centres.get(link.a.node);
    const b = centres.get(link.b.node);
    if (!a || !b) return { link, points: [] };
    if (link.a.node === link.b.node) {
      // A loop over the top of the box.
      const y = a.y - hh;
      return { link, points: [{ x: a.x - 16, y }, { x: a.x - 16, y: y - 22 }, { x: a.x + 16, y: y - 22 }, { x: a.x + 16, y }] };
    }
    const group = siblings.get(pairKey(link))!;
    const k = group.indexOf(link.index);
    const canonical = [link.a.node, link.b.node].sort()[0] === link.a.node ? 1 : -1;
    const spread = (k - (group.length - 1) / 2) * PARALLEL_GAP * canonical;
    const slots = slotPaths.get(link.index);
    if (slots) return { link, points: offsetPolyline(slots.map((s) => at.get(s)!), spread) };
    // Same column: straight when nothing lies between, else a bracket through the gap beside the column.
    const ia = nodeIndex.get(link.a.node)!;
    const ib = nodeIndex.get(link.b.node)!;
    if (Math.abs(ia - ib) === 1) return { link, points: offsetPolyline([a, b], spread) };
    const layer = layerOf.get(link.a.node)!;
    const sideSign = layer === layerCount - 1 && layer > 0 ? -1 : 1;
    const dx = sideSign * (sizes.columnGap / 2 - Math.abs(spread));
    return { link, points: [a, { x: a.x + dx, y: a.y }, { x: b.x + dx, y: b.y }, b] };
  });
}

/** Reorders each column in place to reduce crossings between adjacent columns. */
function orderColumns(columns: Slot[][], segments: readonly [Slot, Slot][]): void {
  const above = new Map<Slot, Slot[]>();
  const below = new Map<Slot, Slot[]>();
  for (const [u, v] of segments) {
    below.set(u, [...(below.get(u) ?? []), v]);
    above.set(v, [...(above.get(v) ?? []), u]);
  }
  const centred = (column: readonly Slot[]): Map<Slot, number> => new Map(column.map((s, i) => [s, i - (column.length - 1) / 2]));

  const reorder = (c: number, neighbours: Map<Slot, Slot[]>, other: readonly Slot[]): void => {
    const column = columns[c]!;
    const pos = centred(other);
    const own = centred(column);
    const keyed = column.map((s, i) => {
      const ns = (neighbours.get(s) ?? []).filter((n) => pos.has(n));
      const bary = ns.length > 0 ? ns.reduce((sum, n) => sum + pos.get(n)!, 0) / ns.length : own.get(s)!;
      return { s, i, bary };
    });
    keyed.sort((x, y) => x.bary - y.bary || x.i - y.i);
    // Among slots tied on the barycentre, waypoints go in the middle so pass-through links stay straight.
    const result: Slot[] = [];
    for (let i = 0; i < keyed.length; ) {
      let j = i;
      while (j < keyed.length && Math.abs(keyed[j]!.bary - keyed[i]!.bary) < 1e-9) j++;
      const tied = keyed.slice(i, j).map((k) => k.s);
      const nodes = tied.filter((s) => s.node !== undefined);
      const waypoints = tied.filter((s) => s.node === undefined);
      const half = Math.floor(nodes.length / 2);
      result.push(...nodes.slice(0, half), ...waypoints, ...nodes.slice(half));
      i = j;
    }
    columns[c] = result;
  };

  const columnOf = new Map<Slot, number>();
  columns.forEach((column, c) => column.forEach((s) => columnOf.set(s, c)));
  const crossings = (): number => {
    const pos = new Map<Slot, number>();
    for (const column of columns) column.forEach((s, i) => pos.set(s, i));
    let count = 0;
    for (let i = 0; i < segments.length; i++) {
      for (let j = i + 1; j < segments.length; j++) {
        const [u1, v1] = segments[i]!;
        const [u2, v2] = segments[j]!;
        if (columnOf.get(u1) !== columnOf.get(u2)) continue;
        if ((pos.get(u1)! - pos.get(u2)!) * (pos.get(v1)! - pos.get(v2)!) < 0) count++;
      }
    }
    return count;
  };

  // Keep the last order with the fewest crossings: later sweeps are better aligned with their neighbours.
  let best = columns.map((c) => [...c]);
  let fewest = crossings();
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    if (sweep % 2 === 0) for (let c = 1; c < columns.length; c++) reorder(c, above, columns[c - 1]!);
    else for (let c = columns.length - 2; c >= 0; c--) reorder(c, below, columns[c + 1]!);
    const n = crossings();
    if (n <= fewest) {
      fewest = n;
      best = columns.map((c) => [...c]);
    }
  }
  best.forEach((c, i) => (columns[i] = c));
}
