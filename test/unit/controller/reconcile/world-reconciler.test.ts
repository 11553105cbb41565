/**
 * The controller's reconcile loop against fake nodes whose agents are the real agent reconciler over
 * fake kernels (fake-world.ts): the resulting kernel state, the order of make before break, status
 * conditions, restart recovery and races.
 */
import { describe, expect, it } from 'vitest';
import { chainNexthopId } from '../../../../src/agent/plan/ids.js';
import { readSlot } from '../../../../src/controller/reconcile/state-slot.js';
import type { Chain, Condition } from '../../../../src/model/chain.js';
import { type Controller, fn, spec, standardWorld } from './fake-world.js';

const WEB = spec([fn('fw', 'fn1', 'firewall'), fn('nat', 'fn2'), fn('mon', 'fn1')]);

const conditions = (c: Chain): Record<string, [Condition['status'], string]> =>
  Object.fromEntries(c.status.conditions.map((x) => [x.type, [x.status, x.reason]]));

/** The IPv4 SID of each function's instance, and the chain's segment lists, from its status. */
async function sids(c: Controller, chain = 'web'): Promise<Record<string, string> & { segments: Chain['status']['segments'] }> {
  const s = (await c.chains.get(chain)).status;
  const by: Record<string, string> = Object.fromEntries(s.instances.map((i) => [i.function, i.sids.dx4!]));
  return Object.assign(by, { segments: s.segments });
}

describe('world reconciler: a chain becomes Ready', () => {
  it('programs edge1 → fw@fn1 → nat@fn2 → mon@fn1 → edge2: one SID at the ingress, proxies on the function hosts', async () => {
    const { world, c } = await standardWorld();
    await c.chains.apply({ name: 'web', spec: WEB });
    const report = await c.reconciler.reconcileNow();
    expect(report.chains.get('web')).toMatchObject({ ready: true, retry: false });

    const web = await c.chains.get('web');
    expect(conditions(web)).toEqual({
      Placed: ['True', 'Placed'],
      InstancesReady: ['True', 'InstancesRunning'],
      Programmed: ['True', 'Programmed'],
      Ready: ['True', 'Ready'],
    });
    expect(web.status.observedGeneration).toBe(1);
    expect(web.status.conditions.every((x) => x.observedGeneration === 1)).toBe(true);
    expect(web.status.instances.map((i) => [i.function, i.node, i.id])).toEqual([
      ['fw', 'fn1', 'web-fw'],
      ['nat', 'fn2', 'web-nat'],
      ['mon', 'fn1', 'web-mon'],
    ]);
    const s = await sids(c);
    expect(s.segments).toEqual({ ipv4: [s.fw] });

    // The kernels: edge1's nexthop pushes the first function's SID...
    const nh = await world.agent('edge1').dp.listNexthops();
    expect(nh.map((n) => [n.id, n.encap?.type === 'seg6' && n.encap.segments])).toEqual([[chainNexthopId(1, 4), [s.fw]]]);
    // ...each function's proxy pushes the next hop (the last one: edge2's decap SID)...
    const decap = (await world.agent('edge2').dp.listRoutes({ family: 6 })).find((r) => r.encap?.type === 'seg6local')!.dst.replace('/128', '');
    expect(await world.proxies('fn1')).toEqual({ 'web-fw': [s.nat], 'web-mon': [decap] });
    expect(await world.proxies('fn2')).toEqual({ 'web-nat': [s.mon] });
    // ...and a packet walks fw, nat, mon through the proxies, then leaves at edge2.
    expect([...(await world.walks()).values()]).toEqual([{ hops: ['fn1/web-fw', 'fn2/web-nat', 'fn1/web-mon'], exit: 'edge2' }]);
    expect((await world.agent('fn1').runtime.list()).map((i) => i.id).sort()).toEqual(['web-fw', 'web-mon']);
    expect(world.dangling).toEqual([]);
    // Nothing is left to do: the stored intents are what the agents hold.
    const slot = readSlot((await c.store.read()).allocations);
    expect(slot.applied).toEqual({});
    for (const [n, a] of world.agents) expect(a.store.intent).toEqual(slot.intents[n]);
  });

  it('reports packets per instance from the agents counters', async () => {
    const { world, c } = await standardWorld();
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.reconcileNow();
    const { nat } = await sids(c);
    world.agent('fn2').dp.addTraffic(nat!, 42, 4200);
    await c.reconciler.resyncAll(); // observes every node
    await c.reconciler.reconcileNow();
    const web = await c.chains.get('web');
    expect(web.status.instances.find((i) => i.function === 'nat')?.packets).toBe(42n);
    expect(web.status.instances.find((i) => i.function === 'fw')?.packets).toBe(0n);
  });

  it('lastTransitionTime changes only when a condition flips', async () => {
    const { world, c } = await standardWorld();
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.reconcileNow();
    const t1 = (await c.chains.get('web')).status.conditions.find((x) => x.type === 'Ready')!.lastTransitionTime;
    await c.reconciler.reconcileNow();
    expect((await c.chains.get('web')).status.conditions.find((x) => x.type === 'Ready')!.lastTransitionTime).toBe(t1);
    world.agent('edge1').reachable = false; // its agent is down, its heartbeat not expired yet
    await c.chains.apply({ name: 'web', spec: spec([fn('mon', 'fn1'), fn('fw', 'fn1', 'firewall'), fn('nat', 'fn2')]) });
    await c.reconciler.reconcileNow();
    const ready = (await c.chains.get('web')).status.conditions.find((x) => x.type === 'Ready')!;
    expect([ready.status, ready.reason]).toEqual(['False', 'NodeUnreachable']);
    expect(ready.lastTransitionTime > t1).toBe(true);
    expect(ready.observedGeneration).toBe(2);
  });
});

describe('world reconciler: make before break', () => {
  it('a reorder that moves a function: new instance first, then the ingress switch, then the old instance goes', async () => {
    const { world, c } = await standardWorld();
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.reconcileNow();
    const before = await sids(c);
    world.applies.length = 0;

    // [fw@fn1, nat@fn2, mon@fn1] → [nat@fn2, fw@fn2, mon@fn1]: fw moves to fn2 and goes second.
    await c.chains.apply({ name: 'web', spec: spec([fn('nat', 'fn2'), fn('fw', 'fn2', 'firewall'), fn('mon', 'fn1')]) });
    const report = await c.reconciler.reconcileNow();
    expect(report.pushed).toEqual([
      { step: 'union', nodes: ['fn2'] },
      { step: 'switch', nodes: ['edge1', 'fn2'] },
      { step: 'final', nodes: ['fn1'] }, // edge1 and fn2 reached their planned intents in the switch
    ]);
    const order = world.applies.map((a) => a.node);
    const first = (n: string) => order.indexOf(n);
    // fn2 spawned the new fw before edge1 switched, and fn1 lost the old fw only after.
    expect(first('fn2')).toBeLessThan(first('edge1'));
    expect(first('edge1')).toBeLessThan(first('fn1'));
    const union = world.applies[0]!;
    expect(union.node).toBe('fn2');
    expect(union.intent.instances?.map((i) => i.id).sort()).toEqual(['web-fw', 'web-nat']);
    expect(union.intent.proxies?.find((p) => p.instance === 'web-nat')?.continuation).toEqual([before.mon]); // unswitched yet
    const fn1Apply = world.applies.find((a) => a.node === 'fn1')!;
    expect(fn1Apply.ops.deleted).toBeGreaterThan(0);
    expect(fn1Apply.intent.instances?.map((i) => i.id)).toEqual(['web-mon']);

    // No packet ever met a missing SID, and the final walk follows the new order.
    expect(world.dangling).toEqual([]);
    expect([...(await world.walks()).values()]).toEqual([{ hops: ['fn2/web-nat', 'fn2/web-fw', 'fn1/web-mon'], exit: 'edge2' }]);
    expect((await c.chains.get('web')).status.segments).toEqual({ ipv4: [before.nat] });
    expect(conditions(await c.chains.get('web')).Ready).toEqual(['True', 'Ready']);
  });

  it('a pure reorder switches the ingress and the proxies only: no instance is spawned or destroyed', async () => {
    const { world, c } = await standardWorld();
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.reconcileNow();
    const runtimeOps = [...world.agents.values()].map((a) => a.runtime.opsPerformed);
    await c.chains.apply({ name: 'web', spec: spec([fn('mon', 'fn1'), fn('fw', 'fn1', 'firewall'), fn('nat', 'fn2')]) });
    const report = await c.reconciler.reconcileNow();
    // nat's continuation (mon → egress) moves first, then mon's (egress → fw), then the ingress (fw → mon):
    // one node at a time, the last function of the new order first (reorder-world.test.ts).
    expect(report.pushed).toEqual([
      { step: 'union', nodes: [] },
      { step: 'proxies', nodes: ['fn2'] },
      { step: 'proxies', nodes: ['fn1'] },
      { step: 'switch', nodes: ['edge1'] },
      { step: 'final', nodes: [] },
    ]);
    expect([...world.agents.values()].map((a) => a.runtime.opsPerformed)).toEqual(runtimeOps);
    expect([...(await world.walks()).values()]).toEqual([{ hops: ['fn1/web-mon', 'fn1/web-fw', 'fn2/web-nat'], exit: 'edge2' }]);
    expect(world.dangling).toEqual([]);
    expect(world.loops).toEqual([]);
    expect(world.intentFaults).toEqual([]);
  });

  it('deleting the chain removes its state from every node', async () => {
    const { world, c } = await standardWorld();
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.reconcileNow();
    await c.chains.delete('web');
    const report = await c.reconciler.reconcileNow();
    expect(report.pushed.find((p) => p.step === 'switch')?.nodes).toEqual(['edge1']);
    for (const a of world.agents.values()) {
      expect(await a.dp.listNexthops()).toEqual([]);
      expect((await a.dp.listRoutes()).filter((r) => r.family === 6 && r.encap?.type === 'seg6local')).toEqual([]);
      expect(await a.runtime.list()).toEqual([]);
    }
    expect(world.dangling).toEqual([]);
    const slot = readSlot((await c.store.read()).allocations);
    expect(Object.values(slot.allocations?.nodes ?? {}).flatMap((n) => Object.values(n.sids))).toEqual([]);
  });
});
