/**
 * When is a chain Ready, and what is it waiting for? A chain is Ready for a given generation when
 * the controller has acted on it (status.observedGeneration) and its Ready condition is True for
 * that generation: a Ready=True left over from the previous spec does not count. What it waits
 * for is the first condition, in the order the reconciler works through them, that does not
 * hold. Pure.
 */
import type { Chain, Condition, ConditionType } from '../model/chain.js';

const ORDER: readonly ConditionType[] = ['Placed', 'InstancesReady', 'Programmed', 'Ready'];

export const condition = (c: Chain, type: ConditionType): Condition | undefined => c.status.conditions.find((k) => k.type === type);

export interface Readiness {
  readonly ready: boolean;
  /** `Ready`, or what is missing: `InstancesReady=False SpawnFailed: fw: runtime failed`. */
  readonly summary: string;
}

export const describeCondition = (k: Condition): string => `${k.type}=${k.status}${k.reason ? ` ${k.reason}` : ''}${k.message ? `: ${k.message}` : ''}`;

export function chainReadiness(c: Chain, generation = c.generation): Readiness {
  if (c.status.observedGeneration < generation) {
    return { ready: false, summary: `waiting for the controller to act on generation ${generation} (observed ${c.status.observedGeneration})` };
  }
  const ready = condition(c, 'Ready');
  if (ready?.status === 'True' && ready.observedGeneration >= generation) return { ready: true, summary: 'Ready' };
  const blocking = ORDER.map((t) => condition(c, t)).find((k) => k !== undefined && k.status !== 'True');
  if (blocking) return { ready: false, summary: describeCondition(blocking) };
  return { ready: false, summary: ready ? `Ready for generation ${ready.observedGeneration}, not yet ${generation}` : 'no conditions reported yet' };
}
