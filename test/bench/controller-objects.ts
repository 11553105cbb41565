/**
 * The controller benchmark's fake world: 2 edges and 8 function hosts on a leaf–spine fabric, and
 * N chains of three functions (firewall, nat, monitor), alternating direction between the edges.
 */
import type { PlanChainInput } from '../../src/controller/planning/types.js';
import type { Adjacency } from '../../src/controller/planning/topology.js';
import type { FeatureReport, Support } from '../../src/dataplane/netlink/probe.js';
import { ACTION_NUMBER, type Seg6LocalAction } from '../../src/dataplane/seg6/seg6local.js';
import type { NodeRecord } from '../../src/model/node.js';

const ok: Support = { ok: true };
const FEATURES: FeatureReport = {
  seg6: ok,
  seg6local: { ...(Object.fromEntries((Object.keys(ACTION_NUMBER) as Seg6LocalAction[]).map((a) => [a, ok])) as Record<Seg6LocalAction, Support>), 'End.DT6 (vrf)': ok },
  counters: ok,
  flavorPsp: ok,
  flavorNextCsid: ok,
  nexthopObjects: ok,
  vrf: { ok: false, reason: 'EOPNOTSUPP' },
  lwtBpf: ok,
  bpfProxy: ok,
  tunnelSource: ok,
};

export const EDGES = ['edge1', 'edge2'] as const;
export const HOSTS = Array.from({ length: 8 }, (_, i) => `host${i + 1}`);

function record(name: string, i: number, runtimes: string[]): NodeRecord {
  return {
    name,
    address: `10.0.0.${i}:50151`,
    locator: `fc00:${i.toString(16)}::/48`,
    labels: {},
    features: FEATURES,
    runtimes,
    interfaces: ['lo', 'eth0', 'eth1'],
    coreInterface: 'eth0',
    state: 'READY',
    lastHeartbeat: '2025-01-01T00:00:00Z',
  };
}

export const benchNodes = (): NodeRecord[] => [...EDGES.map((e, i) => record(e, i + 1, [])), ...HOSTS.map((h, i) => record(h, i + 11, ['netns']))];

/** Every edge and host hangs off both spines (the spines are routers, not registered nodes). */
export const benchTopology = (): Adjacency => Object.fromEntries([...EDGES, ...HOSTS].map((n) => [n, ['spine1', 'spine2']]));

export function benchChains(n: number): PlanChainInput[] {
  return Array.from({ length: n }, (_, i) => {
    const forward = i % 2 === 0;
    return {
      name: `chain-${i}`,
      spec: {
        ingress: { node: forward ? 'edge1' : 'edge2', match: { destinations: [`10.${(i >> 8) & 0xff}.${i & 0xff}.0/24`], protocol: 'tcp' as const, ports: [{ start: 443, end: 443 }] } },
        egress: { node: forward ? 'edge2' : 'edge1' },
        functions: [
          { name: 'fw', type: 'firewall' as const, config: { defaultAction: 'drop', rules: [{ action: 'accept', protocol: 'tcp', dstPorts: [{ start: 443, end: 443 }] }] } },
          { name: 'nat', type: 'nat' as const, config: { mode: 'masquerade' } },
          { name: 'mon', type: 'monitor' as const },
        ],
      },
    };
  });
}
