/**
 * The objects every dataplane benchmark installs, as Dataplane objects and as iproute2 batch lines,
 * generated from one place so that ours and the references install exactly the same state.
 */
import type { DataplaneOp } from '../../src/dataplane/dataplane.js';
import type { Nexthop } from '../../src/dataplane/seg6/nexthop.js';
import type { Route } from '../../src/dataplane/seg6/route.js';

/** The veth end every nexthop leaves by (created inside each bench namespace). */
export const BENCH_DEV = 'sfc-b0';
export const BENCH_PEER = 'sfc-b1';
/** Route protocol stamped on everything (NetlinkDataplane's default, SFC_PROTOCOL). */
export const BENCH_PROTO = 200;

const hex = (n: number): string => n.toString(16);

/** Three SIDs per nexthop, distinct per id; `variant` gives a second list for replace benchmarks. */
export function segmentsOf(id: number, variant = 0): string[] {
  const v = variant === 0 ? '' : `:${hex(variant)}`;
  return [`fc00:1${v}::${hex(id)}`, `fc00:2${v}::${hex(id)}`, `fc00:3${v}::${hex(id)}`];
}

export function nexthopOf(id: number, variant = 0): Nexthop {
  return { id, family: 6, dev: BENCH_DEV, encap: { type: 'seg6', mode: 'encap', segments: segmentsOf(id, variant) } };
}

/** Route i (0-based): a distinct /64 under 2001:db8::/32. */
export function routeDst(i: number): string {
  return `2001:db8:${hex(i >>> 16)}:${hex(i & 0xffff)}::/64`;
}

/** Route i points at nexthop 1 + (i mod nexthops). */
export function routeOf(i: number, nexthops: number): Route {
  return { family: 6, dst: routeDst(i), nhid: 1 + (i % nexthops) };
}

export function nexthopOps(count: number, op: 'add' | 'replace' = 'add'): DataplaneOp[] {
  const ops: DataplaneOp[] = new Array(count);
  for (let i = 0; i < count; i++) ops[i] = { op, kind: 'nexthop', object: nexthopOf(i + 1) };
  return ops;
}

export function routeOps(count: number, nexthops: number): DataplaneOp[] {
  const ops: DataplaneOp[] = new Array(count);
  for (let i = 0; i < count; i++) ops[i] = { op: 'add', kind: 'route', object: routeOf(i, nexthops) };
  return ops;
}

/** `ip -6 -batch` line for nexthop `id` (same object as nexthopOf). */
export function nexthopLine(id: number, verb: 'add' | 'replace' = 'add', variant = 0): string {
  return `nexthop ${verb} id ${id} encap seg6 mode encap segs ${segmentsOf(id, variant).join(',')} dev ${BENCH_DEV} proto ${BENCH_PROTO}`;
}

/** `ip -6 -batch` line for route i (same object as routeOf). */
export function routeLine(i: number, nexthops: number): string {
  return `route add ${routeDst(i)} nhid ${1 + (i % nexthops)} proto ${BENCH_PROTO}`;
}
