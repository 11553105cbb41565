/** Topology files → the resolved model: inheritance, warnings, and every node-level error with its path and place. */
import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../../src/topology/parse-topology.js';
import { errorPaths, errorsOf, issuePairs, lab, topo } from './fixtures.js';

const S = (text: string): unknown => expect.stringContaining(text);

describe('a valid file', () => {
  it('resolves nodes in file order and both link spellings', () => {
    const t = topo(`name: demo
topology:
  nodes:
    edge1:
      kind: linux
      labels: {srv6-sfc/role: edge, srv6-sfc/locator: "FC00:0001::/48", srv6-sfc/capacity: 4}
      env: {MODE: fast}
      exec: ["ip link set eth1 up"]
      sysctls: {net.ipv4.tcp_rmem: "4096 87380 6291456"}
    h1: {kind: linux}
    br1: {kind: bridge}
  links:
    - endpoints: ["edge1:eth1", "h1:eth1"]
      mtu: 9000
    - type: veth
      endpoints:
        - {node: h1, interface: eth2, mac: "02:AA:00:00:00:01"}
        - {node: br1, interface: p1}
`);
    expect(t.name).toBe('demo');
    expect(t.warnings).toEqual([]);
    const { positions: _p, ...rest } = t;
    expect(rest.nodes).toEqual([
      {
        name: 'edge1',
        kind: 'linux',
        role: 'edge',
        labels: { 'srv6-sfc/role': 'edge', 'srv6-sfc/locator': 'FC00:0001::/48', 'srv6-sfc/capacity': '4' },
        env: { MODE: 'fast' },
        exec: ['ip link set eth1 up'],
        sysctls: { 'net.ipv4.tcp_rmem': '4096 87380 6291456' },
        locator: 'fc00:1::/48',
        path: 'topology.nodes.edge1',
      },
      { name: 'h1', kind: 'linux', labels: {}, env: {}, exec: [], sysctls: {}, path: 'topology.nodes.h1' },
      { name: 'br1', kind: 'bridge', labels: {}, env: {}, exec: [], sysctls: {}, path: 'topology.nodes.br1' },
    ]);
    expect(rest.links).toEqual([
      { index: 0, a: { node: 'edge1', interface: 'eth1' }, b: { node: 'h1', interface: 'eth1' }, mtu: 9000, path: 'topology.links[0]' },
      { index: 1, a: { node: 'h1', interface: 'eth2', mac: '02:aa:00:00:00:01' }, b: { node: 'br1', interface: 'p1' }, path: 'topology.links[1]' },
    ]);
    expect(t.positions?.get('topology.nodes.h1')).toEqual({ line: 10, column: 5 });
  });

  it('accepts a file without links, and a node with no settings of its own', () => {
    const t = topo('name: t\ntopology:\n  defaults: {kind: linux}\n  nodes:\n    n1:\n');
    expect(t.nodes.map((n) => [n.name, n.kind])).toEqual([['n1', 'linux']]);
    expect(t.links).toEqual([]);
  });

  it('keeps the spelling of numbers read into strings, as containerlab does', () => {
    const t = topo(lab('n1: {kind: linux, env: {VERSION: 1.10, N: 0x10, ON: true}, sysctls: {net.core.somaxconn: 4096}}'));
    expect(t.nodes[0]!.env).toEqual({ VERSION: '1.10', N: '0x10', ON: 'true' });
    expect(t.nodes[0]!.sysctls).toEqual({ 'net.core.somaxconn': '4096' });
  });

  it('accepts anchors and merge keys', () => {
    const merged = topo(`name: t
topology:
  defaults: &d {kind: linux, labels: {site: a}}
  nodes:
    n1: {<<: *d, env: {A: "1"}}
`);
    expect(merged.nodes[0]).toMatchObject({ kind: 'linux', labels: { site: 'a' }, env: { A: '1' } });
  });
});

describe('inheritance (defaults → kinds → groups → node)', () => {
  const t = topo(`name: t
topology:
  defaults:
    kind: linux
    group: core
    labels: {a: defaults, b: defaults, c: defaults, d: defaults}
    env: {X: defaults}
    sysctls: {net.ipv4.ip_forward: "0"}
    exec: ["echo defaults"]
  kinds:
    linux:
      labels: {b: kind, c: kind, d: kind}
      exec: ["echo kind"]
    bridge:
      group: switches
  groups:
    core:
      labels: {c: group, d: group}
      sysctls: {net.ipv4.ip_forward: "1"}
      exec: ["echo group"]
    switches:
      labels: {role: switch}
    hosts:
      kind: bridge
  nodes:
    r1:
      labels: {d: node}
      env: {Y: node}
      exec: ["echo node"]
    sw1:
      kind: bridge
    via-group:
      group: hosts
`);
  const node = (name: string) => t.nodes.find((n) => n.name === name)!;

  it('merges maps key by key, the most specific level winning', () => {
    expect(node('r1').labels).toEqual({ a: 'defaults', b: 'kind', c: 'group', d: 'node' });
    expect(node('r1').env).toEqual({ X: 'defaults', Y: 'node' });
    expect(node('r1').sysctls).toEqual({ 'net.ipv4.ip_forward': '1' });
  });

  it('concatenates exec lists: defaults, kind, group, node (containerlab GetNodeExec)', () => {
    expect(node('r1').exec).toEqual(['echo defaults', 'echo kind', 'echo group', 'echo node']);
  });

  it("takes the group from the kind entry when the node names none, and the kind from the node's group", () => {
    expect(node('sw1').labels).toMatchObject({ role: 'switch' });
    expect(node('via-group').kind).toBe('bridge');
  });

  it('takes the kind from the group named in defaults before defaults.kind', () => {
    const g = topo('name: t\ntopology:\n  defaults: {kind: linux, group: sw}\n  groups: {sw: {kind: bridge}}\n  nodes: {s1: {}, n1: {kind: linux}}\n');
    expect(g.nodes.map((n) => [n.name, n.kind])).toEqual([
      ['s1', 'bridge'],
      ['n1', 'linux'],
    ]);
  });
});

describe('warnings (the file is still valid)', () => {
  it('names containerlab keys sfclab ignores, once per key with the number of nodes', () => {
    const t = topo(`name: t
prefix: lab
mgmt: {network: m}
settings: {}
debug: true
topology:
  kinds:
    linux: {image: alpine, binds: [/a:/a]}
  nodes:
    n1: {kind: linux, image: debian, mgmt-ipv4: 172.20.0.2}
    n2: {kind: linux, startup-delay: 3}
    n3: {kind: linux}
  links:
    - endpoints: ["n1:eth1", "n2:eth1"]
      labels: {x: y}
      vars: {a: 1}
`);
    expect(issuePairs(t.warnings)).toEqual([
      ['prefix', S("'prefix' is ignored")],
      ['mgmt', S('no management network')],
      ['settings', S('ignored')],
      ['debug', S('ignored')],
      ['topology.kinds.linux.binds', "'binds' is ignored (on 3 nodes): sfclab does not honour it"],
      ['topology.nodes.n1.image', "'image' is ignored (on 3 nodes): sfclab nodes are network namespaces, so no image is used"],
      ['topology.nodes.n1.mgmt-ipv4', S('(on 1 node): sfclab nodes have no management network')],
      ['topology.nodes.n2.startup-delay', S('(on 1 node)')],
      ['topology.links[0].labels', "link 'labels' is ignored (on 1 link): sfclab does not honour it"],
      ['topology.links[0].vars', S("link 'vars' is ignored")],
    ]);
    expect(t.warnings[0]).toMatchObject({ line: 2, column: 1 });
  });

  it('warns about exec on host nodes (and drops it), unknown srv6-sfc labels, unused locators, undefined groups', () => {
    const t = topo(
      lab(`
h: {kind: host, exec: ["ip link set sfc0 up"]}
n1: {kind: linux, group: nowhere, labels: {srv6-sfc/colour: red, srv6-sfc/mss-clamp: "1400", srv6-sfc/locator: "fc00:9::/48"}}
`),
    );
    expect(issuePairs(t.warnings)).toEqual([
      ['topology.nodes.h', S('kind host: its exec commands are ignored')],
      ['topology.nodes.n1.group', S("group 'nowhere' is not defined in topology.groups")],
      ['topology.nodes.n1.labels["srv6-sfc/colour"]', S("unknown srv6-sfc label 'srv6-sfc/colour'")],
      ['topology.nodes.n1.labels["srv6-sfc/locator"]', S('has no srv6-sfc/role: its locator is not used')],
    ]);
    expect(t.nodes[0]!.exec).toEqual([]);
  });
});

describe('file-level errors', () => {
  it('reports YAML syntax errors with their place, and nothing else', () => {
    const errors = errorsOf('name: t\ntopology:\n  nodes: {a: [}\n');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ path: '', message: S('YAML:'), line: 3 });
    expect(errorsOf('a: 1\na: 2\n')[0]!.message).toMatch(/YAML: .*unique/);
    expect(errorsOf('name: t\n---\nname: u\n')[0]!.message).toMatch(/YAML:/);
  });

  it('needs a mapping with a valid name and a topology', () => {
    expect(issuePairs(errorsOf('- 1\n'))).toEqual([['', S("a topology file is a mapping with 'name' and 'topology' (got a list)")]]);
    expect(issuePairs(errorsOf(''))).toEqual([['', S('(got nothing)')]]);
    expect(issuePairs(errorsOf('topology: {nodes: {a: {kind: linux}}}\n'))).toEqual([['name', 'is required: the lab name']]);
    expect(issuePairs(errorsOf('name: t\n'))).toEqual([['topology', 'is required: nodes and links']]);
    expect(issuePairs(errorsOf('name: t\ntopology: [1]\n'))).toEqual([['topology', S('must be a mapping')]]);
    expect(issuePairs(errorsOf('name: "a lab"\ntopology: {nodes: {a: {kind: linux}}}\n'))).toEqual([['name', S("lab name must be 1-20 letters, digits, '-' or '_'")]]);
    expect(errorPaths('name: abcdefghijklmnopqrstu\ntopology: {nodes: {a: {kind: linux}}}\n')).toEqual(['name']);
    expect(topo('name: 2024\ntopology: {nodes: {a: {kind: linux}}}\n').name).toBe('2024');
  });

  it('refuses unknown keys at the top and in topology, suggesting the likely one', () => {
    expect(issuePairs(errorsOf('name: t\ntopolgy: {}\ntopology:\n  node: {}\n  nodes: {a: {kind: linux}}\n'))).toEqual([
      ['topolgy', "unknown key; did you mean 'topology'?"],
      ['topology.node', "unknown key; did you mean 'nodes'?"],
    ]);
  });

  it('needs a non-empty nodes mapping; kinds and groups must be mappings', () => {
    expect(issuePairs(errorsOf('name: t\ntopology: {links: []}\n'))).toEqual([['topology.nodes', S('is required')]]);
    expect(issuePairs(errorsOf('name: t\ntopology: {nodes: {}}\n'))).toEqual([['topology.nodes', S('non-empty mapping of node names to their settings (got an empty mapping)')]]);
    expect(issuePairs(errorsOf('name: t\ntopology: {nodes: [a]}\n'))).toEqual([['topology.nodes', S('(got a list)')]]);
    expect(errorPaths('name: t\ntopology: {kinds: [linux], groups: 3, nodes: {a: {kind: linux}}}\n')).toEqual(['topology.kinds', 'topology.groups']);
  });
});

describe('node errors', () => {
  it('checks node names: characters, no dots, reserved names', () => {
    expect(issuePairs(errorsOf(lab('"a.b": {kind: linux}\n-x: {kind: linux}\nmgmt-net: {kind: linux}')))).toEqual([
      ['topology.nodes["a.b"]', S('no dots')],
      ['topology.nodes["-x"]', S('starting with a letter or digit')],
      ['topology.nodes.mgmt-net', S("node name 'mgmt-net' is reserved")],
    ]);
  });

  it('refuses a node that is not a mapping, unknown keys, and badly shaped honoured keys', () => {
    expect(issuePairs(errorsOf(lab('a: [1]\nb: {kind: linux, imgae: x, labels: [x], env: {K: [1]}, exec: "ls", sysctls: 3}\nc: {kind: linux, exec: [1, ""], group: 7}')))).toEqual([
      ['topology.nodes.a', S('must be a mapping of node settings (got a list)')],
      ['topology.nodes.b.imgae', S("unknown key; did you mean 'image'?")],
      ['topology.nodes.b.labels', S('must be a mapping of names to strings (got a list)')],
      ['topology.nodes.b.env.K', S('must be a string (got a list)')],
      ['topology.nodes.b.exec', S('must be a list of commands')],
      ['topology.nodes.b.sysctls', S('must be a mapping')],
      ['topology.nodes.c.exec[0]', S('must be a command string (got a number: 1)')],
      ['topology.nodes.c.exec[1]', "must be a command string (got the string '')"],
      ['topology.nodes.c.group', S('must be a non-empty string')],
    ]);
    expect(errorPaths('name: t\ntopology:\n  defaults: {kind: linux, bogus: 1}\n  nodes: {a: {}}\n')).toEqual(['topology.defaults.bogus']);
  });

  it('needs a supported kind, after inheritance; the error points where the kind is written', () => {
    expect(issuePairs(errorsOf(lab('a: {labels: {x: y}}')))).toEqual([['topology.nodes.a', S("has no kind: set 'kind' on the node, its group or topology.defaults")]]);
    const e = errorsOf('name: t\ntopology:\n  defaults: {kind: nokia_srlinux}\n  nodes: {a: {}, b: {}, c: {kind: linux}}\n');
    // Reported once, at defaults, not once per inheriting node.
    expect(e).toEqual([{ path: 'topology.defaults.kind', message: "kind 'nokia_srlinux' is not supported by sfclab (supported: linux, bridge, host)", line: 3, column: 14 }]);
  });

  it('allows only net.* sysctls', () => {
    expect(issuePairs(errorsOf(lab('a: {kind: linux, sysctls: {kernel.pid_max: 65536, net.ipv4.ip_forward: 1}}')))).toEqual([
      ['topology.nodes.a.sysctls["kernel.pid_max"]', "only net.* sysctls are per network namespace (got 'kernel.pid_max')"],
    ]);
  });

  it('checks srv6-sfc labels: role, role on linux only, capacity, locator', () => {
    const e = errorsOf(
      lab(`
a: {kind: linux, labels: {srv6-sfc/role: router, srv6-sfc/capacity: "-1"}}
b: {kind: bridge, labels: {srv6-sfc/role: transit}}
c: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/locator: "fc00:1::1/48"}}
d: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/locator: "10.0.0.0/8"}}
e: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/locator: "fc00:1::"}}
f: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/locator: "fc00:1::/96"}}
g: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/locator: "nope/48"}}
h: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/locator: "::/0", srv6-sfc/capacity: 1.5}}
`),
    );
    expect(issuePairs(e)).toEqual([
      ['topology.nodes.a.labels["srv6-sfc/role"]', "must be one of edge, vnf-host, transit (got 'router')"],
      ['topology.nodes.a.labels["srv6-sfc/capacity"]', "must be a whole number ≥ 0 (got '-1')"],
      ['topology.nodes.b.labels["srv6-sfc/role"]', S('a role needs kind linux (node b is kind bridge)')],
      ['topology.nodes.c.labels["srv6-sfc/locator"]', "'fc00:1::1/48' has host bits set (did you mean fc00:1::/48?)"],
      ['topology.nodes.d.labels["srv6-sfc/locator"]', S("'10.0.0.0/8' is not an IPv6 prefix with a length")],
      ['topology.nodes.e.labels["srv6-sfc/locator"]', S("'fc00:1::' is not an IPv6 prefix with a length")],
      ['topology.nodes.f.labels["srv6-sfc/locator"]', S('locator length must be 1..64 (got /96)')],
      ['topology.nodes.g.labels["srv6-sfc/locator"]', S("'nope/48' is not an IPv6 prefix")],
      ['topology.nodes.h.labels["srv6-sfc/locator"]', S('(got /0)')],
      ['topology.nodes.h.labels["srv6-sfc/capacity"]', S("(got '1.5')")],
    ]);
  });

  it('refuses overlapping locators, naming both nodes', () => {
    expect(issuePairs(errorsOf(lab('a: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/locator: "fc00::/16"}}\nb: {kind: linux, labels: {srv6-sfc/role: edge, srv6-sfc/locator: "fc00:2::/48"}}')))).toEqual([
      ['topology.nodes.b.labels["srv6-sfc/locator"]', "locator fc00:2::/48 overlaps node a's locator fc00::/16"],
    ]);
  });

  it('needs srv6-sfc/core-interface to name one of the node’s link ends', () => {
    expect(issuePairs(errorsOf(lab('a: {kind: linux, labels: {srv6-sfc/core-interface: eth9}}\nb: {kind: linux}', '- endpoints: ["a:eth1", "b:eth1"]')))).toEqual([
      ['topology.nodes.a.labels["srv6-sfc/core-interface"]', "node a has no interface 'eth9' (its interfaces: eth1)"],
    ]);
  });

  it('reports every error of the file at once, in file order, each with line and column', () => {
    const e = errorsOf(`name: t
topology:
  nodes:
    a: {kind: srl}
    b: {kind: linux, sysctls: {vm.swappiness: 1}}
  links:
    - endpoints: ["a:eth1", "z:eth1"]
`);
    expect(e.map((x) => [x.line, x.column, x.path])).toEqual([
      [4, 9, 'topology.nodes.a.kind'],
      [5, 32, 'topology.nodes.b.sysctls["vm.swappiness"]'],
      [7, 29, 'topology.links[0].endpoints[1]'],
    ]);
  });

  it('never throws on odd input', () => {
    for (const text of ['', '~', '42', '"x"', 'name: t\ntopology: ~', 'name: [1]\ntopology: {nodes: {a: ~}}', '*x', '&a [*a]']) {
      expect(() => parseTopology(text)).not.toThrow();
    }
  });
});
