/**
 * Where everything goes: node centres and the route of every link. Columns come from
 * assignLayers; a link that spans several columns gets a waypoint in each column it crosses (a
 * reserved slot, so it never runs through a node); the order within each column is chosen by
 * barycentre sweeps, keeping the order with the fewest crossings; vertical positions follow the
 * neighbours' (weighted median, minimum gaps kept, long links kept straight); columns joined by
 * steep links move apart. Same input, same coordinates.
 */
import type { Topology, TopologyLink } from '../types.js';
import { type Point, offsetPolyline } from './geometry.js';
import { assignLayers } from './layers.js';
import type { ChainView } from './view.js';

export interface LayoutSizes {
  readonly boxWidth: number;
  readonly boxHeight: number;
  /** Centre to centre, at least; columns joined by steep links are set further apart. */
  readonly columnGap: number;
  readonly rowGap: number;
  /** From a node's centre to a waypoint beside it in the same column (room for lanes and badges). */
  readonly waypointClearance: number;
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
/** Space between two waypoints in a column. */
const WAYPOINT_GAP = 18;
/** How far a link keeps from boxes it passes by. */
const BOX_MARGIN = 4;
/** A column gap grows to at most this many times the minimum. */
const MAX_WIDENING = 3;

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

  // Nodes rowGap apart; a waypoint needs only to clear the boxes.
  const gap = (u: Slot, v: Slot): number => {
    const nodes = (u.node !== undefined ? 1 : 0) + (v.node !== undefined ? 1 : 0);
    return nodes === 2 ? sizes.rowGap : nodes === 1 ? sizes.waypointClearance : WAYPOINT_GAP;
  };
  const ys = placeVertically(columns, segments, gap);
  // Shift everything down so the highest box starts at `top`.
  let highest = Infinity;
  for (const [s, y] of ys) highest = Math.min(highest, y - (s.node !== undefined ? sizes.boxHeight / 2 : 0));
  const shift = Number.isFinite(highest) ? sizes.top - highest : 0;
  // Columns joined by steep links (a fan-out to a tall column) move apart until no link clips the
  // box above or below the node (or waypoint) it leaves from or arrives at, within reason.
  const hw = sizes.boxWidth / 2;
  const room = (s: Slot): number => (s.node !== undefined ? sizes.rowGap : sizes.waypointClearance) - sizes.boxHeight / 2 - BOX_MARGIN;
  const xs = [sizes.left + hw];
  for (let c = 1; c < columns.length; c++) {
    let gapX = sizes.columnGap;
    for (const [u, v] of segments) {
      if (!columns[c - 1]!.includes(u)) continue;
      const rise = Math.abs(ys.get(u)! - ys.get(v)!);
      gapX = Math.max(gapX, Math.ceil((rise * hw) / Math.max(1, Math.min(room(u), room(v)))));
    }
    xs.push(xs[c - 1]! + Math.min(gapX, MAX_WIDENING * sizes.columnGap));
  }
  const at = new Map<Slot, Point>();
  const indexInColumn = new Map<Slot, number>();
  columns.forEach((column, c) => {
    column.forEach((s, i) => {
      at.set(s, { x: xs[c]!, y: Math.round(ys.get(s)! + shift) });
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
    // Nodes tied on the barycentre (say, hosts hanging off the same two routers) are spread over
    // as many slots around it, so a link passing through the column can run between them rather
    // than around them; on a tie with a node, a waypoint sits on the side nearer the column's centre.
    const groups = new Map<number, typeof keyed>();
    for (const k of keyed) {
      if (k.s.node === undefined || !(neighbours.get(k.s) ?? []).some((n) => pos.has(n))) continue;
      const key = Math.round(k.bary * 1e6);
      groups.set(key, [...(groups.get(key) ?? []), k]);
    }
    const place = new Map<Slot, number>(keyed.map((k) => [k.s, k.bary]));
    for (const g of groups.values()) g.forEach((k, j) => place.set(k.s, k.bary + j - (g.length - 1) / 2));
    const order = (x: (typeof keyed)[number], y: (typeof keyed)[number]): number => {
      const d = place.get(x.s)! - place.get(y.s)!;
      if (Math.abs(d) > 1e-9) return d;
      const xw = x.s.node === undefined;
      const yw = y.s.node === undefined;
      if (xw !== yw) return xw === place.get(x.s)! > -1e-9 ? -1 : 1;
      return x.i - y.i;
    };
    const result = [...keyed].sort(order).map((k) => k.s);
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
  let fewest = Infinity;
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

/**
 * Segments of links that cross columns pull harder, and waypoints all but refuse to move for a
 * node, so long links stay straight and nodes make way around them.
 */
const WAYPOINT_PULL = 20;
const WAYPOINT_INERTIA = 1e6;
const PLACEMENT_SWEEPS = 8;

/**
 * Vertical positions, keeping each column's order and minimum gaps: start with every column
 * centred, then repeatedly move each slot towards the weighted median of its neighbours' positions
 * (left neighbours going right, right neighbours coming back, then both), resolving each column
 * with a least-squares fit under the gap constraints (pool-adjacent-violators).
 */
function placeVertically(columns: readonly Slot[][], segments: readonly [Slot, Slot][], gap: (u: Slot, v: Slot) => number): Map<Slot, number> {
  const left = new Map<Slot, { s: Slot; w: number }[]>();
  const right = new Map<Slot, { s: Slot; w: number }[]>();
  for (const [u, v] of segments) {
    const w = u.node === undefined || v.node === undefined ? WAYPOINT_PULL : 1;
    right.set(u, [...(right.get(u) ?? []), { s: v, w }]);
    left.set(v, [...(left.get(v) ?? []), { s: u, w }]);
  }
  const y = new Map<Slot, number>();
  const gapsOf = columns.map((column) => column.map((s, i) => (i === 0 ? 0 : gap(column[i - 1]!, s))));
  columns.forEach((column, c) => {
    const total = gapsOf[c]!.reduce((a, b) => a + b, 0);
    let at = -total / 2;
    column.forEach((s, i) => {
      at += gapsOf[c]![i]!;
      y.set(s, at);
    });
  });

  const settle = (c: number, sides: readonly Map<Slot, { s: Slot; w: number }[]>[]): void => {
    const column = columns[c]!;
    const desired = column.map((s) => weightedMedian(sides.flatMap((m) => (m.get(s) ?? []).map((n) => ({ v: y.get(n.s)!, w: n.w })))) ?? y.get(s)!);
    const weights = column.map((s) => (s.node === undefined ? WAYPOINT_INERTIA : 1));
    fitWithGaps(desired, gapsOf[c]!, weights).forEach((v, i) => y.set(column[i]!, v));
  };
  const last = columns.length - 1;
  for (let sweep = 0; sweep < PLACEMENT_SWEEPS; sweep++) {
    for (let c = 1; c <= last; c++) settle(c, [left]);
    for (let c = last - 1; c >= 0; c--) settle(c, [right]);
  }
  for (let sweep = 0; sweep < PLACEMENT_SWEEPS; sweep++) for (let c = 0; c <= last; c++) settle(c, [left, right]);
  return y;
}

/** The weighted median (the mean of the two middle values on an exact tie); undefined for no values. */
function weightedMedian(values: readonly { v: number; w: number }[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a.v - b.v);
  const half = sorted.reduce((sum, x) => sum + x.w, 0) / 2;
  let acc = 0;
  for (let i = 0; i < sorted.length; i++) {
    acc += sorted[i]!.w;
    if (Math.abs(acc - half) < 1e-9 && i + 1 < sorted.length) return (sorted[i]!.v + sorted[i + 1]!.v) / 2;
    if (acc > half) return sorted[i]!.v;
  }
  return sorted[sorted.length - 1]!.v;
}

/**
 * Positions as close as possible (weighted least squares) to `desired`, in the same order, each at
 * least gaps[i] below the previous one: substitute z_i = y_i − Σgaps, then isotonic regression.
 */
function fitWithGaps(desired: readonly number[], gaps: readonly number[], weights: readonly number[]): number[] {
  const offset: number[] = [];
  let sum = 0;
  for (const g of gaps) offset.push((sum += g));
  const blocks: { w: number; wz: number; n: number }[] = [];
  desired.forEach((d, i) => {
    blocks.push({ w: weights[i]!, wz: weights[i]! * (d - offset[i]!), n: 1 });
    while (blocks.length >= 2) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.wz / a.w <= b.wz / b.w) break;
      blocks.splice(blocks.length - 2, 2, { w: a.w + b.w, wz: a.wz + b.wz, n: a.n + b.n });
    }
  });
  const out: number[] = [];
  for (const b of blocks) for (let k = 0; k < b.n; k++) out.push(b.wz / b.w + offset[out.length]!);
  return out;
}
