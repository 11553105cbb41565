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
 * Mixed (proxy-modes.ts chooses per function): a list carries the dynamic functions in a row and
 * ends at the next static function or the egress; each static function's proxy pushes the next run.
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

export interface ProxyLists {
  /** What the ingress pushes. */
  readonly ingress: readonly string[];
  /** Per function, in chain order: what its static proxy pushes on the return leg; undefined for a dynamic one. */
  readonly continuations: readonly (readonly string[] | undefined)[];
}

/**
 * The lists for functions with the given proxies: every list runs from the hop after its sender up
 * to and including the next static function (whose End.DX4/DX6 must see the last segment) or the
 * egress. All static: one SID per list. All dynamic: the ingress pushes the whole path.
 */
export function proxyLists(functions: readonly FamilySids[], egress: FamilySids, family: Family, modes: readonly ('static' | 'dynamic')[]): ProxyLists {
  const hops = travelPath(functions, egress, family);
  // The list that starts at hop `from`: up to the first static function at or after it, else the egress.
  const listFrom = (from: number): string[] => {
    let end = from;
    while (end < functions.length && modes[end] !== 'static') end++;
    return hops.slice(from, end + 1);
  };
  return { ingress: listFrom(0), continuations: functions.map((_, i) => (modes[i] === 'static' ? listFrom(i + 1) : undefined)) };
}
