/** Chains as the graph draws them (pure): where each function runs, in order, and whether it is Ready. */
import type { Chain } from '../../model/chain.js';
import type { ChainView } from '../../topology/graph/index.js';

export function chainView(c: Chain): ChainView {
  const ready = c.status.conditions.find((x) => x.type === 'Ready');
  const placed = new Map(c.status.instances.map((i) => [i.function, i]));
  const segments = c.status.segments.ipv4 ?? c.status.segments.ipv6;
  return {
    name: c.name,
    ready: ready?.status === 'True',
    ...(ready && ready.status !== 'True' ? { reason: `${ready.reason}: ${ready.message}` } : {}),
    ingress: c.spec.ingress.node,
    egress: c.spec.egress.node,
    functions: c.spec.functions.map((f) => {
      const inst = placed.get(f.name);
      const sid = inst?.sids.dx4 ?? inst?.sids.dx6;
      return { name: f.name, type: f.type, node: inst?.node ?? f.placement?.node ?? '?', ...(sid ? { sid } : {}) };
    }),
    ...(segments ? { segments } : {}),
  };
}
