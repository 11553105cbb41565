/**
 * Reads seg6local packet counters (the `count` attribute) from several namespaces at once. Counters
 * are how the project sees traffic per function: status, idle detection, and the demo's proof that
 * packets went where the chain said.
 */
import type { Dataplane } from '../dataplane/dataplane.js';

export interface CounterSource {
  readonly key: string;
  readonly dataplane: Dataplane;
  readonly sid: string;
}

export type Counters = Record<string, number>;

/** Packets counted per SID key. Reads run in parallel so a snapshot is close to one instant. */
export async function readSidCounters(sources: readonly CounterSource[]): Promise<Counters> {
  const values = await Promise.all(
    sources.map(async (s) => {
      const r = await s.dataplane.getRoute(s.sid);
      if (r?.encap?.type !== 'seg6local' || !r.encap.counters) throw new Error(`SID ${s.sid} (${s.key}) has no counters`);
      return [s.key, Number(r.encap.counters.packets)] as const;
    }),
  );
  return Object.fromEntries(values);
}

/** after − before, per key. */
export const countersDelta = (before: Counters, after: Counters): Counters =>
  Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
