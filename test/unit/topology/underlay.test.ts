/** The derived underlay: every addressing rule, routes, sysctls, file mode, and its warnings and errors. */
import { describe, expect, it } from 'vitest';
import { SITE_DECAP_SUFFIX, SITE_ROUTE_METRIC, deriveUnderlay, siteDecapSid } from '../../../src/topology/underlay.js';
import type { NodeUnderlay, Topology, Underlay } from '../../../src/topology/types.js';
import { issuePairs, lab, topo } from './fixtures.js';

const S = (text: string): unknown => expect.stringContaining(text);

const ROLE_SYSCTLS = {
  'net.ipv4.ip_forward': '1',
  'net.ipv6.conf.all.forwarding': '1',
  'net.ipv6.conf.all.seg6_enabled': '1',
  'net.ipv6.conf.default.seg6_enabled': '1',
  'net.ipv4.conf.all.rp_filter': '0',
  'net.ipv4.conf.default.rp_filter': '0',
};

function derive(t: Topology): { underlay: Underlay; warnings: [string, string][] } {
  const r = deriveUnderlay(t);
  if (!r.ok) expect.fail(`unexpected errors: ${JSON.stringify(r.errors)}`);
  return { underlay: r.underlay, warnings: issuePairs(r.warnings) };
}

function deriveErrors(t: Topology): [string, string][] {
  const r = deriveUnderlay(t);
  if (r.ok) expect.fail('expected errors');
  return issuePairs(r.errors);
}

const nodeOf = (u: Underlay, name: string): NodeUnderlay => u.nodes.find((n) => n.node === name)!;

/** edge1 — fn1 — edge2, a host behind each edge. */
const LINE = lab(
  `
edge1: {kind: linux, labels: {srv6-sfc/role: edge}}
fn1: {kind: linux, labels: {srv6-sfc/role: vnf-host, srv6-sfc/capacity: 4}}
edge2: {kind: linux, labels: {srv6-sfc/role: edge}}
h1: {kind: linux}
h2: {kind: linux}
`,
  `
- endpoints: ["edge1:eth1", "fn1:eth1"]
- endpoints: ["fn1:eth2", "edge2:eth1"]
- endpoints: ["h1:eth1", "edge1:eth2"]
- endpoints: ["edge2:eth2", "h2:eth1"]
`,
);

describe('derived mode', () => {
  const { underlay, warnings } = derive(topo(LINE));

  it('gives every node an entry, in file order, with no warnings for a clean lab', () => {
    expect(underlay.mode).toBe('derived');
    expect(underlay.nodes.map((n) => n.node)).toEqual(['edge1', 'fn1', 'edge2', 'h1', 'h2']);
    expect(warnings).toEqual([]);
  });

  it('addresses an edge: lo, its core link, its customer link; routes to locators and to other sites', () => {
    expect(nodeOf(underlay, 'edge1')).toEqual({
      node: 'edge1',
      addresses: [
        { dev: 'lo', address: 'fc00:1::1/128' },
        { dev: 'eth1', address: 'fcf0:0:1::1/64' },
        { dev: 'eth2', address: '10.1.0.1/24' },
        { dev: 'eth2', address: '2001:db8:1::1/64' },
      ],
      routes: [
        '-6 route add fc00:2::/48 via fcf0:0:1::2 dev eth1',
        '-6 route add fc00:3::/48 via fcf0:0:1::2 dev eth1',
        '-6 route add fc00:1::d4/128 encap seg6local action End.DX4 nh4 0.0.0.0 dev eth1',
        '-6 route add fc00:1::d6/128 encap seg6local action End.DX6 nh6 :: dev eth1',
        'route add 10.2.0.0/24 metric 5000 encap seg6 mode encap segs fc00:3::d4 dev eth1',
        '-6 route add 2001:db8:2::/64 metric 5000 encap seg6 mode encap segs fc00:3::d6 dev eth1',
      ],
      sysctls: ROLE_SYSCTLS,
      locator: 'fc00:1::/48',
      coreInterface: 'eth1',
      customerInterfaces: ['eth2'],
    });
  });

  it('routes a transit or VNF host toward each locator by the first hop of a shortest core path', () => {
    expect(nodeOf(underlay, 'fn1')).toEqual({
      node: 'fn1',
      addresses: [
        { dev: 'lo', address: 'fc00:2::1/128' },
        { dev: 'eth1', address: 'fcf0:0:1::2/64' },
        { dev: 'eth2', address: 'fcf0:0:2::1/64' },
      ],
      routes: ['-6 route add fc00:1::/48 via fcf0:0:1::1 dev eth1', '-6 route add fc00:3::/48 via fcf0:0:2::2 dev eth2'],
      sysctls: ROLE_SYSCTLS,
      locator: 'fc00:2::/48',
      coreInterface: 'eth1',
      customerInterfaces: [],
    });
  });

  it('addresses endpoints with default routes via their edge, and no sysctls', () => {
    expect(nodeOf(underlay, 'h2')).toEqual({
      node: 'h2',
      addresses: [
        { dev: 'eth1', address: '10.2.0.2/24' },
        { dev: 'eth1', address: '2001:db8:2::2/64' },
      ],
      routes: ['route add default via 10.2.0.1', '-6 route add default via 2001:db8:2::1'],
      sysctls: {},
      customerInterfaces: [],
    });
  });

  it('lists one site per customer link', () => {
    expect(underlay.sites).toEqual([
      { edge: 'edge1', endpoint: 'h1', ipv4: '10.1.0.0/24', ipv6: '2001:db8:1::/64', endpointIpv4: '10.1.0.2', endpointIpv6: '2001:db8:1::2' },
      { edge: 'edge2', endpoint: 'h2', ipv4: '10.2.0.0/24', ipv6: '2001:db8:2::/64', endpointIpv4: '10.2.0.2', endpointIpv6: '2001:db8:2::2' },
    ]);
  });

  it('honours labelled locators and core interfaces', () => {
    const t = topo(
      lab(
        `
e1: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/locator: "fc00:a0::/32", srv6-sfc/core-interface: eth2}}
e2: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/locator: "2001:db8:ff:1::/64"}}
c1: {kind: linux}
`,
        `
- endpoints: ["e1:eth1", "e2:eth1"]
- endpoints: ["e1:eth2", "e2:eth2"]
- endpoints: ["c1:eth1", "e1:eth3"]
`,
      ),
    );
    const u = derive(t).underlay;
    expect(nodeOf(u, 'e1')).toMatchObject({ locator: 'fc00:a0::/32', coreInterface: 'eth2', customerInterfaces: ['eth3'] });
    // The label picks the agent's core interface; locator routes still follow the shortest path.
    expect(nodeOf(u, 'e1').routes).toEqual([
      '-6 route add 2001:db8:ff:1::/64 via fcf0:0:1::2 dev eth1',
      '-6 route add fc00:a0::d4/128 encap seg6local action End.DX4 nh4 0.0.0.0 dev eth2',
      '-6 route add fc00:a0::d6/128 encap seg6local action End.DX6 nh6 :: dev eth2',
    ]);
    expect(nodeOf(u, 'e2').routes).toEqual([
      '-6 route add fc00:a0::/32 via fcf0:0:1::1 dev eth1',
      'route add 10.1.0.0/24 metric 5000 encap seg6 mode encap segs fc00:a0::d4 dev eth1',
      '-6 route add 2001:db8:1::/64 metric 5000 encap seg6 mode encap segs fc00:a0::d6 dev eth1',
    ]);
    expect(nodeOf(u, 'e2').addresses[0]).toEqual({ dev: 'lo', address: '2001:db8:ff:1::1/128' });
  });

  it('takes the lowest-index core link on ties, and numbers core links in file order among links', () => {
    // e1 reaches e2 over t1 or t2 (two hops either way): links[1] (to t2) comes first.
    const t = topo(
      lab(
        `
e1: {kind: linux, labels: {srv6-sfc/role: edge}}
t1: {kind: linux, labels: {srv6-sfc/role: transit}}
t2: {kind: linux, labels: {srv6-sfc/role: transit}}
e2: {kind: linux, labels: {srv6-sfc/role: edge}}
`,
        `
- endpoints: ["t1:a", "e2:a"]
- endpoints: ["e1:b", "t2:b"]
- endpoints: ["e1:c", "t1:c"]
- endpoints: ["t2:d", "e2:d"]
`,
      ),
    );
    const u = derive(t).underlay;
    expect(nodeOf(u, 'e1').routes).toEqual([
      '-6 route add fc00:2::/48 via fcf0:0:3::2 dev c',
      '-6 route add fc00:3::/48 via fcf0:0:2::2 dev b',
      '-6 route add fc00:4::/48 via fcf0:0:2::2 dev b',
    ]);
    expect(nodeOf(u, 'e2').routes).toEqual([
      '-6 route add fc00:1::/48 via fcf0:0:1::1 dev a',
      '-6 route add fc00:2::/48 via fcf0:0:1::1 dev a',
      '-6 route add fc00:3::/48 via fcf0:0:4::1 dev d',
    ]);
    expect(nodeOf(u, 'e1').coreInterface).toBe('b');
  });

  it('leaves links to bridges, hosts and between role-less nodes unaddressed, with one warning', () => {
    const t = topo(
      lab(
        `
e1: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/core-interface: eth1}}
fn1: {kind: linux, labels: {srv6-sfc/role: vnf-host, srv6-sfc/core-interface: eth1}}
br: {kind: bridge}
h: {kind: host}
c1: {kind: linux}
c2: {kind: linux}
`,
        `
- endpoints: ["e1:eth1", "br:p1"]
- endpoints: ["fn1:eth1", "br:p2"]
- endpoints: ["c1:eth1", "c2:eth1"]
- endpoints: ["c1:eth2", "fn1:eth2"]
- endpoints: ["h:sfc-e1", "e1:eth2"]
`,
      ),
    );
    const { underlay: u, warnings: w } = derive(t);
    expect(u.nodes.flatMap((n) => n.addresses.filter((a) => a.dev !== 'lo'))).toEqual([]);
    expect(u.sites).toEqual([]);
    expect(w).toEqual([
      ['topology.nodes.e1', 'node e1 has no core path to fn1: their locators are not routed from it'],
      ['topology.nodes.fn1', 'node fn1 has no core path to e1: their locators are not routed from it'],
      ['topology.links[0]', S('5 links are not addressed (links[0], links[1], links[2], links[3], links[4]): sfclab only addresses links between role nodes')],
    ]);
  });

  it('gives an endpoint with two customer links default routes via the first only', () => {
    const t = topo(
      lab(
        `
e1: {kind: linux, labels: {srv6-sfc/role: edge}}
e2: {kind: linux, labels: {srv6-sfc/role: edge}}
c1: {kind: linux}
`,
        `
- endpoints: ["e1:eth1", "e2:eth1"]
- endpoints: ["c1:eth1", "e1:eth2"]
- endpoints: ["c1:eth2", "e2:eth2"]
`,
      ),
    );
    const { underlay: u, warnings: w } = derive(t);
    expect(nodeOf(u, 'c1').routes).toEqual(['route add default via 10.1.0.1', '-6 route add default via 2001:db8:1::1']);
    expect(nodeOf(u, 'c1').addresses.map((a) => a.address)).toEqual(['10.1.0.2/24', '2001:db8:1::2/64', '10.2.0.2/24', '2001:db8:2::2/64']);
    expect(u.sites.map((s) => [s.edge, s.endpoint])).toEqual([
      ['e1', 'c1'],
      ['e2', 'c1'],
    ]);
    expect(w).toEqual([['topology.links[2]', S('node c1 has several customer links: only its first gets default routes')]]);
  });

  it('numbers sites in hex in IPv6 text, and refuses more than 255', () => {
    const hosts = Array.from({ length: 256 }, (_, i) => `c${i}: {kind: linux}`).join('\n');
    const links = Array.from({ length: 256 }, (_, i) => `- endpoints: ["e1:x${i}", "c${i}:eth1"]`).join('\n');
    const t = topo(lab(`e1: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/core-interface: x0}}\n${hosts}`, links));
    expect(deriveErrors(t)).toEqual([['topology.links[255]', S('more than 255 customer links: derived addressing (10.<s>.0.0/24) runs out')]]);
    const fewer = topo(lab(`e1: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/core-interface: x0}}\n${hosts}`, links.split('\n').slice(0, 255).join('\n')));
    const u = derive(fewer).underlay;
    expect(u.sites[254]).toEqual({ edge: 'e1', endpoint: 'c254', ipv4: '10.255.0.0/24', ipv6: '2001:db8:ff::/64', endpointIpv4: '10.255.0.2', endpointIpv6: '2001:db8:ff::2' });
    expect(u.sites[9]!.ipv6).toBe('2001:db8:a::/64');
  });

  it('needs a core link or a core-interface label on every role node', () => {
    const t = topo(lab('e1: {kind: linux, labels: {srv6-sfc/role: edge}}\nc1: {kind: linux}', '- endpoints: ["e1:eth1", "c1:eth1"]'));
    const r = deriveUnderlay(t);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      {
        path: 'topology.nodes.e1',
        message: 'node e1 has a role but no core link (a link to another role node) and no srv6-sfc/core-interface label: its agent needs a core interface',
        line: 4,
        column: 5,
      },
    ]);
  });

  it("refuses a labelled locator that overlaps another node's default one", () => {
    const t = topo(lab('e1: {kind: linux, labels: {srv6-sfc/role: edge}}\ne2: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/locator: "fc00::/16"}}', '- endpoints: ["e1:eth1", "e2:eth1"]'));
    expect(deriveErrors(t)).toEqual([['topology.nodes.e2.labels["srv6-sfc/locator"]', "locator fc00::/16 of node e2 overlaps node e1's locator fc00:1::/48 (its default)"]]);
  });
});

describe('file mode', () => {
  const FILE = lab(
    `
e1: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/locator: "fc00:1::/48"}, exec: ["ip -6 addr add fcf0::1/64 dev eth1"]}
e2: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/locator: "fc00:2::/48"}}
c1: {kind: linux, exec: ["ip a add 10.9.0.2/24 dev eth1"]}
br: {kind: bridge}
`,
    `
- endpoints: ["e1:eth1", "e2:eth1"]
- endpoints: ["c1:eth1", "e1:eth2"]
- endpoints: ["br:p1", "e2:eth2"]
`,
  );

  it('derives no addresses, routes or sites when an exec assigns addresses; agent settings and sysctls stay', () => {
    const { underlay: u, warnings: w } = derive(topo(FILE));
    expect(u).toEqual({
      mode: 'file',
      nodes: [
        { node: 'e1', addresses: [], routes: [], sysctls: ROLE_SYSCTLS, locator: 'fc00:1::/48', coreInterface: 'eth1', customerInterfaces: ['eth2'] },
        { node: 'e2', addresses: [], routes: [], sysctls: ROLE_SYSCTLS, locator: 'fc00:2::/48', coreInterface: 'eth1', customerInterfaces: [] },
        { node: 'c1', addresses: [], routes: [], sysctls: {}, customerInterfaces: [] },
        { node: 'br', addresses: [], routes: [], sysctls: {}, customerInterfaces: [] },
      ],
      sites: [],
    });
    expect(w).toEqual([]);
  });

  it('recognises the usual spellings of an address assignment', () => {
    for (const cmd of ['ip addr add 10.0.0.1/24 dev eth1', 'ip -6 address replace fc::1/64 dev eth1', 'ip a add 10.0.0.1/24 dev eth1', 'ip addr  change 10.0.0.1/24 dev eth1']) {
      const t = topo(lab(`c1: {kind: linux, exec: ["${cmd}"]}`));
      expect(derive(t).underlay.mode).toBe('file');
    }
    for (const cmd of ['ip link set eth1 up', 'ip route add default via 10.0.0.1', 'echo added']) {
      const t = topo(lab(`c1: {kind: linux, exec: ["${cmd}"]}`));
      expect(derive(t).underlay.mode).toBe('derived');
    }
  });

  it('needs a locator label on every role node', () => {
    const t = topo(FILE.replace(', srv6-sfc/locator: "fc00:2::/48"', ''));
    expect(deriveErrors(t)).toEqual([['topology.nodes.e2', "node e2 needs a srv6-sfc/locator label: the file assigns addresses itself (e1's exec), so sfclab derives no locators"]]);
  });
});

describe('siteDecapSid', () => {
  it('puts ::d4 / ::d6 in the locator’s function-id-0 block', () => {
    expect(siteDecapSid('fc00:1::/48', 4)).toBe('fc00:1::d4');
    expect(siteDecapSid('fc00:1::/48', 6)).toBe('fc00:1::d6');
    expect(siteDecapSid('2001:db8:1:2::/64', 6)).toBe('2001:db8:1:2::d6');
    expect(SITE_DECAP_SUFFIX).toEqual({ 4: 0xd4, 6: 0xd6 });
    expect(SITE_ROUTE_METRIC).toBe(5000);
  });

  it('refuses what is not an IPv6 locator of length ≤ 64', () => {
    expect(() => siteDecapSid('fc00:1::/80', 4)).toThrow(RangeError);
    expect(() => siteDecapSid('10.0.0.0/8', 4)).toThrow(RangeError);
  });
});
