/**
 * One chain → its placement, allocations, segment lists and intent items, or the reason it cannot
 * be planned. Checks run cheapest and most fundamental first; nothing is allocated before every
 * check that needs no allocation has passed (and the caller rolls back a chain that fails later).
 */
import type { FunctionSpec } from '../../agent/functions/function-spec.js';
import { validateFunctionSpec } from '../../agent/functions/validate-function.js';
import type { EdgeChain, InstanceSpec, ProxySpec } from '../../agent/intent/node-intent.js';
import { MAX_RULE_CLASSIFIERS } from '../../agent/plan/ids.js';
import { Violations } from '../../common/errors.js';
import type { Family } from '../../common/ip.js';
import type { ChainFunction } from '../../model/chain.js';
import type { NodeRecord } from '../../model/node.js';
import type { AllocationBook } from './allocation-book.js';
import { classifiersOf, isDstOnly } from './classifiers.js';
import { decapKind, decapMode } from './decap.js';
import { type PlanFailure, failure } from './failures.js';
import type { ChainItems, ClassifierClaims } from './node-parts.js';
import { returnClassifiers, reverseTargets, snatHops, steeredHops } from './nat-return.js';
import { chainOwner, decapOwner, instanceOwner, instanceSidKind, instanceSidOwner, returnChainOwner, returnSidKind, returnSidOwner } from './owners.js';
import { placeFunctions } from './placement.js';
import { chooseProxyModes, requestedProxy } from './proxy-modes.js';
import { type FamilySids, proxyLists, travelPath } from './segments.js';
import type { PathMetric } from './topology.js';
import { DEFAULT_VIMS, type VimRegistry } from '../vim/vim-adapter.js';
import type { ChainPlan, NatReturn, PlanChainInput, PlannedInstance } from './types.js';

export interface ChainContext {
  readonly nodes: ReadonlyMap<string, NodeRecord>;
  readonly byName: readonly NodeRecord[];
  readonly metric?: PathMetric;
  readonly book: AllocationBook;
  readonly claims: ClassifierClaims;
  /** How instances come into being (default: the agent adapter). */
  readonly vims?: VimRegistry;
}

export type ChainPlanned =
  | {
      readonly ok: true;
      readonly plan: ChainPlan;
      readonly items: ChainItems;
      /** Classifier keys per node (the ingress's, the egress's NAT return path), to claim once the chain is committed. */
      readonly claims: readonly { readonly node: string; readonly keys: readonly string[] }[];
    }
  | { readonly ok: false; readonly failure: PlanFailure };

const fail = (f: PlanFailure): ChainPlanned => ({ ok: false, failure: f });
const statusKey = (f: Family): 'ipv4' | 'ipv6' => (f === 4 ? 'ipv4' : 'ipv6');

/** The function as the agent runs it (validated: the chain documents may come from anywhere). */
function functionSpec(fn: ChainFunction, path: string): { spec: FunctionSpec } | { failure: PlanFailure } {
  const spec = (fn.config === undefined ? { type: fn.type } : { type: fn.type, config: fn.config }) as FunctionSpec;
  const v = new Violations();
  validateFunctionSpec(spec, v, path);
  if (v.list.length > 0) {
    const first = v.list[0]!;
    return { failure: failure('InvalidFunction', v.list.map((x) => `${x.field}: ${x.description}`).join('; '), first.field) };
  }
  return { spec };
}

export function planChain(chain: PlanChainInput, ctx: ChainContext): ChainPlanned {
  const { name, spec } = chain;
  const { book } = ctx;

  // --- the world the chain names -----------------------------------------------------------
  const ingress = ctx.nodes.get(spec.ingress.node);
  if (!ingress) return fail(failure('UnknownNode', `ingress node ${spec.ingress.node} is not registered`, 'spec.ingress.node'));
  const egress = ctx.nodes.get(spec.egress.node);
  if (!egress) return fail(failure('UnknownNode', `egress node ${spec.egress.node} is not registered`, 'spec.egress.node'));
  if (!ingress.coreInterface) return fail(failure('NoCoreInterface', `ingress node ${ingress.name} has no core interface to encapsulate by`, 'spec.ingress.node'));
  if (!egress.coreInterface) return fail(failure('NoCoreInterface', `egress node ${egress.name} has no core interface to attach its decap SIDs to`, 'spec.egress.node'));

  // --- what the chain selects --------------------------------------------------------------
  const classified = classifiersOf(spec.ingress.match);
  if (!classified.ok) return fail(failure('InvalidMatch', classified.message, classified.field));
  const { classifiers, families, keys: classifierKeys } = classified;
  const ruled = classifiers.filter((c) => !isDstOnly(c)).length;
  if (ruled > MAX_RULE_CLASSIFIERS) {
    return fail(failure('TooManyClassifiers', `the match expands to ${ruled} source/protocol/port classifiers; an ingress takes at most ${MAX_RULE_CLASSIFIERS} per chain`, 'spec.ingress.match'));
  }
  const iface = spec.ingress.match.interface;
  if (iface !== undefined && ingress.interfaces.length > 0 && !ingress.interfaces.includes(iface)) {
    return fail(failure('UnknownInterface', `node ${ingress.name} has no interface ${iface}`, 'spec.ingress.match.interface'));
  }

  // --- what the nodes can do ---------------------------------------------------------------
  const decap = decapMode(spec.egress, egress);
  if (!decap.ok) return fail(failure('DecapUnsupported', decap.message, 'spec.egress.decap'));
  const functionSpecs: FunctionSpec[] = [];
  const names = new Set<string>();
  for (const [i, fn] of spec.functions.entries()) {
    const path = `spec.functions[${i}]`;
    // The name keys the function's instance and SIDs: two functions of one name would share them.
    if (names.has(fn.name)) return fail(failure('InvalidFunction', `function name ${fn.name} is used twice in the chain`, `${path}.name`));
    names.add(fn.name);
    if (fn.sr === 'aware') return fail(failure('SrAwareUnsupported', `function ${fn.name}: no SR-aware function type exists yet; use sr: unaware`, `${path}.sr`));
    const f = functionSpec(fn, path);
    if ('failure' in f) return fail(f.failure);
    functionSpecs.push(f.spec);
  }
  const holder = ctx.claims.holder(ingress.name, classifierKeys);
  if (holder !== undefined) return fail(failure('ClassifierConflict', `selects traffic chain ${holder} already selects at node ${ingress.name}`, 'spec.ingress.match'));
  // NAT return path: the egress steers replies to the NATs' addresses (nat-return.ts).
  const hops = snatHops(functionSpecs, families);
  const steered = steeredHops(hops);
  const back = returnClassifiers(steered);
  for (const [k, key] of back.keys.entries()) {
    const h = steered[k]!;
    const field = `spec.functions[${h.index}].config.toAddress`;
    const other = ctx.claims.holder(egress.name, [key]);
    if (other !== undefined) return fail(failure('ClassifierConflict', `replies to ${h.address} cannot come back: chain ${other} already selects traffic to it at egress node ${egress.name}`, field));
    if (egress.name === ingress.name && classifierKeys.includes(key)) {
      return fail(failure('ClassifierConflict', `replies to ${h.address} cannot come back: the chain itself selects traffic to it at node ${egress.name}`, field));
    }
  }

  // --- placement ---------------------------------------------------------------------------
  const placed = placeFunctions(name, spec, {
    nodes: ctx.nodes,
    byName: ctx.byName,
    ...(ctx.metric ? { metric: ctx.metric } : {}),
    ...(ctx.vims ? { vims: ctx.vims } : {}),
    load: (n) => book.instanceCount(n),
    home: (c, fn) => book.homeOf(instanceOwner(c, fn)),
  });
  if (!placed.ok) return fail(placed.failure);
  // --- proxies: dynamic where it can serve (proxy-modes.ts) -----------------------------------
  const withReturn = new Set(hops.map((h) => h.index));
  const chosen = chooseProxyModes(
    spec.functions.map((fn, i) => ({ requested: requestedProxy(fn, spec.proxy), node: ctx.nodes.get(placed.placements[i]!.node)!, hasReturnPath: withReturn.has(i) })),
    ingress.name,
  );
  if (!chosen.ok) {
    const fn = spec.functions[chosen.index]!;
    const field = fn.proxy === 'dynamic' ? `spec.functions[${chosen.index}].proxy` : 'spec.proxy';
    return fail(failure('DynamicProxyUnsupported', `function ${fn.name}: proxy dynamic cannot serve it: ${chosen.message}; use proxy: static or auto`, field));
  }
  const modes = chosen.modes;

  // --- allocation (the caller rolls back on failure) ---------------------------------------
  const exhausted = (message: string, field: string): ChainPlanned => fail(failure('ResourceExhausted', message, field));
  const chainId = book.chainId(ingress.name, chainOwner(name));
  if (!chainId.ok) return exhausted(chainId.message, 'spec.ingress.node');
  const egressSids: Partial<Record<Family, string>> = {};
  for (const f of families) {
    const sid = book.sid(egress.name, decapOwner(egress.name, decapKind(decap.mode, f)));
    if (!sid.ok) return exhausted(sid.message, 'spec.egress.node');
    egressSids[f] = sid.value;
  }
  const instances: PlannedInstance[] = [];
  const functionSids: FamilySids[] = [];
  for (const [i, fn] of spec.functions.entries()) {
    const { node, sticky } = placed.placements[i]!;
    const owner = instanceOwner(name, fn.name);
    const inst = book.instance(node, owner, name, fn.name);
    if (!inst.ok) return exhausted(inst.message, `spec.functions[${i}]`);
    const sids: { dx4?: string; dx6?: string } = {};
    const byFamily: Partial<Record<Family, string>> = {};
    for (const f of families) {
      const kind = instanceSidKind(f);
      const sid = book.sid(node, instanceSidOwner(name, fn.name, kind));
      if (!sid.ok) return exhausted(sid.message, `spec.functions[${i}]`);
      sids[kind] = sid.value;
      byFamily[f] = sid.value;
    }
    functionSids.push(byFamily);
    instances.push({ function: fn.name, node, id: inst.value.id, sids, slot: inst.value.slot, sticky, proxy: modes[i]! });
  }
  const returnSids: string[] = [];
  for (const h of hops) {
    const fn = spec.functions[h.index]!;
    const sid = book.sid(placed.placements[h.index]!.node, returnSidOwner(name, fn.name, returnSidKind(h.family)));
    if (!sid.ok) return exhausted(sid.message, `spec.functions[${h.index}]`);
    returnSids.push(sid.value);
  }
  const ingressSids: Partial<Record<Family, string>> = {};
  for (const f of new Set(hops.map((h) => h.family))) {
    // Always End.DX4/DX6: the ingress's customers are in its main table (its classifiers are).
    const sid = book.sid(ingress.name, decapOwner(ingress.name, f === 4 ? 'dx4' : 'dx6'));
    if (!sid.ok) return exhausted(sid.message, 'spec.ingress.node');
    ingressSids[f] = sid.value;
  }
  let returnChainId: number | undefined;
  if (hops.length > 0) {
    const id = book.chainId(egress.name, returnChainOwner(name));
    if (!id.ok) return exhausted(id.message, 'spec.egress.node');
    returnChainId = id.value;
  }

  // --- lists and items ---------------------------------------------------------------------
  const segments: { ipv4?: readonly string[]; ipv6?: readonly string[] } = {};
  const path: { ipv4?: readonly string[]; ipv6?: readonly string[] } = {};
  const lists = new Map(families.map((f) => [f, proxyLists(functionSids, egressSids, f, modes)] as const));
  for (const f of families) {
    segments[statusKey(f)] = lists.get(f)!.ingress;
    path[statusKey(f)] = travelPath(functionSids, egressSids, f);
  }
  // One list per family: SR-unaware functions have an End.DX4 SID for IPv4 traffic and an End.DX6
  // SID for IPv6 traffic. The intent's main list serves IPv4 (or the only family); the IPv6 one
  // rides beside it when both are present.
  const main = families.includes(4) ? 4 : 6;
  const v6 = main === 4 && families.includes(6) ? lists.get(6) : undefined;
  const edgeChain: EdgeChain = {
    chain: name,
    id: chainId.value,
    dev: ingress.coreInterface,
    segments: lists.get(main)!.ingress,
    ...(v6 ? { segmentsIpv6: v6.ingress } : {}),
    classifiers,
  };
  const nexts = reverseTargets(hops, returnSids, ingressSids);
  const natReturns: NatReturn[] = hops.map((h, k) => ({
    function: spec.functions[h.index]!.name,
    node: placed.placements[h.index]!.node,
    family: h.family,
    address: h.address,
    sid: returnSids[k]!,
    next: nexts[k]!,
  }));
  const instanceItems: { node: string; item: InstanceSpec }[] = [];
  const proxyItems: { node: string; item: ProxySpec }[] = [];
  for (const [i, inst] of instances.entries()) {
    const host = ctx.nodes.get(inst.node)!;
    // Placement only chose nodes some VIM serves: that VIM says what the node's intent carries.
    const vim = (ctx.vims ?? DEFAULT_VIMS).forNode(host, spec.functions[i]!.type)!;
    // A NAT's return SID (into its out leg) and where its de-NATed replies go (its in leg's reverse list).
    const ret = natReturns.find((r) => r.function === inst.function);
    const returnSidsItem = ret ? { returnSids: ret.family === 4 ? { dx4: ret.sid } : { dx6: ret.sid } } : {};
    instanceItems.push({ node: inst.node, item: vim.realize({ id: inst.id, function: functionSpecs[i]!, slot: inst.slot, legs: 2, sids: inst.sids, ...returnSidsItem }) });
    proxyItems.push({ node: inst.node, item: proxyItem(inst, name, host, families, lists.get(main)!.continuations[i], v6?.continuations[i], ret) });
  }
  const edgeChains: { node: string; item: EdgeChain }[] = [{ node: ingress.name, item: edgeChain }];
  if (returnChainId !== undefined) {
    const sidOf = (f: Family) => {
      const h = steered.find((x) => x.family === f);
      return h === undefined ? undefined : returnSids[hops.indexOf(h)];
    };
    const [s4, s6] = [sidOf(4), sidOf(6)];
    edgeChains.push({
      node: egress.name,
      item: {
        chain: name,
        direction: 'return',
        id: returnChainId,
        dev: egress.coreInterface,
        segments: [(s4 ?? s6)!],
        ...(s4 !== undefined && s6 !== undefined ? { segmentsIpv6: [s6] } : {}),
        classifiers: back.classifiers,
      },
    });
  }

  return {
    ok: true,
    plan: {
      chain: name,
      ingress: { node: ingress.name, chainId: chainId.value },
      egress: { node: egress.name, decap: decap.mode, sids: egressSids },
      families,
      segments,
      path,
      instances,
      retired: book.instancesAtStart(name).filter((p) => !instances.some((i) => i.function === p.function && i.node === p.node)),
      ...(returnChainId !== undefined ? { returnPath: { egressChainId: returnChainId, ingressSids, nats: natReturns } } : {}),
    },
    items: { edgeChains, instances: instanceItems, proxies: proxyItems },
    claims: [
      { node: ingress.name, keys: classifierKeys },
      { node: egress.name, keys: back.keys },
    ],
  };
}

/**
 * The proxy of one instance: a dynamic one names only what it serves (its host keeps no chain
 * state); a static one carries the continuation of each family and, for an snat NAT, the reverse
 * list of its in leg.
 */
function proxyItem(
  inst: PlannedInstance,
  chain: string,
  host: NodeRecord,
  families: readonly Family[],
  continuation: readonly string[] | undefined,
  continuationIpv6: readonly string[] | undefined,
  ret: NatReturn | undefined,
): ProxySpec {
  if (inst.proxy === 'dynamic') return { instance: inst.id, chain, mode: 'dynamic', families: [...families] };
  return {
    instance: inst.id,
    chain,
    continuation: continuation!,
    ...(continuationIpv6 ? { continuationIpv6 } : {}),
    dev: host.coreInterface!,
    families: [...families],
    ...(ret ? { reverse: ret.family === 4 ? { ipv4: [ret.next] } : { ipv6: [ret.next] } } : {}),
  };
}
