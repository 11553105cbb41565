/**
 * SR proxies for SR-unaware functions, behind one small interface: given an instance's legs and
 * the proxy item, the kernel objects that bring the function's return traffic back into the chain.
 * `static` (kernel only, per-chain continuation on the node) is here. The `dynamic` eBPF proxy
 * (End.AD semantics, no per-chain state) makes no routes or rules: its BPF map entries and tc
 * attachments are planned in plan-node.ts (`dynamicProxy`) and converged by ./dynamic/agent-proxy.ts.
 */
import type { Route } from '../../dataplane/seg6/route.js';
import type { Rule } from '../../dataplane/seg6/rule.js';
import type { StaticProxySpec } from '../intent/node-intent.js';
import type { InstanceLegs } from '../plan/leg-addressing.js';

export interface ProxyObjects {
  readonly routes: readonly Route[];
  readonly rules: readonly Rule[];
}

export interface SrProxy {
  readonly mode: 'static' | 'dynamic';
  /** Kernel objects for one proxied instance (its slot and legs, the proxy item). */
  objects(slot: number, legs: InstanceLegs, spec: StaticProxySpec): ProxyObjects;
  /** Objects every proxied node needs once, whatever the instances (the node's tunnel source, if set). */
  shared(tunnelSource?: string): ProxyObjects;
}
