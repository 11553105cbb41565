import { describe, expect, it } from 'vitest';
import { plan } from '../../../../src/controller/planning/plan.js';
import { type PlacementContext, placeFunctions } from '../../../../src/controller/planning/placement.js';
import { metricFromAdjacency } from '../../../../src/controller/planning/topology.js';
import type { NodeRecord } from '../../../../src/model/node.js';
import { chain, edge, fn, node } from './fixtures.js';

function ctx(nodes: NodeRecord[], extra: Partial<PlacementContext> = {}): PlacementContext {
  const sorted = [...nodes].sort((a, b) => a.name.localeCompare(b.name));
  return { nodes: new Map(sorted.map((n) => [n.name, n])), byName: sorted, load: () => 0, home: () => undefined, ...extra };
}

const EDGES = [edge('edge1', 'fc00:1::/48'), edge('edge2', 'fc00:2::/48')];
const placedNodes = (r: ReturnType<typeof placeFunctions>): string[] => {
  if (!r.ok) throw new Error(`${r.failure.reason}: ${r.failure.message}`);
  return r.placements.map((p) => p.node);
};

describe('placement', () => {
  it('pins a function to placement.node', () => {
    const nodes = [...EDGES, node('a', 'fc00:a::/48'), node('b', 'fc00:b::/48')];
    expect(placedNodes(placeFunctions('web', chain('web', [fn('fw', { placement: { node: 'b' } })]).spec, ctx(nodes)))).toEqual(['b']);
  });

  it('filters by nodeSelector labels', () => {
    const nodes = [...EDGES, node('a', 'fc00:a::/48'), node('b', 'fc00:b::/48', { labels: { zone: 'dmz', gpu: 'no' } })];
    const spec = chain('web', [fn('fw', { placement: { nodeSelector: { zone: 'dmz' } } })]).spec;
    expect(placedNodes(placeFunctions('web', spec, ctx(nodes)))).toEqual(['b']);
  });

  it('only READY nodes with the runtime qualify; edges are not excluded as such', () => {
    const nodes = [edge('edge1', 'fc00:1::/48', { runtimes: ['netns'] }), edge('edge2', 'fc00:2::/48'), node('a', 'fc00:a::/48', { state: 'UNREACHABLE' })];
    expect(placedNodes(placeFunctions('web', chain('web', [fn('fw')]).spec, ctx(nodes)))).toEqual(['edge1']);
  });

  it('respects capacity, counting the chain\'s own placements', () => {
    const nodes = [...EDGES, node('a', 'fc00:a::/48', { capacity: 2 }), node('b', 'fc00:b::/48', { capacity: 1 })];
    const spec = chain('web', [fn('f1', { placement: { nodeSelector: {} } }), fn('f2'), fn('f3')]).spec;
    // a holds 1 already: one more fits there, then b, then nothing.
    const load = (n: string) => (n === 'a' ? 1 : 0);
    const r = placeFunctions('web', spec, ctx(nodes, { load }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ reason: 'CapacityExhausted', field: 'spec.functions[2].placement' });
    expect(placedNodes(placeFunctions('web', chain('web', [fn('f1'), fn('f2')]).spec, ctx(nodes, { load })))).toEqual(['b', 'a']);
  });

  it('without a topology: least loaded, then name', () => {
    const nodes = [...EDGES, node('a', 'fc00:a::/48'), node('b', 'fc00:b::/48'), node('c', 'fc00:c::/48')];
    const spec = chain('web', [fn('f1'), fn('f2'), fn('f3'), fn('f4')]).spec;
    expect(placedNodes(placeFunctions('web', spec, ctx(nodes, { load: (n) => (n === 'a' ? 5 : 0) })))).toEqual(['b', 'c', 'b', 'c']);
  });

  it('prefers nodes on the shortest ingress→egress path, in chain order', () => {
    //   edge1 — p1 — p2 — edge2      (the path)
    //     \                          off: a detour of 2 hops
    //      off
    const topo = metricFromAdjacency({ edge1: ['p1', 'off'], p1: ['p2'], p2: ['edge2'] });
    const nodes = [...EDGES, node('off', 'fc00:f::/48'), node('p1', 'fc00:a::/48'), node('p2', 'fc00:b::/48')];
    const spec = chain('web', [fn('f1'), fn('f2')]).spec;
    // p1 and p2 are both on the path (equal detour 0): the less loaded one takes f2.
    expect(placedNodes(placeFunctions('web', spec, ctx(nodes, { metric: topo })))).toEqual(['p1', 'p2']);
    // With p2 full, f2 doubles up on p1 rather than taking the detour through off.
    const r = placeFunctions('web', spec, ctx(nodes.map((n) => (n.name === 'p2' ? { ...n, capacity: 0 } : n)), { metric: topo }));
    expect(placedNodes(r)).toEqual(['p1', 'p1']);
    // An explicit metric works the same way (any { distance } will do).
    const far = { distance: (a: string, b: string) => (a === b ? 0 : a === 'off' || b === 'off' ? 10 : 1) };
    expect(placedNodes(placeFunctions('web', spec, ctx(nodes, { metric: far })))[0]).not.toBe('off');
  });

  it('is sticky: a function stays on a node that still qualifies, even when a better one exists', () => {
    const topo = metricFromAdjacency({ edge1: ['p1', 'off'], p1: ['edge2'], off: [] });
    const nodes = [...EDGES, node('off', 'fc00:f::/48', { capacity: 1 }), node('p1', 'fc00:a::/48')];
    const spec = chain('web', [fn('f1')]).spec;
    const r = placeFunctions('web', spec, ctx(nodes, { metric: topo, home: () => 'off', load: (n) => (n === 'off' ? 1 : 0) }));
    expect(r.ok && r.placements).toEqual([{ node: 'off', sticky: true }]);
    // ... but moves when its node no longer qualifies.
    const moved = placeFunctions('web', spec, ctx(nodes.map((n) => (n.name === 'off' ? { ...n, state: 'UNREACHABLE' as const } : n)), { metric: topo, home: () => 'off' }));
    expect(moved.ok && moved.placements).toEqual([{ node: 'p1', sticky: false }]);
  });

  it('reports why, per function, without throwing', () => {
    const nodes = [...EDGES, node('a', 'fc00:a::/48', { state: 'UNREACHABLE' }), node('b', 'fc00:b::/48', { runtimes: [] })];
    const fail = (f: ReturnType<typeof fn>) => {
      const r = placeFunctions('web', chain('web', [fn('ok', { placement: { node: 'edge1' } }), f]).spec, ctx(nodes.concat(edge('edge1', 'fc00:1::/48', { runtimes: ['netns'] }))));
      if (r.ok) throw new Error('placed');
      return r.failure;
    };
    expect(fail(fn('x', { placement: { node: 'ghost' } }))).toMatchObject({ reason: 'UnknownNode', field: 'spec.functions[1].placement.node' });
    expect(fail(fn('x', { placement: { node: 'a' } }))).toMatchObject({ reason: 'NodeNotReady' });
    expect(fail(fn('x', { placement: { node: 'b' } }))).toMatchObject({ reason: 'NoNodeFits', message: 'function x: node b has no agent for monitor (agent: the netns runtime)' });
    expect(fail(fn('x', { placement: { nodeSelector: { zone: 'mars' } } }))).toMatchObject({
      reason: 'NoNodeFits',
      message: 'function x needs a READY node offering a VIM for monitor and a core interface and labels zone=mars; none is registered',
    });
  });
});

describe('placement in a plan (sticky across passes)', () => {
  it('keeps instances where they are when a better node joins, and places new functions by the rules', () => {
    const nodes = [...EDGES, node('b', 'fc00:b::/48')];
    const first = plan({ chains: [chain('web', [fn('fw')])], nodes });
    expect(first.chains.web!.ok && first.chains.web!.plan.instances[0]).toMatchObject({ node: 'b', sticky: false });
    // 'a' sorts first and is empty: a new chain would go there, web's fw stays on b.
    const more = [...nodes, node('a', 'fc00:a::/48')];
    const second = plan({ chains: [chain('web', [fn('fw')]), chain('new', [fn('fw')], { match: { destinations: ['10.9.0.0/24'] } })], nodes: more, allocations: first.allocations, previousIntents: first.intents });
    expect(second.chains.web!.ok && second.chains.web!.plan.instances[0]).toMatchObject({ node: 'b', sticky: true });
    expect(second.chains.new!.ok && second.chains.new!.plan.instances[0]).toMatchObject({ node: 'a', sticky: false });
  });

  it('moves a function whose node went down, and releases its old slot and SID once moved', () => {
    const nodes = [...EDGES, node('a', 'fc00:a::/48'), node('b', 'fc00:b::/48')];
    const first = plan({ chains: [chain('web', [fn('fw')])], nodes });
    const home = first.chains.web!.ok ? first.chains.web!.plan.instances[0]!.node : '';
    expect(home).toBe('a');
    const down = nodes.map((n) => (n.name === 'a' ? { ...n, state: 'UNREACHABLE' as const } : n));
    const second = plan({ chains: [chain('web', [fn('fw')])], nodes: down, allocations: first.allocations, previousIntents: first.intents });
    expect(second.chains.web!.ok && second.chains.web!.plan.instances[0]!.node).toBe('b');
    expect(second.chains.web!.ok && second.chains.web!.plan.retired).toEqual([{ function: 'fw', node: 'a', id: 'web-fw', sids: { dx4: 'fc00:a:0:1::' } }]);
    expect(second.allocations.nodes.a!.instances).toEqual({});
    expect(second.allocations.nodes.a!.sids).toEqual({});
    expect(second.intents.a!.instances).toBeUndefined();
  });
});
