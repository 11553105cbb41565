/** What the agent benchmarks instantiate, shared by the driver and the worker. */
import type { FunctionSpec } from '../../src/agent/functions/function-spec.js';

/** A firewall an operator would write: a few rules over both families, ports, DSCP, default drop. */
export const BENCH_FIREWALL: FunctionSpec = {
  type: 'firewall',
  config: {
    defaultAction: 'drop',
    rules: [
      { action: 'accept', protocol: 'tcp', dstPorts: [{ start: 80, end: 80 }, { start: 443, end: 443 }], dstPrefixes: ['192.0.2.0/24', '2001:db8:80::/48'] },
      { action: 'drop', protocol: 'tcp', srcPrefixes: ['10.66.0.0/16', '2001:db8:66::/48'] },
      { action: 'accept', protocol: 'udp', dstPorts: [{ start: 53, end: 53 }] },
      { action: 'drop', dscp: 46 },
      { action: 'accept', protocol: 'icmp' },
      { action: 'accept', protocol: 'icmpv6' },
    ],
  },
};
