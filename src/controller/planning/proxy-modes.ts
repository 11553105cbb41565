/**
 * Which SR proxy each function of a chain gets (pure). `static`: the function's host holds the
 * chain's continuation (kernel only). `dynamic`: the host caches the header the packet arrived
 * with and puts it back (eBPF, End.AD semantics, docs/dynamic-proxy.md): no per-chain state there.
 *
 * A function asks for `auto` (the default), `static` or `dynamic`. `auto` becomes `dynamic` where
 * the dynamic proxy can serve it and `static` elsewhere; an explicit `dynamic` that cannot be served
 * fails the chain with the reason. The dynamic proxy cannot serve a function
 *
 * - whose node does not report the `bpf-proxy` feature (the programs do not build or load there);
 * - that has a NAT return path (an snat NAT): its de-NATed replies leave by its in leg through a
 *   static reverse proxy, which the dynamic form does not carry;
 * - whose packets come from the same node without crossing an interface: after the ingress's own
 *   encapsulation (the function on the ingress node), or after a static proxy on that node. Only
 *   packets that arrive on an interface (or that the dynamic proxy itself re-encapsulates) pass its
 *   inbound program, so such a packet would reach the End.DX4/DX6 SID with segments left and be
 *   dropped;
 * - that would be the 13th dynamic function in a row: a segment list carrying dynamic functions ends
 *   at the next static function or the egress, and the cached header (IPv6 + SRH) holds at most 256
 *   bytes, 13 segments.
 */
import type { ChainFunction } from '../../model/chain.js';
import type { NodeRecord } from '../../model/node.js';

export type ProxyMode = 'static' | 'dynamic';
export type RequestedProxy = 'auto' | ProxyMode;

/** Dynamic functions in a row, so that their list (them, then the next static function or the egress) fits 13 segments. */
export const MAX_DYNAMIC_RUN = 12;

export interface ModeQuery {
  readonly requested: RequestedProxy;
  readonly node: NodeRecord;
  readonly hasReturnPath: boolean;
}

export type ModesChosen = { readonly ok: true; readonly modes: readonly ProxyMode[] } | { readonly ok: false; readonly index: number; readonly message: string };

/** The proxy a function asks for: its own, else the chain's, else `auto`. */
export const requestedProxy = (fn: ChainFunction, chainProxy: RequestedProxy | undefined): RequestedProxy => fn.proxy ?? chainProxy ?? 'auto';

export function chooseProxyModes(functions: readonly ModeQuery[], ingressNode: string): ModesChosen {
  const modes: ProxyMode[] = [];
  let run = 0; // dynamic functions since the last static one (or the ingress)
  for (const [i, f] of functions.entries()) {
    const previous: Sender = i === 0 ? { node: ingressNode, what: 'the ingress' } : modes[i - 1] === 'static' ? { node: functions[i - 1]!.node.name, what: 'a static proxy' } : undefined;
    const why = f.requested === 'static' ? undefined : whyNotDynamic(f, previous, run);
    if (f.requested === 'dynamic' && why !== undefined) return { ok: false, index: i, message: why };
    const mode: ProxyMode = f.requested === 'static' || why !== undefined ? 'static' : 'dynamic';
    modes.push(mode);
    run = mode === 'dynamic' ? run + 1 : 0;
  }
  return { ok: true, modes };
}

/** Who encapsulated the packets a function receives, when that was not a dynamic proxy. */
type Sender = { readonly node: string; readonly what: string } | undefined;

/** Why the dynamic proxy cannot serve this function, or undefined when it can. */
function whyNotDynamic(f: ModeQuery, previous: Sender, run: number): string | undefined {
  const n = f.node;
  if (!n.features.bpfProxy.ok) return `node ${n.name} has no bpf-proxy (${n.features.bpfProxy.reason})`;
  if (f.hasReturnPath) return 'a NAT with a return path (snat) needs the static proxy for its replies';
  if (previous !== undefined && previous.node === n.name) {
    return `its packets come from ${previous.what} on the same node ${n.name} without crossing an interface (the dynamic proxy's inbound program would not see them)`;
  }
  if (run >= MAX_DYNAMIC_RUN) return `more than ${MAX_DYNAMIC_RUN} dynamic functions in a row do not fit the 256-byte header the dynamic proxy caches (13 segments)`;
  return undefined;
}
