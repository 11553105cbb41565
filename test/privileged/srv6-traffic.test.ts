/**
 * Real packets through SRv6 between two namespaces: an edge that encapsulates through a nexthop
 * object, and a host whose End.DX4/End.DX6 SIDs (installed with NetlinkDataplane, `count` on)
 * decapsulate. Counters must rise by exactly the packets sent, and a nexthop replace at the edge
 * must move traffic from one SID to another.
 *
 *   edge (e0 fc00:e::1, 10.0.0.1) ── host (h0 fc00:e::2, 10.0.0.2 | h1 10.98.0.1, fc00:98::1) ── server (10.98.0.2, fc00:98::2)
 *   host locator fc00:4::/48: fc00:4::4 End.DX4, fc00:4::5 End.DX4, fc00:4::6 End.DX6
 * The server sits behind the host because End.DX6 (nh6 ::) does not deliver to the host's own
 * addresses on this kernel (measured: counted, then never reaches ICMPv6); decap-and-forward does.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Nexthop } from '../../src/dataplane/seg6/nexthop.js';
import type { Route } from '../../src/dataplane/seg6/route.js';
import { createNetns, deleteNetns, enableSrv6, ipn, veth } from '../support/netns.js';
import { RemoteDataplane } from '../../src/lab/remote-dataplane.js';

let edge: string;
let host: string;
let server: string;
let edgeDp: RemoteDataplane;
let hostDp: RemoteDataplane;

const sid = (n: number, behavior: 'End.DX4' | 'End.DX6'): Route => ({
  family: 6,
  dst: `fc00:4::${n}/128`,
  dev: 'h0',
  encap: { type: 'seg6local', behavior: behavior === 'End.DX4' ? { action: behavior, nh4: '0.0.0.0' } : { action: behavior, nh6: '::' }, count: true },
});
const chain = (id: number, family: 4 | 6, segments: string[]): Nexthop => ({ id, family, dev: 'e0', encap: { type: 'seg6', mode: 'encap', segments } });

async function packets(dst: string): Promise<bigint> {
  const r = await hostDp.getRoute(dst);
  if (r?.encap?.type !== 'seg6local' || !r.encap.counters) throw new Error(`no counters on ${dst}: ${JSON.stringify(r)}`);
  return r.encap.counters.packets;
}

function ping(ns: string, dst: string, count: number): void {
  execFileSync('ip', ['netns', 'exec', ns, 'ping', '-q', '-c', String(count), '-i', '0.01', '-W', '2', dst], { stdio: 'pipe' });
}

beforeAll(async () => {
  edge = createNetns('edge');
  host = createNetns('host');
  server = createNetns('server');
  enableSrv6(edge);
  enableSrv6(host);
  veth(edge, 'e0', 'h0', host);
  veth(host, 'h1', 's0', server);
  ipn(edge, ['addr', 'add', '10.0.0.1/30', 'dev', 'e0']);
  ipn(edge, ['-6', 'addr', 'add', 'fc00:e::1/64', 'dev', 'e0', 'nodad']);
  ipn(host, ['addr', 'add', '10.0.0.2/30', 'dev', 'h0']);
  ipn(host, ['-6', 'addr', 'add', 'fc00:e::2/64', 'dev', 'h0', 'nodad']);
  ipn(host, ['addr', 'add', '10.98.0.1/24', 'dev', 'h1']);
  ipn(host, ['-6', 'addr', 'add', 'fc00:98::1/64', 'dev', 'h1', 'nodad']);
  ipn(server, ['addr', 'add', '10.98.0.2/24', 'dev', 's0']);
  ipn(server, ['-6', 'addr', 'add', 'fc00:98::2/64', 'dev', 's0', 'nodad']);
  ipn(server, ['route', 'add', 'default', 'via', '10.98.0.1']);
  ipn(server, ['-6', 'route', 'add', 'default', 'via', 'fc00:98::1']);
  ipn(edge, ['-6', 'route', 'add', 'fc00:4::/48', 'via', 'fc00:e::2', 'dev', 'e0']);
  [edgeDp, hostDp] = await Promise.all([RemoteDataplane.start(edge), RemoteDataplane.start(host)]);
  await hostDp.apply([sid(4, 'End.DX4'), sid(5, 'End.DX4'), sid(6, 'End.DX6')].map((object) => ({ op: 'add', kind: 'route', object })));
  await edgeDp.setTunnelSource('fc00:e::1');
  await edgeDp.apply([
    { op: 'add', kind: 'nexthop', object: chain(1, 4, ['fc00:4::4']) },
    { op: 'add', kind: 'nexthop', object: chain(2, 6, ['fc00:4::6']) },
    { op: 'add', kind: 'route', object: { family: 4, dst: '10.98.0.0/24', nhid: 1 } },
    { op: 'add', kind: 'route', object: { family: 6, dst: 'fc00:98::/64', nhid: 2 } },
  ]);
});

afterAll(async () => {
  await Promise.all([edgeDp?.stop(), hostDp?.stop()]);
  deleteNetns(edge);
  deleteNetns(host);
  deleteNetns(server);
});

describe('SRv6 traffic between namespaces', () => {
  it('End.DX4 counts every IPv4 packet the edge encapsulates', async () => {
    const before = await packets('fc00:4::4');
    ping(edge, '10.98.0.2', 20);
    expect((await packets('fc00:4::4')) - before).toBe(20n);
  });

  it('End.DX6 counts every IPv6 packet the edge encapsulates', async () => {
    const before = await packets('fc00:4::6');
    ping(edge, 'fc00:98::2', 20);
    expect((await packets('fc00:4::6')) - before).toBe(20n);
  });

  it('a nexthop replace at the edge moves the traffic to the new SID', async () => {
    const [a0, b0] = [await packets('fc00:4::4'), await packets('fc00:4::5')];
    await edgeDp.replaceNexthop(chain(1, 4, ['fc00:4::5']));
    ping(edge, '10.98.0.2', 10);
    expect(await packets('fc00:4::4')).toBe(a0);
    expect((await packets('fc00:4::5')) - b0).toBe(10n);
    // The dumped counters agree with the fibmatch lookup.
    const listed = (await hostDp.listRoutes({ family: 6 })).find((r) => r.dst === 'fc00:4::5/128');
    expect(listed?.encap?.type === 'seg6local' && listed.encap.counters?.packets).toBe(await packets('fc00:4::5'));
  });
});
