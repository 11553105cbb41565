/** Links: both containerlab spellings, and every way a link can be refused. */
import { describe, expect, it } from 'vitest';
import { errorsOf, issuePairs, lab, topo } from './fixtures.js';

const S = (text: string): unknown => expect.stringContaining(text);
const NODES = 'a: {kind: linux}\nb: {kind: linux}\nh1: {kind: host}\nh2: {kind: host}';
const linkErrors = (links: string): [string, string][] => issuePairs(errorsOf(lab(NODES, links)));

describe('valid links', () => {
  it('reads brief and extended veth links, and host-namespace ends named sfc*', () => {
    const t = topo(
      lab(
        NODES,
        `
- endpoints: ["a:eth1", "b:eth1"]
- {type: veth, mtu: 1500, endpoints: [{node: a, interface: eth2}, {node: h1, interface: sfc-a}]}
- endpoints: ["b:eth2", "h2:sfc-b"]
`,
      ),
    );
    expect(t.links.map((l) => [l.a.node, l.a.interface, l.b.node, l.b.interface, l.mtu])).toEqual([
      ['a', 'eth1', 'b', 'eth1', undefined],
      ['a', 'eth2', 'h1', 'sfc-a', 1500],
      ['b', 'eth2', 'h2', 'sfc-b', undefined],
    ]);
  });

  it('splits a brief endpoint at its first colon, as containerlab does', () => {
    expect(linkErrors('- endpoints: ["a:eth:1", "b:eth1"]')).toEqual([['topology.links[0].endpoints[0]', S("must not contain '/', ':' or whitespace")]]);
  });
});

describe('refused links', () => {
  it('refuses a links section that is not a list, and links that are not mappings', () => {
    expect(issuePairs(errorsOf(`name: t\ntopology:\n  nodes: {a: {kind: linux}}\n  links: {x: 1}\n`))).toEqual([['topology.links', 'must be a list of links (got a mapping)']]);
    expect(linkErrors('- "a:eth1 b:eth1"')).toEqual([['topology.links[0]', S('must be a mapping with endpoints')]]);
    expect(linkErrors('- {endpoints: ["a:eth1", "b:eth1"], endpoint: 1}')).toEqual([['topology.links[0].endpoint', "unknown key; did you mean 'endpoints'?"]]);
  });

  it('refuses every link type but veth', () => {
    expect(linkErrors('- {type: vxlan, endpoints: [{node: a, interface: vx0}]}\n- {type: macvlan}\n- {type: dummy}\n- {type: tunnel}\n- {type: 3}')).toEqual([
      ['topology.links[0].type', "link type 'vxlan' is not supported by sfclab (only veth links between nodes)"],
      ['topology.links[1].type', S("'macvlan' is not supported by sfclab")],
      ['topology.links[2].type', S("'dummy' is not supported by sfclab")],
      ['topology.links[3].type', S("unknown link type the string 'tunnel'")],
      ['topology.links[4].type', S('unknown link type a number: 3')],
    ]);
  });

  it("refuses containerlab's special brief endpoints", () => {
    expect(linkErrors('- endpoints: ["a:eth1", "host:veth-a"]\n- endpoints: ["mgmt-net:m1", "b:eth1"]\n- endpoints: ["macvlan:enp1s0", "b:eth2"]')).toEqual([
      ['topology.links[0].endpoints[1]', S("the special endpoint 'host:veth-a' (a containerlab host link) is not supported by sfclab")],
      ['topology.links[1].endpoints[0]', S("'mgmt-net:m1' (a containerlab mgmt-net link)")],
      ['topology.links[2].endpoints[0]', S("'macvlan:enp1s0' (a containerlab macvlan link)")],
    ]);
  });

  it('needs exactly two endpoints of the right form', () => {
    expect(linkErrors('- {mtu: 1500}\n- {endpoints: "a:eth1"}\n- {endpoints: ["a:eth1"]}\n- {endpoints: ["a:eth1", "b:eth1", "b:eth2"]}')).toEqual([
      ['topology.links[0].endpoints', 'is required: the two ends of the link'],
      ['topology.links[1].endpoints', S('must be a list of two endpoints')],
      ['topology.links[2].endpoints', 'a link has exactly two endpoints (got 1)'],
      ['topology.links[3].endpoints', 'a link has exactly two endpoints (got 3)'],
    ]);
    expect(linkErrors('- {endpoints: ["a", ":eth1"]}\n- {endpoints: ["a:", {node: b, interface: eth1}]}')).toEqual([
      ['topology.links[0].endpoints[0]', "'a' is not 'node:interface'"],
      ['topology.links[0].endpoints[1]', "':eth1' is not 'node:interface'"],
      ['topology.links[1].endpoints[0]', "'a:' is not 'node:interface'"],
      ['topology.links[1].endpoints[1]', S("must be a 'node:interface' string (got a mapping); use 'type: veth'")],
    ]);
  });

  it('checks extended endpoints field by field', () => {
    expect(linkErrors('- type: veth\n  endpoints: ["a:eth1", {node: b, iface: eth1}]\n- type: veth\n  endpoints: [{node: 3, interface: eth1}, {node: b, interface: eth2, mac: 2}]')).toEqual([
      ['topology.links[0].endpoints[0]', S('must be a mapping {node, interface, mac?} (got the string')],
      // A missing key is placed where its mapping starts, before the misspelt one.
      ['topology.links[0].endpoints[1].interface', 'is required'],
      ['topology.links[0].endpoints[1].iface', 'unknown key (one of node, interface, mac)'],
      ['topology.links[1].endpoints[0].node', 'must be a string (got a number: 3)'],
      ['topology.links[1].endpoints[1].mac', 'must be a string (got a number: 2)'],
    ]);
  });

  it('needs endpoints on known nodes with usable interface names', () => {
    expect(linkErrors('- endpoints: ["z:eth1", "b:interface-name-16"]\n- endpoints: ["a:e th", "b:a/b"]\n- endpoints: ["h1:eth0", "a:eth9"]')).toEqual([
      ['topology.links[0].endpoints[0]', "node 'z' is not in topology.nodes"],
      ['topology.links[0].endpoints[1]', "interface name 'interface-name-16' must be 1-15 characters (a Linux limit)"],
      ['topology.links[1].endpoints[0]', "interface name 'e th' must not contain '/', ':' or whitespace"],
      ['topology.links[1].endpoints[1]', S("'a/b' must not contain")],
      ['topology.links[2].endpoints[0]', "interface 'eth0' is in the host namespace (node h1 is kind host): its name must start with 'sfc', the prefix sfclab owns"],
    ]);
  });

  it('refuses an interface used twice on a node, and twice in the host namespace', () => {
    expect(linkErrors('- endpoints: ["a:eth1", "b:eth1"]\n- endpoints: ["b:eth2", "a:eth1"]\n- endpoints: ["h1:sfc0", "a:eth3"]\n- endpoints: ["h2:sfc0", "b:eth3"]')).toEqual([
      ['topology.links[1].endpoints[1]', 'interface eth1 of node a is already used by topology.links[0].endpoints[0]'],
      ['topology.links[3].endpoints[0]', 'interface sfc0 of node h2 is already used by topology.links[2].endpoints[0]'],
    ]);
  });

  it('checks mtu and mac', () => {
    expect(
      linkErrors(`
- {endpoints: ["a:eth1", "b:eth1"], mtu: 67}
- {endpoints: ["a:eth2", "b:eth2"], mtu: 1500.5}
- {endpoints: ["a:eth3", "b:eth3"], mtu: "9000"}
- type: veth
  mtu: 65536
  endpoints: [{node: a, interface: eth4, mac: "03:00:00:00:00:01"}, {node: b, interface: eth4, mac: "02-00-00-00-00-01"}]
- type: veth
  endpoints: [{node: a, interface: eth5, mac: "00:00:00:00:00:00"}, {node: b, interface: eth5, mac: "02:00:00:00:00:0g"}]
`),
    ).toEqual([
      ['topology.links[0].mtu', 'must be a whole number 68..65535 (got a number: 67)'],
      ['topology.links[1].mtu', S('(got a number: 1500.5)')],
      ['topology.links[2].mtu', S("(got the string '9000')")],
      ['topology.links[3].mtu', S('(got a number: 65536)')],
      ['topology.links[3].endpoints[0].mac', "'03:00:00:00:00:01' is a multicast MAC address: an interface needs a unicast one"],
      ['topology.links[3].endpoints[1].mac', S("'02-00-00-00-00-01' is not a MAC address")],
      ['topology.links[4].endpoints[0].mac', "'00:00:00:00:00:00' is the zero MAC address"],
      ['topology.links[4].endpoints[1].mac', S('is not a MAC address')],
    ]);
  });
});
