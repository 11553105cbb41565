/** `sfclab graph`: the SVG/HTML drawing and the DOT source, checked on what they show. */
import { describe, expect, it } from 'vitest';
import { type ChainView, renderTopologyDot, renderTopologyHtml, renderTopologySvg } from '../../../src/topology/graph/index.js';
import { maxOffsetDrift } from '../../../src/topology/graph/geometry.js';
import { wrap } from '../../../src/topology/graph/text.js';
import { shortestPath } from '../../../src/topology/paths.js';
import type { NodeKind, NodeRole, Topology, TopologyLink, TopologyNode, Underlay } from '../../../src/topology/types.js';

// ---------------------------------------------------------------------------------------------
// Hand-made topologies (the shapes of topology/demo.clab.yml and topology/large.clab.yml).

function node(name: string, role?: NodeRole, extra: Partial<TopologyNode> = {}): TopologyNode {
  const kind: NodeKind = extra.kind ?? 'linux';
  return { name, kind, labels: role ? { 'srv6-sfc/role': role } : {}, env: {}, exec: [], sysctls: {}, path: `topology.nodes.${name}`, ...(role ? { role } : {}), ...extra };
}

function topology(name: string, nodes: TopologyNode[], ends: [string, string][]): Topology {
  const links: TopologyLink[] = ends.map(([a, b], index) => {
    const [an, ai] = a.split(':') as [string, string];
    const [bn, bi] = b.split(':') as [string, string];
    return { index, a: { node: an, interface: ai }, b: { node: bn, interface: bi }, path: `topology.links[${index}]` };
  });
  return { name, nodes, links, warnings: [] };
}

const demo = (): Topology =>
  topology(
    'demo',
    [node('client'), node('edge1', 'edge'), node('fn1', 'vnf-host'), node('transit', 'transit'), node('fn2', 'vnf-host'), node('edge2', 'edge'), node('server')],
    [
      ['client:eth1', 'edge1:eth1'],
      ['edge1:eth2', 'transit:eth1'],
      ['edge1:eth3', 'fn1:eth1'],
      ['fn1:eth2', 'transit:eth2'],
      ['transit:eth3', 'fn2:eth1'],
      ['transit:eth4', 'edge2:eth2'],
      ['fn2:eth2', 'edge2:eth3'],
      ['edge2:eth1', 'server:eth1'],
    ],
  );

const FNS = ['fn1', 'fn2', 'fn3', 'fn4', 'fn5', 'fn6', 'fn7', 'fn8'];

const large = (): Topology =>
  topology(
    'large',
    [
      node('client1'),
      node('client2'),
      node('edge1', 'edge'),
      node('edge2', 'edge'),
      node('edge3', 'edge'),
      node('spine1', 'transit'),
      node('spine2', 'transit'),
      ...FNS.map((f) => node(f, 'vnf-host')),
      node('server'),
    ],
    [
      ['client1:eth1', 'edge1:eth1'],
      ['client2:eth1', 'edge2:eth1'],
      ['server:eth1', 'edge3:eth1'],
      ['edge1:eth2', 'spine1:eth1'],
      ['edge1:eth3', 'spine2:eth1'],
      ['edge2:eth2', 'spine1:eth2'],
      ['edge2:eth3', 'spine2:eth2'],
      ['edge3:eth2', 'spine1:eth3'],
      ['edge3:eth3', 'spine2:eth3'],
      ...FNS.flatMap((f, i): [string, string][] => [
        [`${f}:eth1`, `spine1:eth${11 + i}`],
        [`${f}:eth2`, `spine2:eth${11 + i}`],
      ]),
    ],
  );

const demoChains: ChainView[] = [
  {
    name: 'web',
    ready: true,
    ingress: 'edge1',
    egress: 'edge2',
    functions: [
      { name: 'firewall', type: 'firewall', node: 'fn1', sid: 'fc00:2::e1' },
      { name: 'nat', type: 'nat', node: 'fn1' },
      { name: 'monitor', type: 'monitor', node: 'fn2' },
    ],
    segments: ['fc00:2::e1', 'fc00:2::e2', 'fc00:4::e1', 'fc00:5::d4'],
  },
  { name: 'ids', ready: false, reason: 'PlacementFailed: no host has room', ingress: 'edge1', egress: 'edge2', functions: [{ name: 'ids', type: 'ids', node: 'fn2' }] },
];

const largeChains: ChainView[] = [
  { name: 'gold', ready: true, ingress: 'edge1', egress: 'edge3', functions: [{ name: 'fw', type: 'firewall', node: 'fn1' }, { name: 'nat', type: 'nat', node: 'fn4' }], segments: ['fc00:8::e1', 'fc00:b::e1', 'fc00:3::d4'] },
  { name: 'silver', ready: true, ingress: 'edge2', egress: 'edge3', functions: [{ name: 'ids', type: 'ids', node: 'fn6' }] },
];

// ---------------------------------------------------------------------------------------------
// Reading the drawing back.

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

const centre = (b: Box): { x: number; y: number } => ({ x: b.x + b.w / 2, y: b.y + b.h / 2 });

function nodeBoxes(svg: string): Map<string, Box> {
  const out = new Map<string, Box>();
  for (const m of svg.matchAll(/<g class="node [^"]*" data-node="([^"]*)"[^>]*><title>[^<]*<\/title><rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="([\d.]+)"/g)) {
    out.set(m[1]!, { x: Number(m[2]), y: Number(m[3]), w: Number(m[4]), h: Number(m[5]) });
  }
  return out;
}

const parsePoints = (s: string): { x: number; y: number }[] =>
  s.split(' ').map((p) => {
    const [x, y] = p.split(',').map(Number);
    return { x: x!, y: y! };
  });

function linkRoutes(svg: string): Map<number, { x: number; y: number }[]> {
  const out = new Map<number, { x: number; y: number }[]>();
  for (const m of svg.matchAll(/<g class="link" data-link="(\d+)"><title>[^<]*<\/title><polyline points="([^"]*)"\/><\/g>/g)) out.set(Number(m[1]), parsePoints(m[2]!));
  return out;
}

interface Lane {
  readonly cls: string;
  readonly path: string[];
  readonly offset: number;
  readonly points: { x: number; y: number }[];
  readonly stroke: string;
  readonly arrows: string;
}

function chainLanes(svg: string): Map<string, Lane> {
  const out = new Map<string, Lane>();
  const re = /<g class="(chain [^"]*)" data-chain="([^"]*)" data-path="([^"]*)" data-offset="([\d.]+)"><title>[^<]*<\/title><polyline class="lane" points="([^"]*)" stroke="([^"]*)"\/>(?:<path class="arrows" d="([^"]*)")?/g;
  for (const m of svg.matchAll(re)) {
    out.set(m[2]!, { cls: m[1]!, path: m[3]!.split(' '), offset: Number(m[4]), points: parsePoints(m[5]!), stroke: m[6]!, arrows: m[7] ?? '' });
  }
  return out;
}

/** Does the segment p→q enter the box (shrunk by `inset`)? Liang–Barsky clipping. */
function segmentHitsBox(p: { x: number; y: number }, q: { x: number; y: number }, b: Box, inset = 1): boolean {
  const [x0, y0, x1, y1] = [b.x + inset, b.y + inset, b.x + b.w - inset, b.y + b.h - inset];
  let t0 = 0;
  let t1 = 1;
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  for (const [pk, qk] of [
    [-dx, p.x - x0],
    [dx, x1 - p.x],
    [-dy, p.y - y0],
    [dy, y1 - p.y],
  ] as const) {
    if (pk === 0) {
      if (qk < 0) return false;
      continue;
    }
    const r = qk / pk;
    if (pk < 0) t0 = Math.max(t0, r);
    else t1 = Math.min(t1, r);
    if (t0 > t1) return false;
  }
  return true;
}

/**
 * A strict little XML well-formedness check for our own output: tags balance, attribute values
 * are quoted and free of `<`, and every `&` in text or attributes starts an entity.
 */
function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const entity = /&(?:amp|lt|gt|quot|#39);/y;
  const checkAmps = (s: string, where: string): void => {
    for (let i = s.indexOf('&'); i >= 0; i = s.indexOf('&', i + 1)) {
      entity.lastIndex = i;
      if (!entity.test(s)) throw new Error(`bare & in ${where}: ${s.slice(i, i + 20)}`);
    }
  };
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    checkAmps(text, 'text');
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    if (!m) throw new Error(`malformed tag at ${lt}: ${xml.slice(lt, lt + 40)}`);
    checkAmps(m[3]!, 'attribute');
    if (m[1]) {
      if (stack.pop() !== m[2]) throw new Error(`unbalanced </${m[2]}> at ${lt}`);
    } else if (!m[4]) stack.push(m[2]!);
    i = tag.lastIndex;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
}

// ---------------------------------------------------------------------------------------------

describe('renderTopologySvg', () => {
  it('is deterministic: same input, same bytes, even from freshly built objects', () => {
    const a = renderTopologySvg(demo(), demoChains);
    expect(renderTopologySvg(demo(), demoChains)).toBe(a);
    expect(renderTopologySvg(demo(), structuredClone(demoChains))).toBe(a);
    expect(renderTopologySvg(large(), largeChains)).toBe(renderTopologySvg(large(), largeChains));
  });

  it('is well-formed XML with a viewBox and no external references', () => {
    for (const svg of [renderTopologySvg(demo(), demoChains), renderTopologySvg(large(), largeChains), renderTopologySvg(demo(), [])]) {
      assertWellFormedXml(svg);
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*viewBox="0 0 \d+ \d+"/);
      expect(svg).not.toMatch(/href=|src=|url\(|@import|<script/);
    }
  });

  it('draws every node with its name, role and locator, and every link with both interface names', () => {
    const t = demo();
    const underlay: Underlay = {
      mode: 'derived',
      nodes: t.nodes.map((n, i) => ({ node: n.name, addresses: [], routes: [], sysctls: {}, customerInterfaces: [], ...(n.role ? { locator: `fc00:${i}::/48` } : {}) })),
      sites: [
        { edge: 'edge1', endpoint: 'client', ipv4: '10.1.0.0/24', ipv6: '2001:db8:1::/64', endpointIpv4: '10.1.0.2', endpointIpv6: '2001:db8:1::2' },
        { edge: 'edge2', endpoint: 'server', ipv4: '10.2.0.0/24', ipv6: '2001:db8:2::/64', endpointIpv4: '10.2.0.2', endpointIpv6: '2001:db8:2::2' },
      ],
    };
    const svg = renderTopologySvg(t, demoChains, { underlay });
    const boxes = nodeBoxes(svg);
    expect([...boxes.keys()]).toEqual(t.nodes.map((n) => n.name));
    const group = (name: string): string => svg.match(new RegExp(`<g class="node [^"]*" data-node="${name}"[\\s\\S]*?</g>`))![0];
    expect(group('edge1')).toContain('class="node role-edge"');
    expect(group('edge1')).toMatch(/<text class="name"[^>]*>edge1<\/text><text class="caption"[^>]*>edge<\/text><text class="detail"[^>]*>fc00:1::\/48<\/text>/);
    expect(group('fn1')).toContain('role-vnf-host');
    expect(group('transit')).toMatch(/>transit<\/text>.*>fc00:3::\/48</);
    expect(group('client')).toMatch(/>endpoint<\/text><text class="detail"[^>]*>10\.1\.0\.0\/24<\/text><text class="detail"[^>]*>2001:db8:1::\/64</);
    expect(group('server')).toContain('>10.2.0.0/24<');
    // A locator written in the file wins over the underlay's.
    const own = { ...t, nodes: t.nodes.map((n) => (n.name === 'edge1' ? { ...n, locator: 'fc00:aa::/48' } : n)) };
    expect(renderTopologySvg(own, [], { underlay })).toMatch(/data-node="edge1"[\s\S]*?>fc00:aa::\/48</);

    const routes = linkRoutes(svg);
    expect([...routes.keys()]).toEqual(t.links.map((l) => l.index));
    for (const l of t.links) {
      // The line runs from one node's centre to the other's.
      const pts = routes.get(l.index)!;
      expect(pts[0]).toEqual(centre(boxes.get(l.a.node)!));
      expect(pts[pts.length - 1]).toEqual(centre(boxes.get(l.b.node)!));
      for (const [end, ep] of [['a', l.a], ['b', l.b]] as const) {
        expect(svg).toMatch(new RegExp(`<text class="ifname" data-link="${l.index}" data-end="${end}"[^>]*>${ep.interface}</text>`));
      }
    }
  });

  it('lays the demo out left to right: sites, edges, functions around the transit', () => {
    const boxes = nodeBoxes(renderTopologySvg(demo(), demoChains));
    const x = (n: string): number => centre(boxes.get(n)!).x;
    const y = (n: string): number => centre(boxes.get(n)!).y;
    const order = ['client', 'edge1', 'fn1', 'transit', 'fn2', 'edge2', 'server'];
    for (let i = 1; i < order.length; i++) expect(x(order[i]!)).toBeGreaterThan(x(order[i - 1]!));
    // The main line is straight; the function hosts sit beside it.
    for (const n of ['edge1', 'transit', 'edge2', 'server']) expect(y(n)).toBe(y('client'));
    expect(y('fn1')).not.toBe(y('transit'));
    expect(y('fn2')).toBe(y('fn1'));
  });

  it('lays the large lab out in columns: clients, ingress edges, spines, function hosts, egress edge, server', () => {
    const boxes = nodeBoxes(renderTopologySvg(large(), largeChains));
    const x = (n: string): number => centre(boxes.get(n)!).x;
    const columns = [['client1', 'client2'], ['edge1', 'edge2'], ['spine1', 'spine2'], FNS, ['edge3'], ['server']];
    for (const column of columns) for (const n of column) expect(x(n)).toBe(x(column[0]!));
    for (let i = 1; i < columns.length; i++) expect(x(columns[i]![0]!)).toBeGreaterThan(x(columns[i - 1]![0]!));
  });

  it('never overlaps boxes, and no link runs through a box it does not end at', () => {
    for (const [t, chains] of [
      [demo(), demoChains],
      [large(), largeChains],
      [odd(), []],
    ] as const) {
      const svg = renderTopologySvg(t, chains);
      const boxes = [...nodeBoxes(svg)];
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i]![1], boxes[j]![1]];
          const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
          expect(apart, `${boxes[i]![0]} overlaps ${boxes[j]![0]}`).toBe(true);
        }
      }
      for (const [index, pts] of linkRoutes(svg)) {
        const l = t.links[index]!;
        for (const [name, box] of boxes) {
          if (name === l.a.node || name === l.b.node) continue;
          for (let k = 0; k + 1 < pts.length; k++) expect(segmentHitsBox(pts[k]!, pts[k + 1]!, box), `link ${index} crosses ${name}`).toBe(false);
        }
      }
    }
  });

  it("draws a chain's lane through ingress, each function's node and egress, legs by shortest path", () => {
    const t = demo();
    const svg = renderTopologySvg(t, demoChains);
    const boxes = nodeBoxes(svg);
    const lanes = chainLanes(svg);
    const web = lanes.get('web')!;
    // edge1 → fn1 (firewall, nat) → transit → fn2 (monitor) → edge2
    expect(web.path).toEqual(['edge1', 'fn1', 'transit', 'fn2', 'edge2']);
    expect(web.path).toEqual([...shortestPath(t, 'edge1', 'fn1')!, ...shortestPath(t, 'fn1', 'fn2')!.slice(1), ...shortestPath(t, 'fn2', 'edge2')!.slice(1)]);
    const visits = (lane: Lane): void => {
      let from = 0;
      for (const n of lane.path) {
        const c = centre(boxes.get(n)!);
        const hit = lane.points.findIndex((p, i) => i >= from && Math.hypot(p.x - c.x, p.y - c.y) <= maxOffsetDrift(lane.offset) + 0.2);
        expect(hit, `lane of ${lane.path.join(' ')} misses ${n}`).toBeGreaterThanOrEqual(from);
        from = hit + 1;
      }
    };
    visits(web);
    const ids = lanes.get('ids')!;
    expect(ids.path).toEqual(['edge1', 'transit', 'fn2', 'edge2']);
    visits(ids);
    // Lanes are offset from the link line by chain index, so two chains never share a line.
    expect(web.offset).toBeGreaterThan(0);
    expect(ids.offset).toBeGreaterThan(web.offset);
    expect(web.points[0]).not.toEqual(centre(boxes.get('edge1')!));
    expect(Math.hypot(web.points[0]!.x - centre(boxes.get('edge1')!).x, web.points[0]!.y - centre(boxes.get('edge1')!).y)).toBeCloseTo(web.offset, 0);

    // Arrowheads point the way traffic goes: the first one (edge1 → fn1) has its tip nearest fn1.
    const first = web.arrows.match(/^M([\d.-]+),([\d.-]+)L([\d.-]+),([\d.-]+)L([\d.-]+),([\d.-]+)Z/)!.slice(1).map(Number);
    const fn1 = centre(boxes.get('fn1')!);
    const dist = (i: number): number => Math.hypot(first[i]! - fn1.x, first[i + 1]! - fn1.y);
    expect(dist(0)).toBeLessThan(dist(2));
    expect(dist(0)).toBeLessThan(dist(4));

    // In the large lab, out-and-back legs to a function host go through the spine each time.
    const large1 = renderTopologySvg(large(), largeChains);
    const lboxes = nodeBoxes(large1);
    const gold = chainLanes(large1).get('gold')!;
    expect(gold.path).toEqual(['edge1', 'spine1', 'fn1', 'spine1', 'fn4', 'spine1', 'edge3']);
    let from = 0;
    for (const n of gold.path) {
      const c = centre(lboxes.get(n)!);
      const hit = gold.points.findIndex((p, i) => i >= from && Math.hypot(p.x - c.x, p.y - c.y) <= maxOffsetDrift(gold.offset) + 0.2);
      expect(hit, `gold misses ${n}`).toBeGreaterThanOrEqual(from);
      from = hit + 1;
    }
  });

  it('numbers function badges in chain order at the function nodes', () => {
    const svg = renderTopologySvg(demo(), demoChains);
    const boxes = nodeBoxes(svg);
    const badges = [...svg.matchAll(/<g class="badge (c\d)" data-chain="([^"]*)" data-function="([^"]*)" data-step="(\d+)"><title>[^<]*<\/title><circle cx="([\d.]+)" cy="([\d.]+)" r="\d+" fill="([^"]*)"[^>]*\/><text[^>]*>(\d+)<\/text>/g)].map((m) => ({
      cls: m[1],
      chain: m[2],
      fn: m[3],
      step: m[4],
      cx: Number(m[5]),
      cy: Number(m[6]),
      fill: m[7],
      text: m[8],
    }));
    expect(badges.map((b) => `${b.chain}/${b.step} ${b.fn}`)).toEqual(['web/1 firewall', 'web/2 nat', 'web/3 monitor', 'ids/1 ids']);
    expect(badges.map((b) => b.text)).toEqual(['1', '2', '3', '1']);
    const on = (b: (typeof badges)[number], n: string): boolean => {
      const box = boxes.get(n)!;
      return b.cx > box.x && b.cx < box.x + box.w && Math.abs(b.cy - box.y) < 1;
    };
    expect(on(badges[0]!, 'fn1') && on(badges[1]!, 'fn1') && on(badges[2]!, 'fn2') && on(badges[3]!, 'fn2')).toBe(true);
    // Two badges on one node do not sit on each other.
    expect(Math.abs(badges[0]!.cx - badges[1]!.cx)).toBeGreaterThanOrEqual(18);
    expect(badges[0]!.fill).toBe(chainLanes(svg).get('web')!.stroke);
  });

  it('draws NotReady chains dashed and grey, with the reason in the legend', () => {
    const svg = renderTopologySvg(demo(), demoChains);
    const lanes = chainLanes(svg);
    expect(lanes.get('ids')!.cls).toBe('chain c1 not-ready');
    expect(lanes.get('ids')!.stroke).toBe('#9ca3af');
    expect(lanes.get('web')!.cls).toBe('chain c0 ready');
    expect(lanes.get('web')!.stroke).not.toBe('#9ca3af');
    expect(svg).toContain('.sfc-graph .not-ready .lane{stroke-dasharray:7 5}');
    const entry = (name: string): string => svg.match(new RegExp(`<g class="entry c\\d" data-chain="${name}">[\\s\\S]*?</g>`))![0];
    expect(entry('ids')).toMatch(/stroke="#9ca3af" stroke-width="3" fill="none" stroke-dasharray="7 5"/);
    expect(entry('ids')).toContain('>NotReady</text>');
    expect(entry('ids')).toContain('>reason: PlacementFailed: no host has room</text>');
    expect(entry('web')).toContain('>Ready</text>');
    expect(entry('web')).not.toContain('stroke-dasharray');
    expect(entry('web')).toContain('>functions: 1 firewall on fn1 → 2 nat on fn1 → 3 monitor on fn2</text>');
    expect(entry('web')).toMatch(/<text class="line mono"[^>]*>segments: fc00:2::e1 → fc00:2::e2 → fc00:4::e1 → fc00:5::d4<\/text>/);
    expect(entry('ids')).toContain('>segments: unknown</text>');
    expect(svg).toContain('2 chains (1 ready)');
  });

  it('escapes every piece of text taken from files and callers', () => {
    const t = demo();
    const hostile = '<b>&"x"</b>';
    const nodes = t.nodes.map((n) => (n.name === 'fn1' ? { ...n, locator: `fc00:2::/48 ${hostile}` } : n));
    const chains: ChainView[] = [
      {
        name: 'a&b',
        ready: false,
        reason: `Failed: ${hostile} 'q'`,
        ingress: 'edge1',
        egress: 'edge2',
        functions: [{ name: 'f<1>', type: 't"1"', node: 'fn1', sid: hostile }],
        segments: [hostile],
      },
    ];
    const svg = renderTopologySvg({ ...t, nodes }, chains, { title: `Title ${hostile}` });
    assertWellFormedXml(svg);
    expect(svg).not.toContain(hostile);
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;');
    expect(svg).toContain('data-chain="a&amp;b"');
    expect(svg).toContain('data-function="f&lt;1&gt;"');
    expect(svg).toContain('&#39;q&#39;');
    expect(svg).toContain('<title>Title &lt;b&gt;');
    const html = renderTopologyHtml({ ...t, nodes }, chains, { title: `Title ${hostile}` });
    expect(html).not.toContain(hostile);
    expect(html).toContain('<title>Title &lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;</title>');
  });

  it('survives unknown nodes and unreachable legs, and says so in the legend', () => {
    const t = demo();
    const island = { ...t, nodes: [...t.nodes, node('island', 'vnf-host')] };
    const chains: ChainView[] = [{ name: 'odd', ready: true, ingress: 'edge1', egress: 'edge2', functions: [{ name: 'lost', type: 'nat', node: '?' }, { name: 'far', type: 'nat', node: 'island' }] }];
    const svg = renderTopologySvg(island, chains);
    assertWellFormedXml(svg);
    expect(svg).toContain('function lost: node &quot;?&quot; is not in the topology');
    expect(svg).toContain('no path from edge1 to island');
    expect(svg).toContain('no path from island to edge2');
    expect(chainLanes(svg).get('odd')!.path).toEqual(['edge1', 'island', 'edge2']);
  });

  it('copes with bridges, parallel links, self-loops, same-column links and lone nodes', () => {
    const t = odd();
    const svg = renderTopologySvg(t, []);
    assertWellFormedXml(svg);
    const routes = linkRoutes(svg);
    expect([...routes.keys()]).toEqual(t.links.map((l) => l.index));
    expect(nodeBoxes(svg).size).toBe(t.nodes.length);
    expect(svg).toContain('class="node role-bridge"');
    // The two parallel fn1 links are drawn apart.
    const [p, q] = [routes.get(3)!, routes.get(4)!];
    expect(p).not.toEqual(q);
    expect(svg).toContain('Chains: none');
  });

  it('wraps long legend text at word boundaries', () => {
    expect(wrap('aa bb cc dd', 5)).toEqual(['aa bb', 'cc dd']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    const reason = `Failed: ${'word '.repeat(150)}end`;
    const svg = renderTopologySvg(demo(), [{ ...demoChains[1]!, reason }]);
    const lines = [...svg.matchAll(/<text class="line"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    const reasonLines = lines.slice(0, lines.findIndex((l) => l.startsWith('functions:')));
    expect(reasonLines.length).toBeGreaterThan(2);
    expect(reasonLines.join(' ')).toBe(`reason: ${reason}`);
    const width = Number(svg.match(/ width="(\d+)"/)![1]);
    for (const l of reasonLines) expect(l.length * 6.6).toBeLessThan(width);
  });
});

/** Odd shapes: a bridge LAN, parallel links, a self-loop, two hosts linked in one column, a lone node. */
function odd(): Topology {
  return topology(
    'odd',
    [
      node('c1'),
      node('c2'),
      node('lan', undefined, { kind: 'bridge' }),
      node('edge1', 'edge'),
      node('core', 'transit'),
      node('fn1', 'vnf-host'),
      node('fn2', 'vnf-host'),
      node('fn3', 'vnf-host'),
      node('edge2', 'edge'),
      node('srv'),
      node('lonely'),
    ],
    [
      ['c1:eth1', 'lan:p1'],
      ['c2:eth1', 'lan:p2'],
      ['lan:p3', 'edge1:eth1'],
      ['edge1:eth2', 'fn1:eth1'],
      ['edge1:eth3', 'fn1:eth2'],
      ['fn1:eth3', 'core:eth1'],
      ['core:eth2', 'fn2:eth1'],
      ['core:eth3', 'fn3:eth1'],
      ['fn2:eth2', 'fn3:eth2'],
      ['core:eth4', 'edge2:eth1'],
      ['edge2:eth2', 'srv:eth1'],
      ['core:lo1', 'core:lo2'],
    ],
  );
}

describe('renderTopologyHtml', () => {
  it('wraps the same SVG in a self-contained page', () => {
    const html = renderTopologyHtml(demo(), demoChains, { title: 'Demo lab' });
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>Demo lab</title>');
    expect(html).toContain(renderTopologySvg(demo(), demoChains, { title: 'Demo lab' }).trimEnd());
    expect(html).not.toMatch(/<script|<link|src=|href=|url\(|@import/);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(renderTopologyHtml(demo(), demoChains)).toBe(renderTopologyHtml(demo(), demoChains));
  });
});

describe('renderTopologyDot', () => {
  /** Braces outside double-quoted strings balance, never going negative. */
  function balanced(dot: string): boolean {
    let depth = 0;
    let quoted = false;
    for (let i = 0; i < dot.length; i++) {
      const c = dot[i];
      if (quoted) {
        if (c === '\\') i++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth < 0) return false;
    }
    return depth === 0 && !quoted;
  }

  it('is well formed: balanced braces, every node declared, every link with its interface names', () => {
    for (const [t, chains] of [
      [demo(), demoChains],
      [large(), largeChains],
      [odd(), []],
    ] as const) {
      const dot = renderTopologyDot(t, chains);
      expect(balanced(dot)).toBe(true);
      expect(dot.startsWith(`graph "${t.name}" {`)).toBe(true);
      for (const n of t.nodes) expect(dot).toMatch(new RegExp(`^  "${n.name}" \\[label="${n.name}\\\\n`, 'm'));
      for (const l of t.links) expect(dot).toContain(`  "${l.a.node}" -- "${l.b.node}" [taillabel="${l.a.interface}", headlabel="${l.b.interface}"];`);
      // Every node used in an edge is declared.
      const declared = new Set([...dot.matchAll(/^ {2}"([^"]+)" \[label=/gm)].map((m) => m[1]));
      for (const m of dot.matchAll(/"([^"]+)" -- "([^"]+)"/g)) expect(declared.has(m[1]) && declared.has(m[2])).toBe(true);
      expect(renderTopologyDot(t, chains)).toBe(dot);
    }
  });

  it('draws each chain as a coloured directed edge sequence with its name and function steps', () => {
    const dot = renderTopologyDot(demo(), demoChains);
    const web = dot.split('\n').filter((l) => l.includes('color="#e11d48"'));
    expect(web).toEqual([
      '  "edge1" -- "fn1" [color="#e11d48", style=bold, penwidth=2, dir=forward, arrowsize=0.7, constraint=false, label="web\\n1 firewall\\n2 nat", fontcolor="#e11d48"];',
      '  "fn1" -- "transit" [color="#e11d48", style=bold, penwidth=2, dir=forward, arrowsize=0.7, constraint=false];',
      '  "transit" -- "fn2" [color="#e11d48", style=bold, penwidth=2, dir=forward, arrowsize=0.7, constraint=false, label="3 monitor", fontcolor="#e11d48"];',
      '  "fn2" -- "edge2" [color="#e11d48", style=bold, penwidth=2, dir=forward, arrowsize=0.7, constraint=false];',
    ]);
    const ids = dot.split('\n').filter((l) => l.includes('color="#9ca3af"'));
    expect(ids).toHaveLength(3);
    expect(ids.every((l) => l.includes('style=dashed'))).toBe(true);
    expect(ids[0]).toContain('label="ids (NotReady)"');
    expect(dot).not.toContain('rank=same; "client"; }');
    const large1 = renderTopologyDot(large(), largeChains);
    expect(large1).toContain('  { rank=same; "client1"; "client2"; }');
    expect(large1).toContain(`  { rank=same; ${FNS.map((f) => `"${f}";`).join(' ')} }`);
  });

  it('shows locators and site subnets when given the underlay', () => {
    const t = demo();
    const underlay: Underlay = {
      mode: 'derived',
      nodes: [{ node: 'edge1', addresses: [], routes: [], sysctls: {}, customerInterfaces: ['eth1'], locator: 'fc00:1::/48' }],
      sites: [{ edge: 'edge1', endpoint: 'client', ipv4: '10.1.0.0/24', ipv6: '2001:db8:1::/64', endpointIpv4: '10.1.0.2', endpointIpv6: '2001:db8:1::2' }],
    };
    const dot = renderTopologyDot(t, [], { underlay, title: 'My lab' });
    expect(dot).toContain('"edge1" [label="edge1\\nedge\\nfc00:1::/48"');
    expect(dot).toContain('"client" [label="client\\nendpoint\\n10.1.0.0/24\\n2001:db8:1::/64"');
    expect(dot).toContain('label="My lab"');
  });

  it('escapes quotes, backslashes and line breaks', () => {
    const t = demo();
    const dot = renderTopologyDot(t, [{ ...demoChains[0]!, name: 'say "hi"\\\nnow' }]);
    expect(balanced(dot)).toBe(true);
    expect(dot).toContain('label="say \\"hi\\"\\\\\\nnow\\n1 firewall\\n2 nat"');
    expect(dot).toContain('// chain say "hi"\\ now: Ready');
  });
});
