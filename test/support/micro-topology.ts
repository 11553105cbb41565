/**
 * The privileged tests' micro topology, in throwaway namespaces:
 *
 *   client ─ edge ══ fnhost ══ egress ─ server      (══ : IPv6 underlay, MTU 9000)
 *   10.1.0.0/24                         10.2.0.0/24
 *   locators: edge fc00:1::/48, fnhost fc00:2::/48, egress fc00:3::/48; core devices e0, f1, g0
 */
import { ipn, vethPair } from '../../src/lab/netns.js';
import { tcpConnect as tcpConnectTo } from '../../src/lab/tcp-connect.js';
import { createNetns, deleteNetns, enableSrv6 } from './netns.js';

export const LOCATORS = { edge: 'fc00:1::/48', fnhost: 'fc00:2::/48', egress: 'fc00:3::/48' } as const;
export const CORE = { edge: 'e0', fnhost: 'f1', egress: 'g0' } as const;
export type NodeName = 'client' | 'edge' | 'fnhost' | 'egress' | 'server';

export function buildMicroTopology(): Record<NodeName, string> {
  const ns = {} as Record<NodeName, string>;
  for (const n of ['client', 'edge', 'fnhost', 'egress', 'server'] as const) {
    ns[n] = createNetns(n);
    enableSrv6(ns[n]);
  }
  vethPair({ ns: ns.client, name: 'c0' }, { ns: ns.edge, name: 'ec0' });
  vethPair({ ns: ns.edge, name: 'e0' }, { ns: ns.fnhost, name: 'f0' }, 9000);
  vethPair({ ns: ns.fnhost, name: 'f1' }, { ns: ns.egress, name: 'g0' }, 9000);
  vethPair({ ns: ns.egress, name: 'g1' }, { ns: ns.server, name: 's0' });
  const cfg: [string, string[]][] = [
    [ns.client, ['addr add 10.1.0.2/24 dev c0', 'route add default via 10.1.0.1', '-6 addr add fd00:1::2/64 dev c0 nodad', '-6 route add fc00::/16 via fd00:1::1']],
    [ns.edge, ['addr add 10.1.0.1/24 dev ec0', '-6 addr add fd00:1::1/64 dev ec0 nodad', '-6 addr add fc00:e1::1/64 dev e0 nodad', '-6 route add fc00:2::/48 via fc00:e1::2', '-6 route add fc00:3::/48 via fc00:e1::2']],
    [ns.fnhost, ['-6 addr add fc00:e1::2/64 dev f0 nodad', '-6 addr add fc00:e2::1/64 dev f1 nodad', '-6 route add fc00:1::/48 via fc00:e1::1', '-6 route add fc00:3::/48 via fc00:e2::2']],
    [ns.egress, ['addr add 10.2.0.1/24 dev g1', '-6 addr add fc00:e2::2/64 dev g0 nodad', '-6 route add fc00:1::/48 via fc00:e2::1', '-6 route add fc00:2::/48 via fc00:e2::1']],
    [ns.server, ['addr add 10.2.0.2/24 dev s0', 'route add default via 10.2.0.1']],
  ];
  for (const [n, cmds] of cfg) for (const c of cmds) ipn(n, c.split(' '));
  return ns;
}

export function destroyMicroTopology(ns: Record<NodeName, string>): void {
  for (const n of Object.values(ns)) deleteNetns(n);
}

/** TCP connect from the client to the server: 'open', a refusal code (the path works), or 'timeout' (dropped). */
export const tcpConnect = (clientNs: string, port: number): Promise<string> => tcpConnectTo(clientNs, '10.2.0.2', port);
