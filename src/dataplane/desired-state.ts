/**
 * Read-back verification and pruning of owned state, over any Dataplane (kernel or fake).
 * The kernel silently ignores attributes it does not use, so a write is only trusted once it has
 * been read back and compared.
 */
import type { Dataplane, DataplaneOp, ObjectKind } from './dataplane.js';
import { type Nexthop, normalizeNexthop } from './seg6/nexthop.js';
import { type Route, normalizeRoute, routeKey } from './seg6/route.js';
import { type Rule, ruleKey } from './seg6/rule.js';

export interface DesiredState {
  readonly routes?: readonly Route[];
  readonly nexthops?: readonly Nexthop[];
  readonly rules?: readonly Rule[];
}

export interface Drift {
  readonly kind: ObjectKind;
  readonly key: string;
  readonly want: Route | Nexthop | Rule;
  /** What the kernel has under the same key; absent when missing. */
  readonly got?: Route | Nexthop | Rule;
}

const nexthopKey = (n: Pick<Nexthop, 'id'>): string => String(n.id);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Compares desired objects with what the dataplane reports (owned objects only); [] = all present and equal. */
export async function verifyState(dp: Dataplane, want: DesiredState): Promise<Drift[]> {
  const drift: Drift[] = [];
  const own = <T>(o: T): T => ({ ...o, protocol: dp.protocol });
  if (want.routes?.length) {
    const have = new Map((await dp.listRoutes()).map((r) => [routeKey(r), r]));
    for (const w of want.routes) {
      const key = routeKey(w);
      const got = have.get(key);
      if (!got || !same(normalizeRoute(own(w)), normalizeRoute(got))) drift.push({ kind: 'route', key, want: w, ...(got ? { got } : {}) });
    }
  }
  if (want.nexthops?.length) {
    const have = new Map((await dp.listNexthops()).map((n) => [nexthopKey(n), n]));
    for (const w of want.nexthops) {
      const key = nexthopKey(w);
      const got = have.get(key);
      if (!got || !same(normalizeNexthop(own(w)), normalizeNexthop(got))) drift.push({ kind: 'nexthop', key, want: w, ...(got ? { got } : {}) });
    }
  }
  if (want.rules?.length) {
    const have = new Set((await dp.listRules()).map(ruleKey));
    for (const w of want.rules) {
      const key = ruleKey(own(w));
      if (!have.has(key)) drift.push({ kind: 'rule', key, want: w });
    }
  }
  return drift;
}

/**
 * Deletes every owned object that `keep` does not list — rules, then routes, then nexthops (routes
 * reference nexthops). Foreign objects are never listed, so never touched. Returns the deleted ops.
 */
export async function pruneOwned(dp: Dataplane, keep: DesiredState): Promise<DataplaneOp[]> {
  const keepRules = new Set((keep.rules ?? []).map((r) => ruleKey({ ...r, protocol: dp.protocol })));
  const keepRoutes = new Set((keep.routes ?? []).map(routeKey));
  const keepNexthops = new Set((keep.nexthops ?? []).map(nexthopKey));
  const ops: DataplaneOp[] = [
    ...(await dp.listRules()).filter((r) => !keepRules.has(ruleKey(r))).map((object) => ({ op: 'delete', kind: 'rule', object }) as const),
    ...(await dp.listRoutes()).filter((r) => !keepRoutes.has(routeKey(r))).map((object) => ({ op: 'delete', kind: 'route', object }) as const),
    ...(await dp.listNexthops()).filter((n) => !keepNexthops.has(nexthopKey(n))).map((object) => ({ op: 'delete', kind: 'nexthop', object }) as const),
  ];
  if (ops.length === 0) return [];
  const results = await dp.apply(ops);
  // Something deleted meanwhile (e.g. routes flushed with their nexthop) is fine; anything else is not.
  const failed = results.flatMap((r) => (!r.ok && !r.error.missing ? [r.error] : []));
  if (failed.length > 0) throw new AggregateError(failed, `prune: ${failed.length} deletions failed: ${failed[0]!.message}`);
  return ops;
}
