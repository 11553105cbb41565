/**
 * Status conditions, controller-runtime style: observations with a CamelCase reason, a message and
 * the generation they were made for. `lastTransitionTime` changes only when a condition's status
 * flips, so "Ready=False since 10:02" stays true across passes that merely refine the message.
 */
import type { Condition, ConditionType } from '../../model/chain.js';

export type ConditionStatus = Condition['status'];

/** A condition as a pass computes it, before times and generations are stamped. */
export interface ConditionDraft {
  readonly type: ConditionType;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

export const CONDITION_ORDER: readonly ConditionType[] = ['Placed', 'InstancesReady', 'Programmed', 'Ready'];

export const isTrue = (c: ConditionDraft | undefined): boolean => c?.status === 'True';

/**
 * Ready is the conjunction of the others: True when all are True, else False with the reason and
 * message of the first that is not (in Placed, InstancesReady, Programmed order).
 */
export function readyFrom(parts: readonly ConditionDraft[]): ConditionDraft {
  const first = CONDITION_ORDER.map((t) => parts.find((p) => p.type === t)).find((p) => p !== undefined && !isTrue(p));
  if (!first) return { type: 'Ready', status: 'True', reason: 'Ready', message: 'traffic follows the chain' };
  return { type: 'Ready', status: 'False', reason: first.reason, message: first.message };
}

/** Stamps drafts: the previous lastTransitionTime is kept while a condition's status is unchanged. */
export function stampConditions(previous: readonly Condition[], drafts: readonly ConditionDraft[], observedGeneration: number, now: string): Condition[] {
  const byType = new Map(previous.map((c) => [c.type, c]));
  return [...drafts]
    .sort((a, b) => CONDITION_ORDER.indexOf(a.type) - CONDITION_ORDER.indexOf(b.type))
    .map((d) => {
      const prev = byType.get(d.type);
      return { ...d, lastTransitionTime: prev && prev.status === d.status ? prev.lastTransitionTime : now, observedGeneration };
    });
}
