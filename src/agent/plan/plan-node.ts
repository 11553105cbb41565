/**
 * Intent → the kernel objects and instances this node must have (pure). Invalid or conflicting
 * items are left out with a per-item result; everything else is planned.
 */
import type { Violations } from '../../common/errors.js';
import { type Family, canonicalPrefix, parsePrefix } from '../../common/ip.js';
import type { Nexthop } from '../../dataplane/seg6/nexthop.js';
import type { Route } from '../../dataplane/seg6/route.js';
import type { Rule } from '../../dataplane/seg6/rule.js';
import { edgeChainKey } from '../intent/edge-chain-key.js';
import type { EdgeChain, InstanceSids, InstanceSpec, NodeIntent, StaticProxySpec } from '../intent/node-intent.js';
import type { ItemKind, ItemResult } from '../reconcile/types.js';
import { edgeRuleset } from './edge-ruleset.js';
import { chainNexthopId, chainTable, classifierRulePriority } from './ids.js';
import { type LegAddresses, instanceLegs } from './leg-addressing.js';
import { staticProxy } from '../proxy/static-proxy.js';
import {
  type NodeContext,
  classifierFamily,
  isDstOnly,
  itemError,
  validateEdgeChain,
  validateEdgeSettings,
  validateInstance,
  validateLocalSid,
  validateProxy,
} from './validate-intent.js';

/** An object to install, tagged with the intent item it serves (to report kernel refusals per item). */
export interface Owned<T> {
  readonly item: { readonly kind: ItemKind; readonly key: string };
  readonly object: T;
}

export interface NodePlan {
  readonly tunnelSource?: string;
  /** nftables text of the edge table, or undefined for none. */
  readonly edgeRuleset?: string;
  readonly instances: readonly InstanceSpec[];
  /** seg6local SIDs (local and instance legs), proxy tables' routes. */
  readonly sidRoutes: readonly Owned<Route>[];
  readonly proxyRules: readonly Owned<Rule>[];
  readonly nexthops: readonly Owned<Nexthop>[];
  /** Classifier routes (main or chain tables) and classifier rules. */
  readonly classifierRoutes: readonly Owned<Route>[];
  readonly classifierRules: readonly Owned<Rule>[];
  /** Items refused before anything was planned for them. */
  readonly rejected: readonly ItemResult[];
  /** Every item planned (for the final per-item result). */
  readonly planned: readonly { kind: ItemKind; key: string }[];
  /** The dynamic (eBPF) proxy's legs and SIDs: BPF map entries and tc attachments, not netlink objects. */
  readonly dynamicProxy: DynamicProxyPlan;
}

/** One dynamically proxied instance: its leg (id = slot), the device it sends back on, its proxied SIDs. */
export interface DynamicProxyLeg {
  readonly item: { readonly kind: 'proxy'; readonly key: string };
  /** The instance (its namespace is re-created on respawn: a new ifindex for returnDev). */
  readonly instance: string;
  /** Leg id = the instance's slot. */
  readonly id: number;
  /** Host-side return leg: the out leg, or the in leg of a one-leg instance. */
  readonly returnDev: string;
  /** End.DX4 / End.DX6 SIDs of the instance (those of the item's families). */
  readonly sids: readonly string[];
}

export interface DynamicProxyPlan {
  readonly legs: readonly DynamicProxyLeg[];
}

const DEFAULT_DST: Record<Family, string> = { 4: '0.0.0.0/0', 6: '::/0' };

export function planNode(intent: NodeIntent, ctx: NodeContext): NodePlan {
  const rejected: ItemResult[] = [];
  const planned: { kind: ItemKind; key: string }[] = [];
  const reject = (kind: ItemKind, key: string, v: Violations, reason?: string) => rejected.push(itemError(kind, key, v, reason));
  const conflict = (kind: ItemKind, key: string, field: string, message: string) =>
    rejected.push({ kind, key, ok: false, reason: 'CONFLICT', field, message: `${field}: ${message}` });

  // Instances first: their legs are interfaces the other items may name.
  const instances: InstanceSpec[] = [];
  const instanceById = new Map<string, InstanceSpec>();
  const slots = new Map<number, string>();
  const sidOwner = new Map<string, string>();
  const links = new Set(ctx.links);
  (intent.instances ?? []).forEach((s, i) => {
    const path = `instances[${i}]`;
    const key = String(s?.id);
    const v = validateInstance(s, path, ctx);
    if (v.list.length) return reject('instance', key, v);
    if (instanceById.has(s.id)) return conflict('instance', key, `${path}.id`, `instance '${s.id}' is listed twice`);
    if (slots.has(s.slot)) return conflict('instance', key, `${path}.slot`, `slot ${s.slot} is already used by instance '${slots.get(s.slot)}'`);
    const own = instanceSids(s);
    for (const sid of own) {
      if (sidOwner.has(canonicalPrefix(sid))) return conflict('instance', key, `${path}.sids`, `SID ${sid} is already used by ${sidOwner.get(canonicalPrefix(sid))}`);
    }
    if (new Set(own.map(canonicalPrefix)).size !== own.length) return conflict('instance', key, `${path}.returnSids`, 'a return SID repeats one of the instance\'s SIDs');
    for (const sid of own) sidOwner.set(canonicalPrefix(sid), `instance ${s.id}`);
    instances.push(s);
    instanceById.set(s.id, s);
    slots.set(s.slot, s.id);
    const legs = instanceLegs(s.slot, s.legs);
    links.add(legs.in.hostDev);
    if (legs.out) links.add(legs.out.hostDev);
    planned.push({ kind: 'instance', key });
  });
  const nodeCtx: NodeContext = { locator: ctx.locator, links };

  const sidRoutes: Owned<Route>[] = [];
  for (const s of instances) {
    const item = { kind: 'instance' as const, key: s.id };
    const legs = instanceLegs(s.slot, s.legs);
    sidRoutes.push(...legSids(item, legs.in, s.sids));
    // The NAT return path: replies to the NAT's address enter by the out leg (validated: two legs).
    if (s.returnSids && legs.out) sidRoutes.push(...legSids(item, legs.out, s.returnSids));
  }

  (intent.localSids ?? []).forEach((s, i) => {
    const path = `localSids[${i}]`;
    const key = String(s?.sid);
    const v = validateLocalSid(s, path, nodeCtx);
    if (v.list.length) return reject('localSid', key, v);
    const c = canonicalPrefix(s.sid);
    if (sidOwner.has(c)) return conflict('localSid', key, `${path}.sid`, `SID ${s.sid} is already used by ${sidOwner.get(c)}`);
    sidOwner.set(c, `local SID ${s.sid}`);
    sidRoutes.push({ item: { kind: 'localSid', key }, object: { family: 6, dst: `${s.sid}/128`, dev: s.dev, encap: { type: 'seg6local', behavior: s.behavior, count: true } } });
    planned.push({ kind: 'localSid', key });
  });

  const proxyRules: Owned<Rule>[] = [];
  const dynamicLegs: DynamicProxyLeg[] = [];
  const proxied = new Set<string>();
  (intent.proxies ?? []).forEach((p, i) => {
    const path = `proxies[${i}]`;
    const key = `${String(p?.instance)}/${String(p?.chain)}`;
    const v = validateProxy(p, path, nodeCtx, instanceById);
    if (v.list.length) return reject('proxy', key, v);
    if (proxied.has(p.instance)) return conflict('proxy', key, `${path}.instance`, `instance '${p.instance}' already has a proxy (one cached continuation per leg)`);
    proxied.add(p.instance);
    const s = instanceById.get(p.instance)!;
    const item = { kind: 'proxy' as const, key };
    if (p.mode === 'dynamic') {
      const legs = instanceLegs(s.slot, s.legs);
      const families = p.families ?? ([4, 6] as const);
      const sids = [families.includes(4) ? s.sids.dx4 : undefined, families.includes(6) ? s.sids.dx6 : undefined].filter((x): x is string => x !== undefined);
      dynamicLegs.push({ item, instance: s.id, id: s.slot, returnDev: (legs.out ?? legs.in).hostDev, sids });
      planned.push({ kind: 'proxy', key });
      return;
    }
    // Validated: a static item has its continuation and dev.
    const objects = staticProxy.objects(s.slot, instanceLegs(s.slot, s.legs), p as StaticProxySpec);
    for (const object of objects.routes) sidRoutes.push({ item, object });
    for (const object of objects.rules) proxyRules.push({ item, object });
    planned.push({ kind: 'proxy', key });
  });
  if (proxyRules.length > 0) {
    const item = { kind: 'proxy' as const, key: 'leg-space' };
    const shared = staticProxy.shared(intent.tunnelSource);
    for (const object of shared.rules) proxyRules.push({ item, object });
    for (const object of shared.routes) sidRoutes.push({ item, object });
  }

  const nexthops: Owned<Nexthop>[] = [];
  const classifierRoutes: Owned<Route>[] = [];
  const classifierRules: Owned<Rule>[] = [];
  const chainNames = new Set<string>();
  const chainIds = new Map<number, string>();
  const classifierOwner = new Map<string, string>();
  (intent.edgeChains ?? []).forEach((c, i) => {
    const path = `edgeChains[${i}]`;
    const key = c ? edgeChainKey(c) : 'undefined';
    const v = validateEdgeChain(c, path, nodeCtx);
    if (v.list.length) return reject('edgeChain', key, v);
    if (chainNames.has(key)) return conflict('edgeChain', key, `${path}.chain`, `chain '${key}' is listed twice`);
    if (chainIds.has(c.id)) return conflict('edgeChain', key, `${path}.id`, `id ${c.id} is already used by chain '${chainIds.get(c.id)}'`);
    const keys = c.classifiers.map(classifierKey);
    const clash = keys.findIndex((k) => classifierOwner.has(k));
    if (clash !== -1) return conflict('edgeChain', key, `${path}.classifiers[${clash}]`, `overlaps a classifier of chain '${classifierOwner.get(keys[clash]!)}'`);
    if (new Set(keys).size !== keys.length) return conflict('edgeChain', key, `${path}.classifiers`, 'lists the same classifier twice');
    keys.forEach((k) => classifierOwner.set(k, key));
    chainNames.add(key);
    chainIds.set(c.id, key);
    planChain(c, nexthops, classifierRoutes, classifierRules);
    planned.push({ kind: 'edgeChain', key });
  });

  let edge: string | undefined;
  if (intent.edge) {
    const v = validateEdgeSettings(intent.edge, 'edge', nodeCtx);
    if (v.list.length) reject('edge', 'edge', v);
    else {
      edge = edgeRuleset(intent.edge);
      planned.push({ kind: 'edge', key: 'edge' });
    }
  }
  if (intent.tunnelSource !== undefined) planned.push({ kind: 'tunnelSource', key: intent.tunnelSource });

  return {
    ...(intent.tunnelSource !== undefined ? { tunnelSource: intent.tunnelSource } : {}),
    ...(edge !== undefined ? { edgeRuleset: edge } : {}),
    instances,
    sidRoutes,
    proxyRules,
    nexthops,
    classifierRoutes,
    classifierRules,
    rejected,
    planned,
    dynamicProxy: { legs: dynamicLegs },
  };
}

/** Every SID of an instance: its in-leg SIDs, then its return SIDs. */
const instanceSids = (s: InstanceSpec): string[] =>
  [s.sids.dx4, s.sids.dx6, s.returnSids?.dx4, s.returnSids?.dx6].filter((x): x is string => x !== undefined);

/** End.DX4/DX6 SIDs into one leg of an instance, with the host routes they need. */
function legSids(item: Owned<Route>['item'], leg: LegAddresses, sids: InstanceSids): Owned<Route>[] {
  const out: Owned<Route>[] = [];
  // End.DX4/DX6 resolve the neighbour of the *inner* destination on a connected leg (measured):
  // a host route to the instance with itself as gateway makes them resolve the instance instead.
  if (sids.dx4 !== undefined) out.push({ item, object: { family: 4, dst: `${leg.instance4}/32`, via: leg.instance4, dev: leg.hostDev } });
  if (sids.dx6 !== undefined) out.push({ item, object: { family: 6, dst: `${leg.instance6}/128`, via: leg.instance6, dev: leg.hostDev } });
  if (sids.dx4 !== undefined) {
    out.push({ item, object: { family: 6, dst: `${sids.dx4}/128`, dev: leg.hostDev, encap: { type: 'seg6local', behavior: { action: 'End.DX4', nh4: leg.instance4 }, count: true } } });
  }
  if (sids.dx6 !== undefined) {
    out.push({ item, object: { family: 6, dst: `${sids.dx6}/128`, dev: leg.hostDev, encap: { type: 'seg6local', behavior: { action: 'End.DX6', nh6: leg.instance6 }, count: true } } });
  }
  return out;
}

/** Classifiers collide when they select the same traffic: same canonical selectors. */
function classifierKey(k: EdgeChain['classifiers'][number]): string {
  return JSON.stringify([
    canonicalPrefix(k.dst),
    k.src === undefined ? null : canonicalPrefix(k.src),
    k.protocol ?? null,
    k.srcPorts ? [k.srcPorts.start, k.srcPorts.end] : null,
    k.dstPorts ? [k.dstPorts.start, k.dstPorts.end] : null,
    k.iif ?? null,
  ]);
}

function planChain(c: EdgeChain, nexthops: Owned<Nexthop>[], routes: Owned<Route>[], rules: Owned<Rule>[]): void {
  const item = { kind: 'edgeChain' as const, key: edgeChainKey(c) };
  const families = new Set(c.classifiers.map(classifierFamily));
  for (const family of [4, 6] as const) {
    if (!families.has(family)) continue;
    const segments = family === 6 && c.segmentsIpv6 ? c.segmentsIpv6 : c.segments;
    nexthops.push({ item, object: { id: chainNexthopId(c.id, family), family, dev: c.dev, encap: { type: 'seg6', mode: c.mode ?? 'encap', segments } } });
  }
  const tableFamilies = new Set<Family>();
  let k = 0;
  for (const cl of c.classifiers) {
    const family = classifierFamily(cl);
    const nhid = chainNexthopId(c.id, family);
    if (isDstOnly(cl)) {
      routes.push({ item, object: { family, dst: cl.dst, nhid } });
      continue;
    }
    rules.push({
      item,
      object: {
        family,
        priority: classifierRulePriority(c.id, k++),
        table: chainTable(c.id),
        // A /0 destination selects everything: the kernel stores no FRA_DST for it, so neither do we.
        ...(parsePrefix(cl.dst).length > 0 ? { dst: cl.dst } : {}),
        ...(cl.src !== undefined ? { src: cl.src } : {}),
        ...(cl.protocol !== undefined ? { ipproto: cl.protocol } : {}),
        ...(cl.srcPorts !== undefined ? { sport: cl.srcPorts } : {}),
        ...(cl.dstPorts !== undefined ? { dport: cl.dstPorts } : {}),
        ...(cl.iif !== undefined ? { iif: cl.iif } : {}),
      },
    });
    if (!tableFamilies.has(family)) {
      tableFamilies.add(family);
      routes.push({ item, object: { family, dst: DEFAULT_DST[family], table: chainTable(c.id), nhid } });
    }
  }
}
