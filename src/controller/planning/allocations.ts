/**
 * Planning's persistent memory, as plain JSON data (the store keeps it opaque): per node, which
 * SID, chain id, instance slot and instance id belongs to whom. Allocations are what make planning
 * stable: an owner keeps its numbers across re-plans and controller restarts, and a number is only
 * given to someone else after its owner is gone.
 */
export interface InstanceAllocation {
  /** The agent's instance id, `[a-z0-9-]{1,24}`, unique on the node. */
  readonly id: string;
  /** The instance's slot on the node (0..8191): its legs' names and addresses derive from it. */
  readonly slot: number;
}

export interface NodeAllocations {
  /** The locator the SIDs were taken from; when the node re-registers with another, its SIDs are re-allocated. */
  readonly locator: string;
  /** SID (canonical text) → owner key (`chain/web/function/fw/dx4`, `node/edge2/decap/dx4`). */
  readonly sids: Readonly<Record<string, string>>;
  /** Chain owner key (`chain/web`) → the chain's id on this ingress node (1..2^23−1). */
  readonly chainIds: Readonly<Record<string, number>>;
  /** Instance owner key (`chain/web/function/fw`) → its id and slot on this node. */
  readonly instances: Readonly<Record<string, InstanceAllocation>>;
  /**
   * Where the next search for a free number starts. Numbers are handed out round-robin, so a
   * released SID, id or slot is not given to a new owner while the old one may still be installed
   * (the reconciler removes superseded objects only after the new ones work).
   */
  readonly next: { readonly fid: number; readonly chainId: number; readonly slot: number };
}

export interface Allocations {
  readonly nodes: Readonly<Record<string, NodeAllocations>>;
}

export const EMPTY_ALLOCATIONS: Allocations = { nodes: {} };
