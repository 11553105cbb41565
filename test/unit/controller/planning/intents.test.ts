import { describe, expect, it } from 'vitest';
import { planNode } from '../../../../src/agent/plan/plan-node.js';
import type { NodeIntent } from '../../../../src/agent/intent/node-intent.js';
import { plan } from '../../../../src/controller/planning/plan.js';
import type { PlanOutput } from '../../../../src/controller/planning/types.js';
import type { NodeRecord } from '../../../../src/model/node.js';
import { chain, edge, fn, node } from './fixtures.js';

/** edge1 (ingress) — fn1 (functions) — edge2 (egress). */
const NODES: NodeRecord[] = [
  edge('edge1', 'fc00:1::/48', { labels: { 'srv6-sfc/customer-interfaces': 'eth1', 'srv6-sfc/mss-clamp': '1400' } }),
  node('fn1', 'fc00:2::/48'),
  edge('edge2', 'fc00:3::/48'),
];

const FIREWALL = { defaultAction: 'accept', rules: [{ action: 'drop', protocol: 'tcp', dstPorts: [{ start: 23, end: 23 }] }] } as const;
const WEB = chain('web', [fn('fw', { type: 'firewall', config: FIREWALL }), fn('mon')], {
  match: { destinations: ['10.2.0.0/24'], sources: ['10.1.0.0/24'], protocol: 'tcp', ports: [{ start: 80, end: 80 }, { start: 443, end: 443 }] },
});

/** Every intent must pass the agent's own planner without a single rejected item. */
function expectAgentAccepts(out: PlanOutput, nodes: readonly NodeRecord[]): void {
  for (const n of nodes) {
    const p = planNode(out.intents[n.name]!, { locator: n.locator, links: new Set(n.interfaces) });
    expect(p.rejected, n.name).toEqual([]);
  }
}

describe('intents for a 3-node chain', () => {
  it('are exactly these (golden)', () => {
    const out = plan({ chains: [WEB], nodes: NODES });
    expect(out.intents).toEqual({
      edge1: {
        generation: 1,
        tunnelSource: 'fc00:1::1',
        edge: { customerInterfaces: ['eth1'], mssClamp: 1400, sidSpace: ['fc00:1::/48', 'fc00:2::/48', 'fc00:3::/48'] },
        edgeChains: [
          {
            chain: 'web',
            id: 1,
            dev: 'eth0',
            segments: ['fc00:2:0:1::'],
            classifiers: [
              { dst: '10.2.0.0/24', src: '10.1.0.0/24', protocol: 6, dstPorts: { start: 80, end: 80 } },
              { dst: '10.2.0.0/24', src: '10.1.0.0/24', protocol: 6, dstPorts: { start: 443, end: 443 } },
            ],
          },
        ],
      },
      fn1: {
        generation: 1,
        tunnelSource: 'fc00:2::1',
        instances: [
          { id: 'web-fw', function: { type: 'firewall', config: FIREWALL }, slot: 0, legs: 2, sids: { dx4: 'fc00:2:0:1::' } },
          { id: 'web-mon', function: { type: 'monitor' }, slot: 1, legs: 2, sids: { dx4: 'fc00:2:0:2::' } },
        ],
        proxies: [
          { instance: 'web-fw', chain: 'web', continuation: ['fc00:2:0:2::'], dev: 'eth0', families: [4] },
          { instance: 'web-mon', chain: 'web', continuation: ['fc00:3:0:1::'], dev: 'eth0', families: [4] },
        ],
      },
      edge2: {
        generation: 1,
        tunnelSource: 'fc00:3::1',
        localSids: [{ sid: 'fc00:3:0:1::', behavior: { action: 'End.DX4', nh4: '0.0.0.0' }, dev: 'eth0' }],
      },
    } satisfies Record<string, NodeIntent>);
    expect(out.changed).toEqual(['edge1', 'edge2', 'fn1']);
    expectAgentAccepts(out, NODES);
  });

  it('report the status facts per chain', () => {
    const out = plan({ chains: [WEB], nodes: NODES });
    const r = out.chains.web!;
    expect(r.ok && r.plan).toEqual({
      chain: 'web',
      ingress: { node: 'edge1', chainId: 1 },
      egress: { node: 'edge2', decap: 'dx', sids: { 4: 'fc00:3:0:1::' } },
      families: [4],
      segments: { ipv4: ['fc00:2:0:1::'] },
      path: { ipv4: ['fc00:2:0:1::', 'fc00:2:0:2::', 'fc00:3:0:1::'] },
      instances: [
        { function: 'fw', node: 'fn1', id: 'web-fw', sids: { dx4: 'fc00:2:0:1::' }, slot: 0, sticky: false, proxy: 'static' },
        { function: 'mon', node: 'fn1', id: 'web-mon', sids: { dx4: 'fc00:2:0:2::' }, slot: 1, sticky: false, proxy: 'static' },
      ],
      retired: [],
    });
  });

  it('every registered node gets an intent, an idle one too (so the agent removes what it no longer needs)', () => {
    const out = plan({ chains: [], nodes: NODES });
    expect(out.intents).toEqual({ edge1: expect.objectContaining({ generation: 1 }), fn1: { generation: 1, tunnelSource: 'fc00:2::1' }, edge2: { generation: 1, tunnelSource: 'fc00:3::1' } });
  });
});

describe('generations', () => {
  it('re-planning an unchanged world yields identical intents and generations (the same objects)', () => {
    const a = plan({ chains: [WEB], nodes: NODES });
    const b = plan({ chains: [WEB], nodes: NODES, allocations: a.allocations, previousIntents: a.intents });
    expect(b.changed).toEqual([]);
    for (const n of NODES) expect(b.intents[n.name]).toBe(a.intents[n.name]);
    expect(b.allocations).toEqual(a.allocations);
    // ... also after a restart: the persisted JSON round-trips
    const restored = JSON.parse(JSON.stringify({ allocations: a.allocations, intents: a.intents })) as { allocations: PlanOutput['allocations']; intents: PlanOutput['intents'] };
    const c = plan({ chains: [WEB], nodes: NODES, allocations: restored.allocations, previousIntents: restored.intents });
    expect(c.changed).toEqual([]);
    expect(c.intents).toEqual(a.intents);
  });

  it('go up by one, only on the nodes whose content changed', () => {
    const a = plan({ chains: [WEB], nodes: NODES });
    const other = chain('dns', [], { match: { destinations: ['10.53.0.0/24'] } });
    const b = plan({ chains: [WEB, other], nodes: NODES, allocations: a.allocations, previousIntents: a.intents });
    expect(b.changed).toEqual(['edge1']);
    expect(b.intents.edge1!.generation).toBe(2);
    expect(b.intents.fn1!.generation).toBe(1);
    expect(b.intents.edge2).toBe(a.intents.edge2); // the decap SID is shared: nothing new at the egress
  });

  it('go above a generation the node is known to hold (a node that was away, a controller that lost its intents)', () => {
    const a = plan({ chains: [WEB], nodes: NODES, generations: { fn1: 41 } });
    expect(a.intents.fn1!.generation).toBe(42);
    expect(a.intents.edge1!.generation).toBe(1);
    const b = plan({ chains: [WEB], nodes: NODES, allocations: a.allocations, previousIntents: a.intents, generations: { fn1: 42, edge2: 7 } });
    expect(b.changed).toEqual(['edge2']); // same content, but the agent holds 7: it would refuse 1
    expect(b.intents.edge2!.generation).toBe(8);
    expect(b.intents.fn1).toBe(a.intents.fn1);
  });

  it("changing one chain's function order changes only the ingress and the proxies of the functions involved", () => {
    const nodes = [edge('edge1', 'fc00:1::/48'), edge('edge2', 'fc00:9::/48'), node('h1', 'fc00:a::/48'), node('h2', 'fc00:b::/48'), node('h3', 'fc00:c::/48')];
    const at = (name: string, host: string) => fn(name, { placement: { node: host } });
    const a = plan({ chains: [chain('web', [at('a', 'h1'), at('b', 'h2'), at('c', 'h3')])], nodes });
    const b = plan({ chains: [chain('web', [at('b', 'h2'), at('a', 'h1'), at('c', 'h3')])], nodes, allocations: a.allocations, previousIntents: a.intents });
    expect(b.changed).toEqual(['edge1', 'h1', 'h2']);
    // same instances and SIDs everywhere; only lists moved
    for (const h of ['h1', 'h2']) expect(b.intents[h]!.instances).toEqual(a.intents[h]!.instances);
    expect(b.intents.edge1!.edgeChains![0]!.segments).toEqual(['fc00:b:0:1::']);
    expect(b.intents.h2!.proxies![0]!.continuation).toEqual(['fc00:a:0:1::']);
    expect(b.intents.h1!.proxies![0]!.continuation).toEqual(['fc00:c:0:1::']);
    expect(b.intents.h3).toBe(a.intents.h3);
    expect(b.intents.edge2).toBe(a.intents.edge2);
    expectAgentAccepts(b, nodes);
  });
});

describe('chains that cannot be planned', () => {
  it('a failed re-plan keeps the chain\'s last good items and allocations (traffic keeps its firewall)', () => {
    const a = plan({ chains: [WEB], nodes: NODES });
    const typo = chain('web', [fn('fw', { type: 'firewall', config: FIREWALL, placement: { node: 'fnl' } }), fn('mon')], { match: WEB.spec.ingress.match });
    const b = plan({ chains: [typo], nodes: NODES, allocations: a.allocations, previousIntents: a.intents });
    expect(b.chains.web).toEqual({ ok: false, held: true, failure: { reason: 'UnknownNode', message: 'function fw: node fnl is not registered', field: 'spec.functions[0].placement.node' } });
    expect(b.changed).toEqual([]);
    expect(b.intents).toEqual(a.intents);
    expect(b.allocations).toEqual(a.allocations);
    // fixed: back to normal, nothing changed either
    const c = plan({ chains: [WEB], nodes: NODES, allocations: b.allocations, previousIntents: b.intents });
    expect(c.chains.web!.ok).toBe(true);
    expect(c.changed).toEqual([]);
  });

  it('a new chain that fails leaves nothing anywhere', () => {
    const a = plan({ chains: [chain('x', [fn('f', { placement: { node: 'edge1' } })])], nodes: NODES });
    expect(a.chains.x).toMatchObject({ ok: false, held: false, failure: { reason: 'NoNodeFits', message: 'function f: node edge1 has no agent for monitor (agent: the netns runtime)' } });
    expect(Object.values(a.allocations.nodes).every((n) => Object.keys(n.sids).length + Object.keys(n.chainIds).length + Object.keys(n.instances).length === 0)).toBe(true);
    expect(a.intents.edge1!.edgeChains).toBeUndefined();
  });

  it('a dual-stack chain gets an IPv4 list and an IPv6 list, at the edge and in each proxy', () => {
    const p = plan({ chains: [chain('ds', [fn('f'), fn('g')], { match: { destinations: ['10.2.0.0/24', '2001:db8::/64'] } })], nodes: NODES });
    expect(p.chains.ds).toMatchObject({ ok: true });
    const ok = p.chains.ds as Extract<(typeof p.chains)[string], { ok: true }>;
    const [f, g] = ok.plan.instances;
    const edge = Object.values(p.intents).flatMap((i) => i.edgeChains ?? []).find((c) => c.chain === 'ds')!;
    expect(edge.segments).toEqual([f!.sids.dx4]);
    expect(edge.segmentsIpv6).toEqual([f!.sids.dx6]);
    const proxyF = Object.values(p.intents).flatMap((i) => i.proxies ?? []).find((x) => x.instance === f!.id)!;
    expect(proxyF.continuation).toEqual([g!.sids.dx4]);
    expect(proxyF.continuationIpv6).toEqual([g!.sids.dx6]);
    expect(proxyF.families).toEqual([4, 6]);
    expect(ok.plan.segments.ipv4).toEqual([f!.sids.dx4]);
    expect(ok.plan.segments.ipv6).toEqual([f!.sids.dx6]);
  });

  it.each([
    ['UnknownNode', chain('x', [], { ingress: 'nowhere' }), 'spec.ingress.node'],
    ['DynamicProxyUnsupported', chain('x', [fn('f')], { proxy: 'dynamic' }), 'spec.proxy'],
    ['DecapUnsupported', chain('x', [], { decap: 'dt46' }), 'spec.egress.decap'],
    ['SrAwareUnsupported', chain('x', [fn('f', { sr: 'aware' })]), 'spec.functions[0].sr'],
    ['InvalidFunction', chain('x', [fn('f', { type: 'nat' })]), 'spec.functions[0].config'],
    ['InvalidFunction', chain('x', [fn('f'), fn('f')]), 'spec.functions[1].name'],
    ['InvalidMatch', chain('x', [], { match: { destinations: ['10.2.0.0/33'] } }), 'spec.ingress.match.destinations[0]'],
    ['NoCoreInterface', chain('x', [], { egress: 'bare' }), 'spec.egress.node'],
    ['UnknownInterface', chain('x', [], { match: { interface: 'eth7' } }), 'spec.ingress.match.interface'],
    ['TooManyClassifiers', chain('x', [], { match: { protocol: 'udp', ports: Array.from({ length: 17 }, (_, i) => ({ start: i, end: i })) } }), 'spec.ingress.match'],
  ] as const)('%s', (reason, c, field) => {
    const out = plan({ chains: [c], nodes: [...NODES, edge('bare', 'fc00:99::/48', { coreInterface: undefined })] });
    expect(out.chains.x).toMatchObject({ ok: false, failure: { reason, field } });
  });

  it('a dynamic-proxy chain names the node without bpf-proxy', () => {
    const nodes = NODES.map((n) => (n.name === 'fn1' ? { ...n, features: { ...n.features, bpfProxy: { ok: false as const, reason: 'build/bpf/sr_proxy.o is missing' } } } : n));
    const out = plan({ chains: [chain('x', [fn('f')], { proxy: 'dynamic' })], nodes });
    expect(out.chains.x).toMatchObject({
      ok: false,
      failure: { message: 'function f: proxy dynamic cannot serve it: node fn1 has no bpf-proxy (build/bpf/sr_proxy.o is missing); use proxy: static or auto' },
    });
  });

  it('the established chain keeps a classifier a newcomer also claims', () => {
    const a = plan({ chains: [chain('zzz', [])], nodes: NODES });
    const b = plan({ chains: [chain('aaa', []), chain('zzz', [])], nodes: NODES, allocations: a.allocations, previousIntents: a.intents });
    expect(b.chains.zzz!.ok).toBe(true);
    expect(b.chains.aaa).toMatchObject({ ok: false, failure: { reason: 'ClassifierConflict', message: 'selects traffic chain zzz already selects at node edge1' } });
    expect(b.changed).toEqual([]);
  });
});

describe('egress decap', () => {
  const vrfEdge = edge('edge2', 'fc00:3::/48', {
    labels: { 'srv6-sfc/vrf-table': '100' },
    features: { ...NODES[0]!.features, vrf: { ok: true }, seg6local: { ...NODES[0]!.features.seg6local, 'End.DT46': { ok: true } } },
  });

  it('auto picks End.DT46 where the egress has VRF and declares its table; one SID serves both families', () => {
    const nodes = [NODES[0]!, NODES[1]!, vrfEdge];
    const out = plan({ chains: [chain('both', [], { match: { destinations: ['10.2.0.0/24', '2001:db8::/64'] } })], nodes });
    const r = out.chains.both!;
    expect(r.ok && r.plan.segments).toEqual({ ipv4: ['fc00:3:0:1::'], ipv6: ['fc00:3:0:1::'] });
    expect(out.intents.edge2!.localSids).toEqual([{ sid: 'fc00:3:0:1::', behavior: { action: 'End.DT46', vrfTable: 100 }, dev: 'eth0' }]);
  });

  it('dx forces End.DX4/DX6 even there', () => {
    const nodes = [NODES[0]!, NODES[1]!, vrfEdge];
    const out = plan({ chains: [chain('v4', [], { decap: 'dx' })], nodes });
    expect(out.intents.edge2!.localSids![0]!.behavior).toEqual({ action: 'End.DX4', nh4: '0.0.0.0' });
  });
});
