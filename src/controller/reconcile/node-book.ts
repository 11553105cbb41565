/**
 * What the controller knows about each node's agent, in memory: the intent the node holds (the
 * last one it acknowledged, or after a restart what the store says it held), whether this process
 * has heard that from the agent itself, the per-item failures of its last apply, the last call's
 * failure, and its last observation (instances, per-SID packet counters, programmed SIDs).
 */
import type { NodeIntent } from '../../agent/intent/node-intent.js';
import type { ApplyResult, ItemResult, ObservedState } from '../../agent/reconcile/types.js';
import { canonicalAddress } from '../../common/ip.js';
import type { AgentFailure } from './agents.js';

export interface Observation {
  readonly generation: number;
  readonly instances: ReadonlyMap<string, { readonly state: 'running' | 'exited'; readonly reason?: string }>;
  /** Canonical SID → packets through its seg6local route. */
  readonly packets: ReadonlyMap<string, bigint>;
  /** Canonical SIDs that have a seg6local route. */
  readonly sids: ReadonlySet<string>;
}

export interface NodeView {
  /** The intent the node holds; undefined: nothing known (a new node holds nothing of ours). */
  readonly holds?: NodeIntent;
  /** The agent itself acknowledged `holds` to this process. */
  readonly confirmed: boolean;
  /** Failed items of the last acknowledged apply. */
  readonly failures: readonly ItemResult[];
  /** The last call's failure; cleared by the next success. */
  readonly error?: AgentFailure;
  readonly observation?: Observation;
  /** Consecutive unreachable failures, and until when (epoch ms) the node is not called again. */
  readonly down?: { readonly failures: number; readonly until: number };
}

export interface NodeBookOptions {
  /** How long not to call a node after its n-th consecutive unreachable failure (ms). */
  readonly downFor?: (failures: number) => number;
  readonly clock?: () => number;
}

/** The empty intent: what a node holds when the controller has given it nothing. */
export const NOTHING: NodeIntent = { generation: 0 };

export const sidKey = (sid: string): string => canonicalAddress(sid.replace(/\/128$/, ''));

export function observationOf(o: ObservedState): Observation {
  const packets = new Map<string, bigint>();
  const sids = new Set<string>();
  for (const r of o.routes) {
    if (r.encap?.type !== 'seg6local') continue;
    const sid = sidKey(r.dst);
    sids.add(sid);
    if (r.encap.counters) packets.set(sid, r.encap.counters.packets);
  }
  const instances = new Map(o.instances.map((i) => [i.id, i.reason === undefined ? { state: i.state } : { state: i.state, reason: i.reason }]));
  return { generation: o.generation, instances, packets, sids };
}

/** The SIDs an intent programs on its node (instances' SIDs and return SIDs, local SIDs), canonical. */
export function intentSids(intent: NodeIntent): Set<string> {
  const out = new Set<string>();
  for (const i of intent.instances ?? []) {
    for (const sid of [i.sids.dx4, i.sids.dx6, i.returnSids?.dx4, i.returnSids?.dx6]) if (sid !== undefined) out.add(sidKey(sid));
  }
  for (const l of intent.localSids ?? []) out.add(sidKey(l.sid));
  return out;
}

/**
 * Whether the SIDs a node has programmed (its owned seg6local routes) differ from those of the
 * intent it holds. Agents report a generation, and one generation covers several intents of a
 * make-before-break (union, switch, final): a node that holds another of them than the controller
 * believes shows here, where the generation alone would not.
 */
export const sidsDiffer = (intent: NodeIntent, observation: Observation): boolean => {
  const want = intentSids(intent);
  if (want.size !== observation.sids.size) return true;
  for (const sid of want) if (!observation.sids.has(sid)) return true;
  return false;
};

/**
 * A dead agent whose heartbeat has not expired yet would cost every pass one call deadline per
 * step (seconds each), and passes are serialized: so after an unreachable failure the node is
 * not called again for a while (doubling per failure), as if it were UNREACHABLE already.
 */
export class NodeBook {
  private readonly nodes = new Map<string, NodeView>();
  private readonly downFor: (failures: number) => number;
  private readonly clock: () => number;

  constructor(opts: NodeBookOptions = {}) {
    this.downFor = opts.downFor ?? ((n) => Math.min(30_000, 500 * 2 ** (n - 1)));
    this.clock = opts.clock ?? Date.now;
  }

  /** Whether the node may be called now (not backing off after unreachable failures). */
  callable(node: string): boolean {
    const d = this.nodes.get(node)?.down;
    return d === undefined || this.clock() >= d.until;
  }

  view(node: string): NodeView {
    return this.nodes.get(node) ?? { confirmed: false, failures: [] };
  }

  holds(node: string): NodeIntent | undefined {
    return this.nodes.get(node)?.holds;
  }

  knows(node: string): boolean {
    return this.nodes.has(node);
  }

  names(): string[] {
    return [...this.nodes.keys()];
  }

  private set(node: string, patch: Partial<NodeView>): void {
    const v: { -readonly [K in keyof NodeView]: NodeView[K] } = { ...this.view(node), ...patch };
    // An explicit `undefined` in the patch clears the field.
    for (const k of ['error', 'down'] as const) if (k in patch && patch[k] === undefined) delete v[k];
    this.nodes.set(node, v);
  }

  /**
   * What a node holds as far as the store knows (a restarted controller); unconfirmed. A view made
   * earlier by an observation, a counter push or a failed call knows nothing of what the node holds:
   * it is seeded too (left unseeded, the node would count as holding nothing, and the union step
   * would drop the pointers of every chain not switching in this pass).
   */
  seed(node: string, holds: NodeIntent | undefined): void {
    const v = this.nodes.get(node);
    if (v?.holds !== undefined || holds === undefined) {
      if (v === undefined) this.nodes.set(node, { confirmed: false, failures: [] });
      return;
    }
    this.set(node, { holds, confirmed: false });
  }

  /** The agent applied `intent`: it holds it now. */
  acked(node: string, intent: NodeIntent, result: ApplyResult): void {
    this.set(node, { holds: intent, confirmed: true, failures: result.items.filter((i) => !i.ok), error: undefined, down: undefined });
  }

  /** A call failed: the node holds what it held, or what it was sent (unknown), so re-send. */
  failed(node: string, error: AgentFailure): void {
    if (error.reason !== 'NodeUnreachable') return this.set(node, { confirmed: false, error, down: undefined }); // it answered
    const failures = (this.view(node).down?.failures ?? 0) + 1;
    this.set(node, { confirmed: false, error, down: { failures, until: this.clock() + this.downFor(failures) } });
  }

  observed(node: string, o: ObservedState): void {
    this.set(node, { observation: observationOf(o), down: undefined });
  }

  /** Counters an agent pushed (its resync): fresher packet counts between observations. */
  counters(node: string, sids: readonly { readonly sid: string; readonly packets: bigint }[]): void {
    const o = this.view(node).observation;
    const packets = new Map(o?.packets ?? []);
    const present = new Set(o?.sids ?? []);
    for (const c of sids) {
      packets.set(sidKey(c.sid), c.packets);
      present.add(sidKey(c.sid));
    }
    this.set(node, { observation: { generation: o?.generation ?? 0, instances: o?.instances ?? new Map(), packets, sids: present } });
  }

  /** The agent may have restarted or lost its state (re-registered, back from UNREACHABLE): call it. */
  unconfirm(node: string): void {
    if (this.nodes.has(node)) this.set(node, { confirmed: false, down: undefined });
  }

  drop(node: string): void {
    this.nodes.delete(node);
  }
}
