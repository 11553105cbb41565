/**
 * The static SR proxy (kernel only): traffic the function sends back on its return leg is
 * selected by `ip rule iif <return leg>` into a per-instance table whose default route re-encapsulates
 * it with the chain's continuation (`encap seg6 mode encap.red segs <rest of the list>`). Works on
 * every kernel, at the price of per-chain state on the function's node (measured 8.8–10 Gbit/s).
 */
import type { Family } from '../../common/ip.js';
import { LEG_SPACE_RULE_PRIORITY, PROXY_IIF_RULE_PRIORITY, proxyTable } from '../plan/ids.js';
import { LEG_SPACE } from '../plan/leg-addressing.js';
import type { ProxyObjects, SrProxy } from './sr-proxy.js';

const DEFAULT_DST: Record<Family, string> = { 4: '0.0.0.0/0', 6: '::/0' };

export const staticProxy: SrProxy = {
  mode: 'static',
  objects(slot, legs, spec): ProxyObjects {
    const iif = (legs.out ?? legs.in).hostDev;
    const table = proxyTable(slot);
    const families = spec.families ?? ([4, 6] as const);
    return {
      routes: families.map((family) => ({
        family,
        dst: DEFAULT_DST[family],
        table,
        dev: spec.dev,
        encap: { type: 'seg6', mode: 'encap.red', segments: family === 6 && spec.continuationIpv6 ? spec.continuationIpv6 : spec.continuation },
      })),
      rules: families.map((family) => ({ family, priority: PROXY_IIF_RULE_PRIORITY, iif, table })),
    };
  },
  shared(): ProxyObjects {
    // Traffic for the legs themselves (neighbour resolution, the DX4/DX6 host routes) routes
    // normally: this rule sits ahead of the iif rules.
    return { routes: [], rules: ([4, 6] as const).map((family) => ({ family, priority: LEG_SPACE_RULE_PRIORITY, dst: LEG_SPACE[family], table: 254 })) };
  },
};
