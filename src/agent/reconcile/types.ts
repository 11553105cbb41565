/**
 * What one ApplyIntent did, and what the agent observes: the contract between the reconciler and
 * the agent's gRPC service.
 */
import type { Nexthop } from '../../dataplane/seg6/nexthop.js';
import type { Route } from '../../dataplane/seg6/route.js';
import type { Rule } from '../../dataplane/seg6/rule.js';
import type { InstanceStatus } from '../runtimes/runtime.js';

/** Kernel (and runtime) operations performed, by outcome. Re-applying an unchanged intent: all 0 but unchanged. */
export interface OpCounts {
  created: number;
  replaced: number;
  deleted: number;
  unchanged: number;
}

export type ItemKind = 'edgeChain' | 'localSid' | 'instance' | 'proxy' | 'edge' | 'tunnelSource';

/** The outcome of one item of the intent. */
export interface ItemResult {
  readonly kind: ItemKind;
  /** The item's identity: chain name, SID, instance id, ... */
  readonly key: string;
  readonly ok: boolean;
  /** UPPER_SNAKE_CASE reason when not ok (INVALID_ITEM, KERNEL_REFUSED, RUNTIME_FAILED, CONFLICT, ...). */
  readonly reason?: string;
  readonly message?: string;
  /** Field path for invalid items, e.g. `edgeChains[2].classifiers[0].dst`. */
  readonly field?: string;
}

export interface ApplyResult {
  readonly generation: number;
  readonly items: readonly ItemResult[];
  readonly ops: OpCounts;
}

export interface ObservedState {
  readonly generation: number;
  readonly routes: readonly Route[];
  readonly nexthops: readonly Nexthop[];
  readonly rules: readonly Rule[];
  readonly instances: readonly InstanceStatus[];
  readonly tunnelSource: string;
}

export type AgentEvent =
  | { readonly type: 'instanceExited'; readonly instance: string; readonly reason: string }
  | { readonly type: 'driftCorrected'; readonly ops: OpCounts; readonly details: readonly string[] }
  | { readonly type: 'counters'; readonly sids: readonly { sid: string; packets: bigint; bytes: bigint; errors: bigint }[] };
