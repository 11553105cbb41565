/**
 * What the reconciler keeps in the store's opaque `allocations` slot, so a restarted controller
 * re-plans to the very same intents (agents then perform 0 operations) and resumes a make-before-
 * break that a crash interrupted:
 *
 * - `allocations`, `intents`: the last planning pass's output, persisted in the same transaction as
 *   the decision to push it (planning needs both to stay stable: see docs/planning.md);
 * - `applied`: per node, the intent the node was last known to hold, only where it differs from
 *   `intents[node]` — nodes in the middle of a transition, or holding a blocked chain's old state.
 *   It is written at every step boundary; a restarted controller starts from it instead of
 *   assuming the node already holds the planned intent.
 */
import type { NodeIntent } from '../../agent/intent/node-intent.js';
import type { Allocations } from '../planning/index.js';
import type { ControllerState } from '../store/state.js';

export interface ReconcileSlot {
  readonly allocations?: Allocations;
  readonly intents: Readonly<Record<string, NodeIntent>>;
  readonly applied: Readonly<Record<string, NodeIntent>>;
}

export const EMPTY_SLOT: ReconcileSlot = { intents: {}, applied: {} };

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * The slot from the store; anything unreadable is a fresh start. (Planning validates the
 * allocations it loads against the registered nodes, so only the outer shape is checked here.)
 */
export function readSlot(raw: unknown): ReconcileSlot {
  if (!isRecord(raw)) return EMPTY_SLOT;
  const allocations = isRecord(raw.allocations) && isRecord(raw.allocations.nodes) ? (raw.allocations as unknown as Allocations) : undefined;
  const intents = isRecord(raw.intents) ? (raw.intents as Record<string, NodeIntent>) : {};
  const applied = isRecord(raw.applied) ? (raw.applied as Record<string, NodeIntent>) : {};
  return allocations ? { allocations, intents, applied } : { intents, applied };
}

export const withSlot = (state: ControllerState, slot: ReconcileSlot): ControllerState => ({ ...state, allocations: slot });
