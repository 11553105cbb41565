/**
 * The static SR proxy (kernel only): traffic the function sends back on its return leg is
 * selected by `ip rule iif <return leg>` into a per-instance table whose default route re-encapsulates
 * it with the chain's continuation (`encap seg6 mode encap.red segs <rest of the list>`). Works on
 * every kernel, at the price of per-chain state on the function's node (measured 8.8–10 Gbit/s).
 * A NAT's proxy also has a reverse side: `ip rule iif <in leg>` into a second table that sends the
 * replies the NAT de-translated back towards the chain's ingress.
 */
import type { Family } from '../../common/ip.js';
import type { Route } from '../../dataplane/seg6/route.js';
import type { Rule } from '../../dataplane/seg6/rule.js';
import { ENCAPSULATED_RULE_PRIORITY, LEG_SPACE_RULE_PRIORITY, PROXY_IIF_RULE_PRIORITY, REVERSE_IIF_RULE_PRIORITY, proxyTable, reverseProxyTable } from '../plan/ids.js';
import { LEG_SPACE } from '../plan/leg-addressing.js';
import type { ProxyObjects, SrProxy } from './sr-proxy.js';

const DEFAULT_DST: Record<Family, string> = { 4: '0.0.0.0/0', 6: '::/0' };

export const staticProxy: SrProxy = {
  mode: 'static',
  objects(slot, legs, spec): ProxyObjects {
    const iif = (legs.out ?? legs.in).hostDev;
    const table = proxyTable(slot);
    const families = spec.families ?? ([4, 6] as const);
    const routes: Route[] = families.map((family) => ({
      family,
      dst: DEFAULT_DST[family],
      table,
      dev: spec.dev,
      encap: { type: 'seg6', mode: 'encap.red', segments: family === 6 && spec.continuationIpv6 ? spec.continuationIpv6 : spec.continuation },
    }));
    const rules: Rule[] = families.map((family) => ({ family, priority: PROXY_IIF_RULE_PRIORITY, iif, table }));
    // NAT return path: the de-NATed replies leave the instance by its in leg and go back the
    // same way, in a table of their own (validated: two legs, so the in leg is not the iif above).
    const reverse = spec.reverse;
    if (reverse && legs.out) {
      const rtable = reverseProxyTable(slot);
      for (const family of [4, 6] as const) {
        const segments = family === 4 ? reverse.ipv4 : reverse.ipv6;
        if (segments === undefined) continue;
        routes.push({ family, dst: DEFAULT_DST[family], table: rtable, dev: spec.dev, encap: { type: 'seg6', mode: 'encap.red', segments } });
        rules.push({ family, priority: REVERSE_IIF_RULE_PRIORITY, iif: legs.in.hostDev, table: rtable });
      }
    }
    return { routes, rules };
  },
  shared(tunnelSource?: string): ProxyObjects {
    // Traffic for the legs themselves (neighbour resolution, the DX4/DX6 host routes) routes
    // normally: this rule sits ahead of the iif rules.
    const rules: Rule[] = ([4, 6] as const).map((family) => ({ family, priority: LEG_SPACE_RULE_PRIORITY, dst: LEG_SPACE[family], table: 254 }));
    // What a proxy table just encapsulated is looked up again with the leg as iif: without this
    // rule the table's IPv6 default route would catch the outer packet and encapsulate it again
    // (measured: a dual-stack chain's packets died on the first function's node). The outer
    // source is the tunnel source, which no packet coming out of a function carries.
    if (tunnelSource !== undefined) rules.push({ family: 6, priority: ENCAPSULATED_RULE_PRIORITY, src: `${tunnelSource}/128`, table: 254 });
    return { routes: [], rules };
  },
};
