/**
 * Desired kernel objects vs the owned objects the kernel has (pure): the ops that converge them, in
 * dependency order — creates: SIDs, proxy tables and rules, nexthops, classifier routes and rules;
 * deletes in reverse: rules, routes, then nexthops. Equal objects cost nothing.
 */
import type { DataplaneOp } from '../../dataplane/dataplane.js';
import { type Nexthop, normalizeNexthop } from '../../dataplane/seg6/nexthop.js';
import { type Route, normalizeRoute, routeKey } from '../../dataplane/seg6/route.js';
import { type Rule, ruleKey } from '../../dataplane/seg6/rule.js';
import type { NodePlan, Owned } from '../plan/plan-node.js';
import type { ItemKind } from './types.js';

export interface Observed {
  readonly routes: readonly Route[];
  readonly nexthops: readonly Nexthop[];
  readonly rules: readonly Rule[];
}

/** One batch of creates and replaces; a phase starts only after the previous one is done. */
export interface Phase {
  readonly ops: readonly DataplaneOp[];
  /** The intent item each op serves (same index). */
  readonly items: readonly { kind: ItemKind; key: string }[];
}

export interface KernelDiff {
  /**
   * Creates and replaces in dependency order, as separate phases: SIDs and proxy tables, then
   * nexthops, then classifiers. Separate because transient ENOMEMs are retried at the end of a batch:
   * a route must not be tried before the retried nexthop it references exists.
   */
  readonly phases: readonly Phase[];
  /** Deletions of stale owned objects, rules and routes before nexthops. */
  readonly remove: readonly DataplaneOp[];
  readonly created: number;
  readonly replaced: number;
  readonly unchanged: number;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function kernelDiff(plan: NodePlan, observed: Observed, protocol: number): KernelDiff {
  let apply: DataplaneOp[] = [];
  let applyItems: { kind: ItemKind; key: string }[] = [];
  const phases: Phase[] = [];
  const endPhase = () => {
    if (apply.length > 0) phases.push({ ops: apply, items: applyItems });
    apply = [];
    applyItems = [];
  };
  let created = 0;
  let replaced = 0;
  let unchanged = 0;
  const own = <T extends object>(o: T): T => ({ ...o, protocol });

  const haveRoutes = new Map(observed.routes.map((r) => [routeKey(r), r]));
  const haveNexthops = new Map(observed.nexthops.map((n) => [n.id, n]));
  const haveRules = new Set(observed.rules.map(ruleKey));
  const wantRoutes = new Set<string>();
  const wantNexthops = new Set<number>();
  const wantRules = new Set<string>();

  const routes = (list: readonly Owned<Route>[]) => {
    for (const { item, object } of list) {
      const key = routeKey(object);
      wantRoutes.add(key);
      const have = haveRoutes.get(key);
      if (have && same(normalizeRoute(own(object)), normalizeRoute(have))) unchanged++;
      else {
        apply.push({ op: have ? 'replace' : 'add', kind: 'route', object });
        applyItems.push(item);
        if (have) replaced++;
        else created++;
      }
    }
  };
  const rules = (list: readonly Owned<Rule>[]) => {
    for (const { item, object } of list) {
      const key = ruleKey(own(object));
      if (wantRules.has(key)) continue; // the same rule serving two items (the leg-space rule)
      wantRules.add(key);
      if (haveRules.has(key)) unchanged++;
      else {
        apply.push({ op: 'add', kind: 'rule', object });
        applyItems.push(item);
        created++;
      }
    }
  };

  routes(plan.sidRoutes);
  rules(plan.proxyRules);
  endPhase();
  for (const { item, object } of plan.nexthops) {
    wantNexthops.add(object.id);
    const have = haveNexthops.get(object.id);
    if (have && same(normalizeNexthop(own(object)), normalizeNexthop(have))) unchanged++;
    else {
      apply.push({ op: have ? 'replace' : 'add', kind: 'nexthop', object });
      applyItems.push(item);
      if (have) replaced++;
      else created++;
    }
  }
  endPhase();
  routes(plan.classifierRoutes);
  rules(plan.classifierRules);
  endPhase();

  const remove: DataplaneOp[] = [
    ...observed.rules.filter((r) => !wantRules.has(ruleKey(r))).map((object) => ({ op: 'delete', kind: 'rule', object }) as const),
    ...observed.routes.filter((r) => !wantRoutes.has(routeKey(r))).map((object) => ({ op: 'delete', kind: 'route', object }) as const),
    ...observed.nexthops.filter((n) => !wantNexthops.has(n.id)).map((object) => ({ op: 'delete', kind: 'nexthop', object }) as const),
  ];
  return { phases, remove, created, replaced, unchanged };
}
