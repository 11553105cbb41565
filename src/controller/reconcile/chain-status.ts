/**
 * A chain's status from what the controller knows after a pass (pure): planning's outcome, what
 * each node holds and reported (per-item failures, the last call's failure, observations), the
 * registry's view of the nodes, and why a switch was held back in this pass.
 *
 * | condition | True | False reasons |
 * |---|---|---|
 * | Placed | Placed | planning's (NoNodeFits, CapacityExhausted, ResourceExhausted, UnknownNode, ...) |
 * | InstancesReady | InstancesRunning | NodeUnreachable, AgentError, SpawnFailed, InstanceRejected, WaitingForInstances, InstanceExited |
 * | Programmed | Programmed | NodeUnreachable, AgentError, WaitingForSids, SpawnFailed, ApplyFailed, Pending, LastGoodStateKept, NotPlaced |
 * | Ready | Ready | the first False one's |
 */
import type { NodeIntent } from '../../agent/intent/node-intent.js';
import type { ItemResult } from '../../agent/reconcile/types.js';
import type { Chain, ChainStatus, InstanceRef } from '../../model/chain.js';
import { type ChainOutcome, type ChainPlan, statusFacts } from '../planning/index.js';
import { sameData } from '../planning/intent-content.js';
import { chainNodes } from './chain-index.js';
import { type ConditionDraft, readyFrom, stampConditions } from './conditions.js';
import type { Block } from './converge.js';
import { indexOf } from './intent-index.js';
import { intentProblem } from './item-failures.js';
import { type NodeView, sidKey } from './node-book.js';

export interface NodeFacts {
  /** The registry's state; UNKNOWN for a node that is not registered. */
  readonly state: 'READY' | 'UNREACHABLE' | 'UNKNOWN';
  readonly view: NodeView;
  /** Planning's intent for the node. */
  readonly planned?: NodeIntent;
}

export interface ChainStatusInput {
  readonly chain: Pick<Chain, 'name' | 'generation' | 'status'>;
  readonly outcome: ChainOutcome | undefined;
  readonly node: (name: string) => NodeFacts;
  /** Why this pass did not switch the chain to its new path. */
  readonly blocked?: Block;
  readonly now: string;
}

type Draft = Omit<ConditionDraft, 'type'>;
const ok = (reason: string, message: string): Draft => ({ status: 'True', reason, message });
const no = (reason: string, message: string): Draft => ({ status: 'False', reason, message });

/** A node's own trouble: unreachable in the registry, or its last call failed. */
function nodeTrouble(name: string, f: NodeFacts): Draft | undefined {
  if (f.state !== 'READY') return no('NodeUnreachable', `node ${name} is ${f.state === 'UNKNOWN' ? 'not registered' : 'unreachable'}`);
  const e = f.view.error;
  if (e) return no(e.reason === 'NodeUnreachable' ? 'NodeUnreachable' : 'AgentError', `${name}: ${e.message}`);
  return undefined;
}

const failureLine = (node: string, i: ItemResult): string => `${node}: ${i.kind} ${i.key}: ${i.reason ?? 'FAILED'}${i.message ? `: ${i.message}` : ''}`;

function instancesReady(plan: ChainPlan, node: (n: string) => NodeFacts): Draft {
  if (plan.instances.length === 0) return ok('InstancesRunning', 'the chain has no functions');
  for (const i of plan.instances) {
    const f = node(i.node);
    const trouble = nodeTrouble(i.node, f);
    if (trouble) return { ...trouble, message: `${trouble.message} (instance ${i.id})` };
    const failed = f.view.failures.find((x) => x.kind === 'instance' && x.key === i.id);
    if (failed) return no(failed.reason === 'RUNTIME_FAILED' ? 'SpawnFailed' : 'InstanceRejected', failureLine(i.node, failed));
    const want = indexOf(f.planned).instance(i.id);
    const have = indexOf(f.view.holds).instance(i.id);
    if (!have || !sameData(have, want)) return no('WaitingForInstances', `instance ${i.id} is not on ${i.node} yet`);
    const seen = f.view.observation?.instances.get(i.id);
    if (seen && seen.state !== 'running') return no('InstanceExited', `instance ${i.id} on ${i.node} exited${seen.reason ? ` (${seen.reason})` : ''}; its agent restarts it`);
  }
  return ok('InstancesRunning', `${plan.instances.length} instance(s) running`);
}

function programmed(plan: ChainPlan, node: (n: string) => NodeFacts, blocked: Block | undefined): Draft {
  const nodes = chainNodes(plan);
  for (const n of nodes) {
    const trouble = nodeTrouble(n, node(n));
    if (trouble) return trouble;
  }
  if (blocked) return no(blocked.reason, blocked.message);
  const chain = plan.chain;
  const problems: string[] = [];
  for (const n of nodes) {
    const f = node(n);
    const decap = [...(n === plan.egress.node ? Object.values(plan.egress.sids) : []), ...(n === plan.ingress.node ? Object.values(plan.returnPath?.ingressSids ?? {}) : [])];
    const p = intentProblem(chain, f.view.holds, f.planned, f.view.failures, decap);
    if (p.failed.length > 0) return no('ApplyFailed', p.failed.map((x) => failureLine(n, x)).join('; '));
    if (p.pending) problems.push(n);
  }
  if (problems.length > 0) return no('Pending', `waiting for ${problems.join(', ')} to apply the chain`);
  const lists = Object.entries(plan.segments).map(([fam, segs]) => `${fam === 'ipv4' ? 'IPv4' : 'IPv6'} [${(segs ?? []).join(', ')}]`);
  return ok('Programmed', `${plan.ingress.node} steers the chain into ${lists.join(', ')}`);
}

/**
 * Packets through the instance's SIDs when its node was observed; else the last count reported
 * for the same instance (a restarted controller has observed nothing yet: it keeps the count).
 */
function withPackets(ref: InstanceRef, f: NodeFacts, prev: readonly InstanceRef[]): InstanceRef {
  const packets = f.view.observation?.packets;
  const counts = [ref.sids.dx4, ref.sids.dx6].filter((s): s is string => s !== undefined).map((s) => packets?.get(sidKey(s)));
  if (counts.every((c) => c === undefined)) {
    const last = prev.find((p) => p.node === ref.node && p.id === ref.id && sameData(p.sids, ref.sids))?.packets;
    return last === undefined ? ref : { ...ref, packets: last };
  }
  return { ...ref, packets: counts.reduce<bigint>((a, c) => a + (c ?? 0n), 0n) };
}

export function chainStatus(input: ChainStatusInput): ChainStatus {
  const { chain, outcome, node } = input;
  const prev = chain.status;
  let parts: { type: ConditionDraft['type']; draft: Draft }[];
  let facts: Pick<ChainStatus, 'segments' | 'instances'>;
  if (outcome?.ok) {
    const plan = outcome.plan;
    const placedOn = plan.instances.map((i) => `${i.function} on ${i.node}`).join(', ');
    parts = [
      { type: 'Placed', draft: ok('Placed', placedOn === '' ? 'no functions to place' : placedOn) },
      { type: 'InstancesReady', draft: instancesReady(plan, node) },
      { type: 'Programmed', draft: programmed(plan, node, input.blocked) },
    ];
    const f = statusFacts(plan);
    facts = { segments: f.segments, instances: f.instances.map((r) => withPackets(r, node(r.node), prev.instances)) };
  } else if (outcome) {
    const { failure, held } = outcome;
    const message = `${failure.field !== undefined ? `${failure.field}: ` : ''}${failure.message}`;
    parts = [
      { type: 'Placed', draft: no(failure.reason, message) },
      { type: 'InstancesReady', draft: { status: 'Unknown', reason: 'NotPlaced', message: 'the chain is not placed' } },
      {
        type: 'Programmed',
        draft: held ? no('LastGoodStateKept', 'the last good state stays programmed until the chain can be planned again') : no('NotPlaced', 'nothing is programmed for the chain'),
      },
    ];
    // A held chain still runs as before: keep reporting what runs.
    facts = held ? { segments: prev.segments, instances: prev.instances } : { segments: {}, instances: [] };
  } else {
    parts = [{ type: 'Placed', draft: { status: 'Unknown', reason: 'NotPlanned', message: 'not planned yet' } }];
    facts = { segments: prev.segments, instances: prev.instances };
  }
  const drafts: ConditionDraft[] = parts.map((p) => ({ type: p.type, ...p.draft }));
  drafts.push(readyFrom(drafts));
  return {
    observedGeneration: chain.generation,
    conditions: stampConditions(prev.conditions, drafts, chain.generation, input.now),
    ...facts,
  };
}

/**
 * Whether the chain's key should be retried with backoff: it is placed but not (yet) ready — a
 * node, an agent or the kernel is in the way. A chain that cannot be placed is terminal until the
 * world changes (events re-queue it), so it is not retried in a hot loop.
 */
export function needsRetry(status: ChainStatus): boolean {
  const placed = status.conditions.find((c) => c.type === 'Placed');
  const ready = status.conditions.find((c) => c.type === 'Ready');
  return placed?.status === 'True' && ready?.status !== 'True';
}
