/**
 * Chain changes with static proxies, through the controller's reconcile loop against fake nodes
 * (fake-world.ts): after every single agent apply of the pass, every chain's path — as the
 * intents the nodes hold define it, both families, forward and NAT return — reaches its exit
 * without visiting an instance twice, and the kernels agree (the IPv4 packet walk). A reorder
 * switches the changed proxy continuations one node at a time, the last function of the new
 * order first, then the ingress; inserts, removes and moves keep their single switch step.
 */
import { describe, expect, it } from 'vitest';
import type { NodeIntent } from '../../../../src/agent/intent/node-intent.js';
import type { ChainFunction } from '../../../../src/model/chain.js';
import { type Controller, type FakeWorld, fn, spec, standardWorld } from './fake-world.js';

const DUAL = ['10.2.0.0/24', '2001:db8:2::/64'];
const chainOf = (functions: readonly ChainFunction[], destinations: readonly string[] = ['10.2.0.0/24']) => ({
  ...spec(functions),
  ingress: { node: 'edge1', match: { destinations } },
});

/** The demo's functions: fw and nat on fn1, ids and mon on fn2. */
const F = {
  fw: fn('fw', 'fn1', 'firewall'),
  ids: fn('ids', 'fn2'),
  nat: { ...fn('nat', 'fn1', 'nat'), config: { mode: 'masquerade' } } satisfies ChainFunction,
  mon: fn('mon', 'fn2'),
};

interface Run {
  readonly world: FakeWorld;
  readonly c: Controller;
}

/** Applies `from`, converges, then applies `to` and converges with the applies of that pass recorded. */
async function change(from: ReturnType<typeof chainOf>, to: ReturnType<typeof chainOf>): Promise<Run & { report: Awaited<ReturnType<Controller['reconciler']['reconcileNow']>> }> {
  const { world, c } = await standardWorld();
  await c.chains.apply({ name: 'web', spec: from });
  expect((await c.reconciler.reconcileNow()).chains.get('web')).toMatchObject({ ready: true });
  world.applies.length = 0;
  world.intentWalksTaken.length = 0;
  await c.chains.apply({ name: 'web', spec: to });
  const report = await c.reconciler.reconcileNow();
  expect(report.chains.get('web')).toMatchObject({ ready: true });
  return { world, c, report };
}

/** No walk ever looped or dangled, in the intents or in the kernels, and walks were taken after every apply. */
function expectLoopFree(world: FakeWorld): void {
  expect(world.intentFaults).toEqual([]);
  expect(world.loops).toEqual([]);
  expect(world.dangling).toEqual([]);
  expect(world.applies.length).toBeGreaterThan(0);
  expect(world.intentWalksTaken.length).toBeGreaterThanOrEqual(world.applies.length);
}

/** The forward walks (hops by function name) per family, as the intents define them now. */
function forward(world: FakeWorld): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const w of world.intentWalks()) if (w.direction === 'forward') out[`ipv${w.family}`] = [...w.hops.map((h) => h.replace(/^.*\/web-/, '')), w.exit ?? `fault: ${w.fault}`];
  return out;
}

/** Per apply of the pass: the node, and the continuation each of its web proxies had (by function). */
const continuations = (world: FakeWorld, sidName: (sid: string) => string) =>
  world.applies.map((a) => [a.node, Object.fromEntries((a.intent.proxies ?? []).map((p) => [p.instance.replace(/^web-/, ''), sidName(p.continuation![0]!)]))]);

/** SID → the function whose instance it enters (or `egress`), from the planned intents. */
function sidNames(intents: ReadonlyMap<string, NodeIntent>): (sid: string) => string {
  const names = new Map<string, string>();
  for (const i of intents.values()) {
    for (const x of i.instances ?? []) for (const s of [x.sids.dx4, x.sids.dx6]) if (s) names.set(s, x.id.replace(/^web-/, ''));
    for (const l of i.localSids ?? []) names.set(l.sid, 'egress');
  }
  return (sid) => names.get(sid) ?? sid;
}

describe('world reconciler: reorders with static proxies never loop', () => {
  it("the demo's reorder [fw, ids, nat, mon] → [ids, fw, nat, mon]: fw's continuation first, then ids's, then the ingress", async () => {
    const { world, report } = await change(chainOf([F.fw, F.ids, F.nat, F.mon]), chainOf([F.ids, F.fw, F.nat, F.mon]));
    expectLoopFree(world);
    expect(report.pushed).toEqual([
      { step: 'union', nodes: [] },
      { step: 'proxies', nodes: ['fn1'] }, // fw: ids → nat
      { step: 'proxies', nodes: ['fn2'] }, // ids: nat → fw
      { step: 'switch', nodes: ['edge1'] }, // fw → ids
      { step: 'final', nodes: [] },
    ]);
    const name = sidNames(world.intents());
    expect(continuations(world, name)).toEqual([
      ['fn1', { fw: 'nat', nat: 'mon' }],
      ['fn2', { ids: 'fw', mon: 'egress' }],
      ['edge1', {}],
    ]);
    expect(forward(world)).toEqual({ ipv4: ['ids', 'fw', 'nat', 'mon', 'edge2'] });
    expect([...(await world.walks()).values()]).toEqual([{ hops: ['fn2/web-ids', 'fn1/web-fw', 'fn1/web-nat', 'fn2/web-mon'], exit: 'edge2' }]);
  });

  it('a reverse [a, b, c, d] → [d, c, b, a] over two nodes: one node at a time, intermediate intents keep the proxies not due yet', async () => {
    const [a, b, cc, d] = [fn('a', 'fn1'), fn('b', 'fn2'), fn('c', 'fn1'), fn('d', 'fn2')];
    const { world, report } = await change(chainOf([a, b, cc, d]), chainOf([d, cc, b, a]));
    expectLoopFree(world);
    expect(report.pushed).toEqual([
      { step: 'union', nodes: [] },
      { step: 'proxies', nodes: ['fn1'] }, // a → egress (c still → d)
      { step: 'proxies', nodes: ['fn2'] }, // b → a (d still → egress)
      { step: 'proxies', nodes: ['fn1'] }, // c → b
      { step: 'proxies', nodes: ['fn2'] }, // d → c
      { step: 'switch', nodes: ['edge1'] }, // a → d
      { step: 'final', nodes: [] },
    ]);
    const name = sidNames(world.intents());
    expect(continuations(world, name)).toEqual([
      ['fn1', { a: 'egress', c: 'd' }],
      ['fn2', { b: 'a', d: 'egress' }],
      ['fn1', { a: 'egress', c: 'b' }],
      ['fn2', { b: 'a', d: 'c' }],
      ['edge1', {}],
    ]);
    // Every intermediate intent carried the planned generation.
    const gens = new Map<string, Set<number>>();
    for (const x of world.applies) gens.set(x.node, (gens.get(x.node) ?? new Set()).add(x.intent.generation));
    expect([...gens.values()].every((g) => g.size === 1)).toBe(true);
    expect(forward(world)).toEqual({ ipv4: ['d', 'c', 'b', 'a', 'edge2'] });
  });

  it('dual stack: IPv4 and IPv6 continuations are switched in the same order', async () => {
    const { world, report } = await change(chainOf([F.fw, F.ids, F.nat, F.mon], DUAL), chainOf([F.ids, F.fw, F.nat, F.mon], DUAL));
    expectLoopFree(world);
    expect(report.pushed.map((p) => [p.step, p.nodes])).toEqual([
      ['union', []],
      ['proxies', ['fn1']],
      ['proxies', ['fn2']],
      ['switch', ['edge1']],
      ['final', []],
    ]);
    // Both families were walked after every apply, and both took the new order.
    expect(new Set(world.intentWalksTaken.map((w) => w.family))).toEqual(new Set([4, 6]));
    expect(forward(world)).toEqual({ ipv4: ['ids', 'fw', 'nat', 'mon', 'edge2'], ipv6: ['ids', 'fw', 'nat', 'mon', 'edge2'] });
    const fn1 = world.applies.find((x) => x.node === 'fn1')!.intent.proxies!.find((p) => p.instance === 'web-fw')!;
    expect(fn1.continuationIpv6).toBeDefined();
  });

  it("a reorder on one node needs no ordering round: one apply, its proxies in the order they must move", async () => {
    const [a, b, cc] = [fn('a', 'fn1'), fn('b', 'fn1'), fn('c', 'fn1')];
    // [a, b, c] → [b, c, a]: a (b → egress) must move before c (egress → a); b's does not change.
    const { world, report } = await change(chainOf([a, b, cc]), chainOf([b, cc, a]));
    expectLoopFree(world);
    expect(report.pushed).toEqual([
      { step: 'union', nodes: [] },
      { step: 'switch', nodes: ['edge1', 'fn1'] },
      { step: 'final', nodes: [] },
    ]);
    // The agent writes proxy tables in the intent's order, in one netlink batch.
    expect(world.applies.find((x) => x.node === 'fn1')!.intent.proxies!.map((p) => p.instance)).toEqual(['web-b', 'web-a', 'web-c']);
    expect(forward(world)).toEqual({ ipv4: ['b', 'c', 'a', 'edge2'] });
  });

  it('an insert keeps its single switch step: as many agent round trips as before', async () => {
    const { world, report } = await change(chainOf([F.fw, F.ids, F.mon]), chainOf([F.fw, fn('x', 'fn2'), F.ids, F.mon]));
    expectLoopFree(world);
    expect(report.pushed).toEqual([
      { step: 'union', nodes: ['fn2'] }, // x spawned, its proxy → ids
      { step: 'switch', nodes: ['fn1'] }, // fw: ids → x
      { step: 'final', nodes: [] },
    ]);
    expect(world.applies.map((a) => a.node)).toEqual(['fn2', 'fn1']);
    expect(forward(world)).toEqual({ ipv4: ['fw', 'x', 'ids', 'mon', 'edge2'] });
  });

  it('an insert at the head switches the ingress in the same single step', async () => {
    const { world, report } = await change(chainOf([F.fw, F.mon]), chainOf([fn('x', 'fn2'), F.fw, F.mon]));
    expectLoopFree(world);
    expect(report.pushed.map((p) => [p.step, p.nodes])).toEqual([
      ['union', ['fn2']],
      ['switch', ['edge1']],
      ['final', []],
    ]);
  });

  it('a remove: its predecessor is switched past it, then it goes', async () => {
    const { world, report } = await change(chainOf([F.fw, F.ids, F.nat, F.mon]), chainOf([F.fw, F.nat, F.mon]));
    expectLoopFree(world);
    expect(report.pushed).toEqual([
      { step: 'union', nodes: [] },
      { step: 'switch', nodes: ['fn1'] }, // fw: ids → nat
      { step: 'final', nodes: ['fn2'] }, // ids destroyed
    ]);
    expect(forward(world)).toEqual({ ipv4: ['fw', 'nat', 'mon', 'edge2'] });
    expect((await world.agent('fn2').runtime.list()).map((i) => i.id)).toEqual(['web-mon']);
  });

  it('a move to another node within a reorder: the new instance first, the continuations in reverse order, the old instance last', async () => {
    const [a, b, cc, d] = [fn('a', 'fn1'), fn('b', 'fn2'), fn('c', 'fn1'), fn('d', 'fn2')];
    // [a@fn1, b@fn2, c@fn1, d@fn2] → [c@fn1, b@fn2, a@fn2, d@fn2]: a moves to fn2 and goes third.
    const { world, report } = await change(chainOf([a, b, cc, d]), chainOf([cc, b, fn('a', 'fn2'), d]));
    expectLoopFree(world);
    expect(report.pushed).toEqual([
      { step: 'union', nodes: ['fn2'] }, // the new a, → d
      { step: 'proxies', nodes: ['fn2'] }, // b: c → the new a
      { step: 'proxies', nodes: ['fn1'] }, // c: d → b
      { step: 'switch', nodes: ['edge1'] }, // the old a → c
      { step: 'final', nodes: ['fn1'] }, // the old a goes
    ]);
    expect(forward(world)).toEqual({ ipv4: ['c', 'b', 'a', 'd', 'edge2'] });
    expect((await world.agent('fn1').runtime.list()).map((i) => i.id)).toEqual(['web-c']);
  });

  it('a move alone keeps its single switch step', async () => {
    const { world, report } = await change(chainOf([F.fw, F.ids, F.nat, F.mon]), chainOf([F.fw, fn('ids', 'fn1'), F.nat, F.mon]));
    expectLoopFree(world);
    expect(report.pushed).toEqual([
      { step: 'union', nodes: ['fn1'] }, // the new ids, → nat
      { step: 'switch', nodes: ['fn1'] }, // fw: the old ids → the new one
      { step: 'final', nodes: ['fn2'] }, // the old ids goes
    ]);
    expect(forward(world)).toEqual({ ipv4: ['fw', 'ids', 'nat', 'mon', 'edge2'] });
  });

  it('a failed agent call in the middle of the sequence stops it: the chain keeps its ingress, loop-free, and the next pass finishes', async () => {
    const { world, c } = await standardWorld();
    const [a, b, cc, d] = [fn('a', 'fn1'), fn('b', 'fn2'), fn('c', 'fn1'), fn('d', 'fn2')];
    await c.chains.apply({ name: 'web', spec: chainOf([a, b, cc, d]) });
    await c.reconciler.reconcileNow();
    world.applies.length = 0;
    let calls = 0;
    world.agent('fn2').beforeApply = () => {
      if (++calls === 1) throw Object.assign(new Error('13 INTERNAL: boom'), { code: 13, details: 'boom' });
    };
    await c.chains.apply({ name: 'web', spec: chainOf([d, cc, b, a]) });
    const first = await c.reconciler.reconcileNow();
    expect(first.chains.get('web')).toMatchObject({ ready: false });
    // fn1 switched a (→ egress); fn2's call failed: c and the ingress were not switched.
    expect(first.pushed.map((p) => [p.step, p.nodes])).toEqual([
      ['union', []],
      ['proxies', ['fn1']],
      ['proxies', ['fn2']], // fails: the sequence stops
      ['switch', []],
      ['final', ['edge1', 'fn2']], // the planned generation, the chain's pointers as they are
    ]);
    expect(first.chains.get('web')?.reason).toBe('AgentError');
    // Packets now leave right after a (b, c and d are skipped until the sequence resumes), never loop.
    expect(forward(world)).toEqual({ ipv4: ['a', 'edge2'] });
    expect(world.intentFaults).toEqual([]);

    const second = await c.reconciler.reconcileNow();
    expect(second.chains.get('web')).toMatchObject({ ready: true });
    expect(forward(world)).toEqual({ ipv4: ['d', 'c', 'b', 'a', 'edge2'] });
    expectLoopFree(world);
  });
});

describe('world reconciler: reorders and NAT return paths', () => {
  const snat = (name: string, node: string, toAddress: string): ChainFunction => ({ name, type: 'nat', placement: { node }, config: { mode: 'snat', toAddress } });

  it('a reorder around a snat NAT leaves its return path intact at every step', async () => {
    const nat = snat('nat', 'fn1', '203.0.113.1');
    const { world, report } = await change(chainOf([F.fw, F.ids, nat, F.mon], DUAL), chainOf([F.ids, F.fw, nat, F.mon], DUAL));
    expectLoopFree(world);
    expect(report.pushed.map((p) => [p.step, p.nodes])).toEqual([
      ['union', []],
      ['proxies', ['fn1']],
      ['proxies', ['fn2']],
      ['switch', ['edge1']],
      ['final', []],
    ]);
    const returns = world.intentWalksTaken.filter((w) => w.direction === 'return');
    expect(returns.length).toBeGreaterThanOrEqual(world.applies.length);
    expect(returns.every((w) => w.exit === 'edge1' && w.hops.join() === 'fn1/web-nat')).toBe(true);
  });

  it('two snat NATs swapped: their reverse lists switch in order too, and replies never loop', async () => {
    const n1 = snat('n1', 'fn1', '203.0.113.1');
    const n2 = snat('n2', 'fn2', '203.0.113.2');
    const { world, report } = await change(chainOf([F.fw, n1, n2, F.mon]), chainOf([F.fw, n2, n1, F.mon]));
    expectLoopFree(world);
    // Forward: n1 (→ mon), n2 (→ n1), fw (→ n2). Return path [n1, n2] after the switch: n2's
    // reverse (→ the ingress) first, then n1's (→ n2's return SID). Side by side: independent graphs.
    expect(report.pushed).toEqual([
      { step: 'union', nodes: [] },
      { step: 'proxies', nodes: ['fn1', 'fn2'] },
      { step: 'proxies', nodes: ['fn1', 'fn2'] },
      { step: 'proxies', nodes: ['fn1'] },
      { step: 'switch', nodes: ['edge2'] }, // the egress steers n1's address now; the ingress did not change
      { step: 'final', nodes: [] },
    ]);
    const back = world.intentWalks().filter((w) => w.direction === 'return');
    expect(back.map((w) => [w.hops, w.exit])).toEqual([[['fn1/web-n1', 'fn2/web-n2'], 'edge1']]);
  });
});
