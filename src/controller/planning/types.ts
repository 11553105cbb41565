/** Planning's inputs and outputs: plain data in, plain data out. */
import type { NodeIntent } from '../../agent/intent/node-intent.js';
import type { Family } from '../../common/ip.js';
import type { ChainSpec, ChainStatus, InstanceRef } from '../../model/chain.js';
import type { NodeRecord } from '../../model/node.js';
import type { Allocations } from './allocations.js';
import type { DecapMode } from './decap.js';
import type { PlanFailure } from './failures.js';
import type { ProxyMode } from './proxy-modes.js';
import type { FamilySids } from './segments.js';
import type { Topology } from './topology.js';

/** A declared chain (a model `Chain` or the registry's `ChainInput` fit). */
export interface PlanChainInput {
  readonly name: string;
  readonly spec: ChainSpec;
}

export interface PlanInput {
  readonly chains: readonly PlanChainInput[];
  /** Every registered node (READY or not: a node that is down still gets its intent). */
  readonly nodes: readonly NodeRecord[];
  /** The allocations the previous pass returned (absent: a fresh start). */
  readonly allocations?: Allocations;
  /**
   * The intents the previous pass returned, per node: generations continue from them (bumped only
   * where content changed), and a chain that cannot be planned keeps its items from them.
   */
  readonly previousIntents?: Readonly<Record<string, NodeIntent>>;
  /**
   * The highest generation each node is known to hold besides `previousIntents` (the store's
   * record of what was sent, or what an agent reports): new generations go above it.
   */
  readonly generations?: Readonly<Record<string, number>>;
  /** Distances between nodes, to prefer function hosts on the shortest ingress→egress path. */
  readonly topology?: Topology;
}

export interface PlannedInstance extends InstanceRef {
  /** The instance's slot on its node. */
  readonly slot: number;
  /** Kept on the node it already ran on. */
  readonly sticky: boolean;
  /** The SR proxy chosen for it (proxy-modes.ts). */
  readonly proxy: ProxyMode;
}

/** Everything the reconciler and the status need to know about one planned chain. */
export interface ChainPlan {
  readonly chain: string;
  readonly ingress: { readonly node: string; readonly chainId: number };
  readonly egress: { readonly node: string; readonly decap: DecapMode; readonly sids: FamilySids };
  readonly families: readonly Family[];
  /** What the ingress pushes, per family, in travel order (ChainStatus.segments). */
  readonly segments: ChainStatus['segments'];
  /** The whole path a packet takes, per family: every function's SID, then the egress decap SID. */
  readonly path: ChainStatus['segments'];
  /** In chain order. */
  readonly instances: readonly PlannedInstance[];
  /**
   * The chain's instances before this pass that it no longer uses (a function removed, or moved to
   * another node): released now; the reconciler deletes them after the edge switched, a dry run
   * reports them as deleted.
   */
  readonly retired: readonly InstanceRef[];
  /** NAT return paths (snat functions only; nat-return.ts); absent when the chain has none. */
  readonly returnPath?: ReturnPath;
}

/** How replies to a chain's NAT addresses come back (nat-return.ts). */
export interface ReturnPath {
  /** Id of the egress's `direction: return` edge chain, which steers the addresses. */
  readonly egressChainId: number;
  /** The ingress's decap SIDs the replies end at, per family. */
  readonly ingressSids: FamilySids;
  /** Per snat function, in chain order. */
  readonly nats: readonly NatReturn[];
}

export interface NatReturn {
  readonly function: string;
  /** The NAT instance's node. */
  readonly node: string;
  readonly family: Family;
  /** The NAT's address (canonical). */
  readonly address: string;
  /** End.DX4 / End.DX6 into the instance's out leg. */
  readonly sid: string;
  /** Where the de-NATed replies go: an earlier NAT's return SID, or the ingress's decap SID. */
  readonly next: string;
}

export type ChainOutcome =
  | { readonly ok: true; readonly plan: ChainPlan }
  | {
      readonly ok: false;
      readonly failure: PlanFailure;
      /** Whether the chain's last good state was kept in the intents (its traffic keeps flowing). */
      readonly held: boolean;
    };

export interface PlanOutput {
  /** One complete intent per registered node. */
  readonly intents: Readonly<Record<string, NodeIntent>>;
  /** To persist and pass to the next pass. */
  readonly allocations: Allocations;
  readonly chains: Readonly<Record<string, ChainOutcome>>;
  /** Nodes whose intent content changed (their generation went up), in name order. */
  readonly changed: readonly string[];
}

/** The status facts of a planned chain (ChainStatus minus conditions and generation). */
export function statusFacts(plan: ChainPlan): Pick<ChainStatus, 'segments' | 'instances'> {
  return {
    segments: plan.segments,
    instances: plan.instances.map(({ function: fn, node, id, sids, proxy }) => ({ function: fn, node, id, sids, proxy })),
  };
}
