/** The line lab's addressing and static underlay routes, planned without a kernel. */
import { describe, expect, it } from 'vitest';
import { lineTopology } from '../../../src/lab/line-topology.js';

const plan = lineTopology({
  left: { name: 'client', subnet: '10.1.0.0/24' },
  routers: ['edge', 'fn1', 'fn2', 'egress'],
  right: { name: 'server', subnet: '10.2.0.0/24' },
  underlayMtu: 9000,
});

describe('lineTopology', () => {
  it('numbers locators by router position and puts each tunnel source on lo', () => {
    expect(plan.routers.map((r) => [r.name, r.locator, r.address])).toEqual([
      ['edge', 'fc00:1::/48', 'fc00:1::1'],
      ['fn1', 'fc00:2::/48', 'fc00:2::1'],
      ['fn2', 'fc00:3::/48', 'fc00:3::1'],
      ['egress', 'fc00:4::/48', 'fc00:4::1'],
    ]);
    expect(plan.addresses).toContainEqual({ node: 'fn2', dev: 'lo', cidr: 'fc00:3::1/128' });
  });

  it('links neighbours, jumbo MTU on the underlay only, interfaces named after the peer', () => {
    expect(plan.links.map((l) => [l.a.node, l.a.ifname, l.b.node, l.b.ifname, l.mtu ?? null])).toEqual([
      ['client', 'sfc-edge', 'edge', 'sfc-client', null],
      ['edge', 'sfc-fn1', 'fn1', 'sfc-edge', 9000],
      ['fn1', 'sfc-fn2', 'fn2', 'sfc-fn1', 9000],
      ['fn2', 'sfc-egress', 'egress', 'sfc-fn2', 9000],
      ['egress', 'sfc-server', 'server', 'sfc-egress', null],
    ]);
  });

  it('addresses customer links in IPv4 (router .1, host .2 with it as gateway) and the underlay in IPv6', () => {
    expect(plan.addresses).toContainEqual({ node: 'edge', dev: 'sfc-client', cidr: '10.1.0.1/24' });
    expect(plan.addresses).toContainEqual({ node: 'server', dev: 'sfc-egress', cidr: '10.2.0.2/24' });
    expect(plan.addresses).toContainEqual({ node: 'fn1', dev: 'sfc-fn2', cidr: 'fd00:2::1/64' });
    expect(plan.addresses).toContainEqual({ node: 'fn2', dev: 'sfc-fn1', cidr: 'fd00:2::2/64' });
    expect(plan.gateways).toEqual([
      { node: 'client', via: '10.1.0.1' },
      { node: 'server', via: '10.2.0.1' },
    ]);
  });

  it('routes every router to every other locator via the neighbour on that side', () => {
    expect(plan.routes.filter((r) => r.node === 'fn1')).toEqual([
      { node: 'fn1', dst: 'fc00:1::/48', via: 'fd00:1::1', dev: 'sfc-edge' },
      { node: 'fn1', dst: 'fc00:3::/48', via: 'fd00:2::2', dev: 'sfc-fn2' },
      { node: 'fn1', dst: 'fc00:4::/48', via: 'fd00:2::2', dev: 'sfc-fn2' },
    ]);
    expect(plan.routes.filter((r) => r.node === 'egress').map((r) => r.via)).toEqual(['fd00:3::1', 'fd00:3::1', 'fd00:3::1']);
    expect(plan.routes).toHaveLength(4 * 3);
    // Every gateway is an address some neighbour really has on the named link's other end.
    for (const r of plan.routes) expect(plan.addresses.some((a) => a.cidr === `${r.via}/64` && a.node !== r.node)).toBe(true);
  });

  it('attaches SIDs to an underlay interface, never lo', () => {
    expect(['edge', 'fn1', 'fn2', 'egress'].map(plan.coreIfname)).toEqual(['sfc-fn1', 'sfc-edge', 'sfc-fn1', 'sfc-fn2']);
  });

  it('refuses names that cannot become interface names and non-/24 customer subnets', () => {
    const spec = { left: { name: 'c', subnet: '10.1.0.0/24' }, routers: ['r'], right: { name: 's', subnet: '10.2.0.0/24' }, underlayMtu: 9000 };
    expect(() => lineTopology({ ...spec, routers: ['a-very-long-name'] })).toThrow(/too long/);
    expect(() => lineTopology({ ...spec, left: { name: 'c', subnet: '10.1.0.0/16' } })).toThrow(/\/24/);
    expect(() => lineTopology({ ...spec, routers: ['c'] })).toThrow(/unique/);
  });
});
