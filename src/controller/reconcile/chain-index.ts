/**
 * Who owns what, from planning's output (pure): which chain an instance belongs to, which nodes a
 * chain lives on, which SIDs of its path live on which node, and which chains use a SID. The
 * reconciler needs these to gate a chain's switch on its own SIDs and to map an agent's per-item
 * failures back to chains.
 */
import type { NodeIntent } from '../../agent/intent/node-intent.js';
import type { Allocations, ChainOutcome, ChainPlan } from '../planning/index.js';
import { chainOfOwner } from '../planning/owners.js';

export type InstanceOwners = (node: string, id: string) => string | undefined;

/**
 * Instance id → chain per node, from the allocations of this pass and earlier ones (an instance
 * that moved or whose chain was deleted is released from the new allocations but may still run).
 */
export function instanceOwners(...allocations: readonly (Allocations | undefined)[]): InstanceOwners {
  const byNode = new Map<string, Map<string, string>>();
  for (const a of allocations) {
    for (const [node, n] of Object.entries(a?.nodes ?? {})) {
      let m = byNode.get(node);
      if (!m) byNode.set(node, (m = new Map()));
      for (const [owner, inst] of Object.entries(n.instances)) {
        const chain = chainOfOwner(owner);
        if (chain !== undefined && !m.has(inst.id)) m.set(inst.id, chain);
      }
    }
  }
  return (node, id) => byNode.get(node)?.get(id);
}

/** The nodes the chain's new state lives on: ingress, egress, function hosts. */
export function chainNodes(plan: ChainPlan): string[] {
  return [...new Set([plan.ingress.node, plan.egress.node, ...plan.instances.map((i) => i.node)])];
}

/**
 * Every SID of the chain's paths (function SIDs and the egress decap SIDs; for a NAT return path,
 * the NATs' return SIDs and the ingress's decap SIDs), by the node it lives on.
 */
export function pathSidsByNode(plan: ChainPlan): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (node: string, sid: string | undefined) => {
    if (sid === undefined) return;
    const list = out.get(node) ?? [];
    if (!list.includes(sid)) list.push(sid);
    out.set(node, list);
  };
  for (const i of plan.instances) for (const sid of [i.sids.dx4, i.sids.dx6]) add(i.node, sid);
  for (const f of plan.families) add(plan.egress.node, plan.egress.sids[f]);
  for (const r of plan.returnPath?.nats ?? []) add(r.node, r.sid);
  for (const f of plan.families) add(plan.ingress.node, plan.returnPath?.ingressSids[f]);
  return out;
}

/** `node|sid` → the chains whose path uses that SID (an egress decap SID is shared). */
export function sidUsers(outcomes: Readonly<Record<string, ChainOutcome>>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [chain, o] of Object.entries(outcomes)) {
    if (!o.ok) continue;
    for (const [node, sids] of pathSidsByNode(o.plan)) {
      for (const sid of sids) {
        const k = `${node}|${sid}`;
        out.set(k, [...(out.get(k) ?? []), chain]);
      }
    }
  }
  return out;
}

/**
 * The chains a node matters to: those planned on it, those it still holds state of (moved or
 * deleted chains), and those whose spec names it (a chain that failed to place there).
 */
export function chainsTouching(
  node: string,
  outcomes: Readonly<Record<string, ChainOutcome>>,
  holds: NodeIntent | undefined,
  specs: Readonly<Record<string, { readonly spec: { readonly ingress: { readonly node: string }; readonly egress: { readonly node: string }; readonly functions: readonly { readonly placement?: { readonly node?: string } }[] } }>>,
): Set<string> {
  const out = new Set<string>();
  for (const [chain, o] of Object.entries(outcomes)) {
    if (o.ok && (chainNodes(o.plan).includes(node) || o.plan.retired.some((r) => r.node === node))) out.add(chain);
  }
  for (const e of holds?.edgeChains ?? []) out.add(e.chain);
  for (const p of holds?.proxies ?? []) out.add(p.chain);
  for (const [chain, c] of Object.entries(specs)) {
    const s = c.spec;
    if (s.ingress.node === node || s.egress.node === node || s.functions.some((f) => f.placement?.node === node)) out.add(chain);
  }
  return out;
}
