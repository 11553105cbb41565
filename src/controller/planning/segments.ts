/**
 * Segment lists, in travel order, for one address family.
 *
 * Static proxy (`proxy: static`, the default; kernel only): each SR-unaware function's End.DX4/DX6
 * SID decapsulates, so the packet leaves the function without its SRH and must be encapsulated
 * again. The ingress therefore pushes only the FIRST function's SID; the proxy on each function's
 * return leg pushes the NEXT hop (the next function's SID, or the egress decap SID after the last).
 * Every list is one SID long (the proxy uses encap.red: no SRH at all, 40 bytes of overhead).
 *
 * Dynamic proxy (`proxy: dynamic`, End.AD semantics, eBPF): the function's host caches the SRH
 * and restores it on the return leg, so the ingress pushes the whole path `[f1, ..., fn, egress]`
 * and function hosts hold no per-chain state.
 *
 * A chain without functions is the egress decap SID alone, whatever the proxy.
 */
import type { Family } from '../../common/ip.js';

/** A hop's SIDs per address family (an instance's dx4/dx6, or the egress's decap SIDs). */
export type FamilySids = Readonly<Partial<Record<Family, string>>>;

function sidFor(hop: FamilySids, family: Family, what: string): string {
  const sid = hop[family];
  if (sid === undefined) throw new Error(`planning: ${what} has no IPv${family} SID`); // allocation guarantees it
  return sid;
}

/** The whole path: the functions' SIDs, then the egress decap SID. */
export function travelPath(functions: readonly FamilySids[], egress: FamilySids, family: Family): string[] {
  return [...functions.map((f, i) => sidFor(f, family, `function ${i}`)), sidFor(egress, family, 'the egress')];
}

export interface StaticProxyLists {
  /** What the ingress pushes. */
  readonly ingress: readonly string[];
  /** Per function, in chain order: what its proxy pushes on the return leg. */
  readonly continuations: readonly (readonly string[])[];
}

export function staticProxyLists(functions: readonly FamilySids[], egress: FamilySids, family: Family): StaticProxyLists {
  const hops = travelPath(functions, egress, family);
  return { ingress: [hops[0]!], continuations: functions.map((_, i) => [hops[i + 1]!]) };
}

/** The dynamic proxy's ingress list is the whole path (and function hosts get no proxy state). */
export const dynamicProxyList = travelPath;
