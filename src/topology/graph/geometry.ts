/** Plane geometry for the drawing (SVG coordinates: x to the right, y downwards). */

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A number as SVG text: at most one decimal, never `-0`, so output bytes are stable. */
export function num(v: number): string {
  const r = Math.round(v * 10) / 10;
  return Object.is(r, -0) || r === 0 ? '0' : String(r);
}

export function pointsAttr(points: readonly Point[]): string {
  return points.map((p) => `${num(p.x)},${num(p.y)}`).join(' ');
}

export const distance = (p: Point, q: Point): number => Math.hypot(q.x - p.x, q.y - p.y);

/** Unit vector from p to q ({0,0} when they coincide). */
export function direction(p: Point, q: Point): Point {
  const d = distance(p, q);
  return d === 0 ? { x: 0, y: 0 } : { x: (q.x - p.x) / d, y: (q.y - p.y) / d };
}

/** The right-hand normal of a direction (on screen, with y pointing down). */
export const rightNormal = (d: Point): Point => ({ x: -d.y, y: d.x });

/** How far from a box's centre, along unit direction d, its border lies. */
export function boxExit(d: Point, halfWidth: number, halfHeight: number): number {
  const tx = Math.abs(d.x) < 1e-9 ? Infinity : halfWidth / Math.abs(d.x);
  const ty = Math.abs(d.y) < 1e-9 ? Infinity : halfHeight / Math.abs(d.y);
  return Math.min(tx, ty);
}

/** Consecutive duplicates removed (they have no direction). */
export function dedupe(points: readonly Point[]): Point[] {
  const out: Point[] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (!last || distance(last, p) > 1e-6) out.push(p);
  }
  return out;
}

/** Beyond this many offsets, a corner is cut (bevelled) instead of mitred. */
const MITER_LIMIT = 2.5;

/**
 * The polyline shifted `offset` to the right of its direction of travel (negative: to the left),
 * with mitred corners; a U-turn or a very sharp corner becomes two points (a bevel). A path that
 * goes out along a link and comes back along it therefore shows as two parallel lanes.
 */
export function offsetPolyline(points: readonly Point[], offset: number): Point[] {
  const pts = dedupe(points);
  if (pts.length < 2 || offset === 0) return pts;
  const normals: Point[] = [];
  for (let i = 0; i + 1 < pts.length; i++) normals.push(rightNormal(direction(pts[i]!, pts[i + 1]!)));
  const shift = (p: Point, n: Point, k: number): Point => ({ x: p.x + n.x * k, y: p.y + n.y * k });
  const out: Point[] = [shift(pts[0]!, normals[0]!, offset)];
  for (let i = 1; i + 1 < pts.length; i++) {
    const n1 = normals[i - 1]!;
    const n2 = normals[i]!;
    const sum = { x: n1.x + n2.x, y: n1.y + n2.y };
    const len = Math.hypot(sum.x, sum.y);
    const cos = len / 2; // cos of half the turning angle
    if (len < 1e-6 || 1 / cos > MITER_LIMIT) {
      out.push(shift(pts[i]!, n1, offset), shift(pts[i]!, n2, offset));
    } else {
      out.push(shift(pts[i]!, { x: sum.x / len, y: sum.y / len }, offset / cos));
    }
  }
  out.push(shift(pts[pts.length - 1]!, normals[normals.length - 1]!, offset));
  return out;
}

/** The largest offset from a vertex that offsetPolyline may produce, for a given offset. */
export const maxOffsetDrift = (offset: number): number => Math.abs(offset) * MITER_LIMIT;
