/**
 * Everything the controller must remember across restarts: the declared chains (with their last
 * status), the registered nodes, the allocations (SIDs, chain ids, slots — owned by planning and
 * opaque here) and the intent generation sent to each node.
 */
import type { Chain } from '../../model/chain.js';
import type { NodeRecord } from '../../model/node.js';

export interface ControllerState {
  readonly chains: Readonly<Record<string, Chain>>;
  readonly nodes: Readonly<Record<string, NodeRecord>>;
  /** Planning's allocations (see src/controller/planning); plain JSON data. */
  readonly allocations: unknown;
  /** Last intent generation sent to each node. */
  readonly generations: Readonly<Record<string, number>>;
}

export const EMPTY_STATE: ControllerState = { chains: {}, nodes: {}, allocations: undefined, generations: {} };

/** JSON with bigint counters (they exceed 2^53 on long-lived hosts). */
export function stateToJson(s: ControllerState): string {
  return JSON.stringify(s, (_k, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
}

export function stateFromJson(text: string): ControllerState {
  const parsed = JSON.parse(text, (_k, v: unknown) => (v && typeof v === 'object' && '$bigint' in v ? BigInt((v as { $bigint: string }).$bigint) : v)) as Partial<ControllerState>;
  return { ...EMPTY_STATE, ...parsed };
}
