/**
 * NAT return paths. A `nat` function in `snat` mode rewrites the source to its `toAddress`, so the
 * server's replies go to that address — which nothing routes, and which must reach the very
 * instance that holds the flow's conntrack entry. Per snat function (family f = its address's,
 * when the chain carries f):
 *
 * - the NAT's node gets a **return SID**: End.DX4/DX6 into the instance's *out* leg;
 * - the chain's **egress** steers the address to that SID: one `direction: return` edge chain per
 *   chain, classifier = the address (/32 or /128). Only the chain's last snat of a family is
 *   steered there: the replies to earlier NATs' addresses come out of the later NAT (below);
 * - inside the instance, what enters by the out leg leaves by the in leg (the agent's instance
 *   rule), de-NATed by conntrack;
 * - the NAT's proxy gets a **reverse** list for its in leg: the return SID of the previous snat of
 *   the family in the chain, else the ingress's decap SID (End.DX4 nh4 0.0.0.0 / End.DX6 nh6 ::,
 *   the same shared SID an egress uses), so the reply ends where the flow began.
 *
 * Replies bypass the other functions (as before: the firewall is stateless). Masquerade gets no
 * return path: its address is the out leg's link-local one, the same on every node.
 */
import type { FunctionSpec } from '../../agent/functions/function-spec.js';
import type { Classifier } from '../../agent/intent/node-intent.js';
import { type Family, canonicalPrefix, familyOf } from '../../common/ip.js';
import { classifierKey } from './classifiers.js';

/** A snat function of a chain, in chain order. */
export interface SnatHop {
  /** Index in `spec.functions`. */
  readonly index: number;
  readonly family: Family;
  /** Canonical form. */
  readonly address: string;
}

/** The chain's snat functions whose family the chain carries. */
export function snatHops(functions: readonly FunctionSpec[], families: readonly Family[]): SnatHop[] {
  const out: SnatHop[] = [];
  functions.forEach((fn, index) => {
    if (fn.type !== 'nat' || fn.config.mode !== 'snat') return;
    const family = familyOf(fn.config.toAddress);
    // A family the chain does not carry has no traffic to translate, so no replies.
    if (families.includes(family)) out.push({ index, family, address: canonicalPrefix(fn.config.toAddress) });
  });
  return out;
}

/** The hops whose address the egress steers: the last one of each family. */
export function steeredHops(hops: readonly SnatHop[]): SnatHop[] {
  return hops.filter((h, i) => !hops.slice(i + 1).some((later) => later.family === h.family));
}

/** The egress classifiers of the steered hops (a host prefix each) and their claim keys. */
export function returnClassifiers(steered: readonly SnatHop[]): { classifiers: Classifier[]; keys: string[] } {
  const classifiers = steered.map((h) => ({ dst: h.address }));
  return { classifiers, keys: classifiers.map(classifierKey) };
}

/** Per hop, where its de-NATed replies go: the previous hop of its family's return SID, else the ingress's decap SID. */
export function reverseTargets(hops: readonly SnatHop[], returnSids: readonly string[], ingressSids: Readonly<Partial<Record<Family, string>>>): string[] {
  return hops.map((h, i) => {
    for (let j = i - 1; j >= 0; j--) if (hops[j]!.family === h.family) return returnSids[j]!;
    const sid = ingressSids[h.family];
    if (sid === undefined) throw new Error(`planning: no IPv${h.family} decap SID at the ingress`); // allocated for every hop's family
    return sid;
  });
}
