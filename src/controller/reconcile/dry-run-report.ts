/**
 * What a chain mutation would do, per node, in the API's terms (DryRunPlan, see
 * grpc/codecs/chain-plan-codec.ts) — pure: the chain's instances and SIDs before (the persisted
 * allocations and intents) and after (the dry run's plan), each marked create / keep / delete, and
 * each node's operation counts from its agent's own dry run.
 */
import type { NodeIntent } from '../../agent/intent/node-intent.js';
import type { OpCounts } from '../../agent/reconcile/types.js';
import type { Seg6LocalAction } from '../../dataplane/seg6/seg6local.js';
import type { DryRunInstance, DryRunNode, DryRunPlan, DryRunSid, PlanAction } from '../grpc/codecs/chain-plan-codec.js';
import type { Allocations, ChainPlan } from '../planning/index.js';
import type { InstanceSidKind, ReturnSidKind } from '../planning/owners.js';

export interface DryRunInput {
  readonly chain: string;
  /** The chain's plan after the mutation; undefined when it is deleted. */
  readonly plan: ChainPlan | undefined;
  /** Every node's intent after the mutation. */
  readonly planned: Readonly<Record<string, NodeIntent>>;
  /** What is in force now: the persisted allocations and intents, and the chain's edges if it exists. */
  readonly before: {
    readonly allocations?: Allocations;
    readonly intents: Readonly<Record<string, NodeIntent>>;
    readonly edges?: readonly string[];
  };
}

export const ZERO_OPS: OpCounts = { created: 0, replaced: 0, deleted: 0, unchanged: 0 };

interface NodeItems {
  readonly instances: Map<string, { function: string; sids: { -readonly [K in 'dx4' | 'dx6']?: string }; proxy?: 'static' | 'dynamic' }>;
  readonly sids: Map<string, { behavior: Seg6LocalAction; function?: string }>;
}

const KIND_BEHAVIOR = { dx4: 'End.DX4', dx6: 'End.DX6', rdx4: 'End.DX4', rdx6: 'End.DX6' } as const satisfies Record<InstanceSidKind | ReturnSidKind, Seg6LocalAction>;

function itemsOf(map: Map<string, NodeItems>, node: string): NodeItems {
  let m = map.get(node);
  if (!m) map.set(node, (m = { instances: new Map(), sids: new Map() }));
  return m;
}

/** The chain's instances and instance SIDs per node, from allocations (`chain/<c>/function/<f>[/dx4|/dx6]`). */
function fromAllocations(chain: string, allocations: Allocations | undefined): Map<string, NodeItems> {
  const out = new Map<string, NodeItems>();
  const prefix = `chain/${chain}/function/`;
  for (const [node, n] of Object.entries(allocations?.nodes ?? {})) {
    for (const [owner, inst] of Object.entries(n.instances)) {
      if (!owner.startsWith(prefix)) continue;
      itemsOf(out, node).instances.set(inst.id, { function: owner.slice(prefix.length), sids: {} });
    }
    for (const [sid, owner] of Object.entries(n.sids)) {
      if (!owner.startsWith(prefix)) continue;
      const [fn, kind] = owner.slice(prefix.length).split('/') as [string, InstanceSidKind | ReturnSidKind];
      const items = itemsOf(out, node);
      items.sids.set(sid, { behavior: KIND_BEHAVIOR[kind], function: fn });
      // An instance's sids are its in-leg SIDs; a NAT's return SIDs are listed as SIDs only.
      if (kind === 'dx4' || kind === 'dx6') for (const inst of items.instances.values()) if (inst.function === fn) inst.sids[kind] = sid;
    }
  }
  return out;
}

function fromPlan(plan: ChainPlan | undefined, planned: Readonly<Record<string, NodeIntent>>): Map<string, NodeItems> {
  const out = new Map<string, NodeItems>();
  if (!plan) return out;
  for (const i of plan.instances) {
    const items = itemsOf(out, i.node);
    items.instances.set(i.id, { function: i.function, sids: { ...i.sids }, proxy: i.proxy });
    for (const kind of ['dx4', 'dx6'] as const) {
      const sid = i.sids[kind];
      if (sid !== undefined) items.sids.set(sid, { behavior: KIND_BEHAVIOR[kind], function: i.function });
    }
  }
  for (const r of plan.returnPath?.nats ?? []) itemsOf(out, r.node).sids.set(r.sid, { behavior: r.family === 4 ? 'End.DX4' : 'End.DX6', function: r.function });
  // Decap SIDs: the egress's, and the ingress's where NAT replies come back.
  const decaps: [string, string | undefined][] = plan.families.map((f) => [plan.egress.node, plan.egress.sids[f]]);
  for (const f of plan.families) decaps.push([plan.ingress.node, plan.returnPath?.ingressSids[f]]);
  for (const [node, sid] of decaps) {
    const local = planned[node]?.localSids?.find((l) => l.sid === sid);
    if (sid !== undefined && local) itemsOf(out, node).sids.set(sid, { behavior: local.behavior.action });
  }
  return out;
}

const action = (before: boolean, after: boolean): PlanAction => (before && after ? 'keep' : after ? 'create' : 'delete');

/** The nodes the dry run reports on: where the chain's instances, SIDs or edge chain are, before or after. */
export function dryRunNodes(input: DryRunInput): string[] {
  const { chain, plan, before } = input;
  const nodes = new Set([...fromAllocations(chain, before.allocations).keys(), ...fromPlan(plan, input.planned).keys()]);
  if (plan) [plan.ingress.node, plan.egress.node].forEach((n) => nodes.add(n));
  for (const n of before.edges ?? []) if (input.planned[n]) nodes.add(n);
  for (const [n, intent] of Object.entries(before.intents)) if (intent.edgeChains?.some((e) => e.chain === chain)) nodes.add(n);
  return [...nodes].sort();
}

export function dryRunReport(input: DryRunInput, ops: ReadonlyMap<string, OpCounts>): DryRunPlan {
  const { chain, plan, before } = input;
  const was = fromAllocations(chain, before.allocations);
  const will = fromPlan(plan, input.planned);
  const nodes: DryRunNode[] = dryRunNodes(input).map((node) => {
    const a = was.get(node);
    const b = will.get(node);
    const instances: DryRunInstance[] = [];
    for (const id of new Set([...(b?.instances.keys() ?? []), ...(a?.instances.keys() ?? [])])) {
      const x = b?.instances.get(id) ?? a!.instances.get(id)!;
      instances.push({ function: x.function, id, sids: x.sids, ...(x.proxy ? { proxy: x.proxy } : {}), action: action(a?.instances.has(id) ?? false, b?.instances.has(id) ?? false) });
    }
    const sids: DryRunSid[] = [];
    for (const sid of new Set([...(b?.sids.keys() ?? []), ...(a?.sids.keys() ?? [])])) {
      const x = b?.sids.get(sid) ?? a!.sids.get(sid)!;
      // Decap SIDs are the egress node's (shared), not the chain's: "keep" when the node has it now.
      const had = a?.sids.has(sid) ?? before.intents[node]?.localSids?.some((l) => l.sid === sid) ?? false;
      sids.push({ sid, behavior: x.behavior, ...(x.function !== undefined ? { function: x.function } : {}), action: action(had, b?.sids.has(sid) ?? false) });
    }
    // An egress decap SID that no chain leaves by any more goes with this change.
    for (const l of before.intents[node]?.localSids ?? []) {
      if (!sids.some((x) => x.sid === l.sid) && !input.planned[node]?.localSids?.some((p) => p.sid === l.sid)) sids.push({ sid: l.sid, behavior: l.behavior.action, action: 'delete' });
    }
    return { node, ops: ops.get(node) ?? ZERO_OPS, instances, sids };
  });
  return { nodes, segments: plan?.segments ?? {} };
}
