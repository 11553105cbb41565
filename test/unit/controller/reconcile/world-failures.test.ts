/**
 * The reconcile loop when things go wrong: unreachable nodes, failed spawns, a restarted
 * controller (with and without an interrupted make-before-break), agents ahead of the store, and
 * racing applies. Effects are checked on the fake kernels (fake-world.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readSlot } from '../../../../src/controller/reconcile/state-slot.js';
import { MemoryStore } from '../../../../src/controller/store/store.js';
import type { Chain, Condition } from '../../../../src/model/chain.js';
import { type Controller, changedOps, controller, fn, spec, standardWorld } from './fake-world.js';

const WEB = spec([fn('fw', 'fn1', 'firewall'), fn('nat', 'fn2'), fn('mon', 'fn1')]);

const cond = (c: Chain, type: Condition['type']): [Condition['status'], string] => {
  const x = c.status.conditions.find((k) => k.type === type)!;
  return [x.status, x.reason];
};

const running: Controller[] = [];
const start = (c: Controller) => {
  running.push(c);
  c.reconciler.start();
};
afterEach(async () => {
  for (const c of running.splice(0)) await c.reconciler.stop();
});

describe('unreachable nodes', () => {
  it('an UNREACHABLE egress turns Ready False with NodeUnreachable; the chain comes back when it does', async () => {
    const { world, c } = await standardWorld();
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.reconcileNow();
    world.agent('edge2').reachable = false;
    // edge2 stops heartbeating: the registry expires it.
    for (const n of ['edge1', 'fn1', 'fn2']) await c.nodes.heartbeat(n);
    await c.nodes.expire(0);
    for (const n of ['edge1', 'fn1', 'fn2']) await c.nodes.heartbeat(n);
    expect((await c.nodes.get('edge2')).state).toBe('UNREACHABLE');

    const report = await c.reconciler.reconcileNow();
    expect(report.chains.get('web')).toMatchObject({ ready: false, retry: true, reason: 'NodeUnreachable' });
    const web = await c.chains.get('web');
    expect(cond(web, 'Ready')).toEqual(['False', 'NodeUnreachable']);
    expect(cond(web, 'Programmed')).toEqual(['False', 'NodeUnreachable']);
    expect(web.status.conditions.find((x) => x.type === 'Ready')!.message).toMatch(/edge2/);
    expect(cond(web, 'Placed')).toEqual(['True', 'Placed']); // the egress being down does not unplace the chain

    world.agent('edge2').reachable = true;
    await c.nodes.heartbeat('edge2');
    await c.reconciler.reconcileNow();
    expect(cond(await c.chains.get('web'), 'Ready')).toEqual(['True', 'Ready']);
  });

  it('an agent that does not answer holds the chain on its old path; the key is retried until it answers', async () => {
    const { world, c } = await standardWorld();
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.reconcileNow();
    start(c);
    await c.reconciler.idle();
    const walks = [...(await world.walks()).values()];

    // fw moves to fn2, whose agent is down (its heartbeats have not expired yet).
    world.agent('fn2').reachable = false;
    await c.chains.apply({ name: 'web', spec: spec([fn('fw', 'fn2', 'firewall'), fn('nat', 'fn2'), fn('mon', 'fn1')]) });
    await c.reconciler.idle();
    const held = await c.chains.get('web');
    expect(cond(held, 'Ready')).toEqual(['False', 'NodeUnreachable']);
    expect(held.status.observedGeneration).toBe(2);
    // edge1 still steers into the old fw on fn1, which still runs.
    expect([...(await world.walks()).values()]).toEqual(walks);
    expect(world.dangling).toEqual([]);

    // The agent answers again: the retry (per-key backoff) completes the move.
    world.agent('fn2').reachable = true;
    for (let i = 0; i < 100 && cond(await c.chains.get('web'), 'Ready')[0] !== 'True'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(cond(await c.chains.get('web'), 'Ready')).toEqual(['True', 'Ready']);
    expect([...(await world.walks()).values()]).toEqual([{ hops: ['fn2/web-fw', 'fn2/web-nat', 'fn1/web-mon'], exit: 'edge2' }]);
    expect((await world.agent('fn1').runtime.list()).map((i) => i.id)).toEqual(['web-mon']);
    expect(world.dangling).toEqual([]);
  });

  it('a failed spawn: SpawnFailed, and the chain keeps its old path', async () => {
    const { world, c } = await standardWorld();
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.reconcileNow();
    world.agent('fn2').runtime.failNextSpawn.add('web-ids');
    await c.chains.apply({ name: 'web', spec: spec([fn('fw', 'fn1', 'firewall'), fn('ids', 'fn2'), fn('nat', 'fn2'), fn('mon', 'fn1')]) });
    const report = await c.reconciler.reconcileNow();
    expect(report.chains.get('web')).toMatchObject({ ready: false, retry: true });
    const web = await c.chains.get('web');
    expect(cond(web, 'InstancesReady')).toEqual(['False', 'SpawnFailed']);
    expect(cond(web, 'Programmed')).toEqual(['False', 'SpawnFailed']);
    expect(cond(web, 'Ready')).toEqual(['False', 'SpawnFailed']);
    expect(web.status.conditions.find((x) => x.type === 'InstancesReady')!.message).toMatch(/fn2: instance web-ids: RUNTIME_FAILED/);
    expect([...(await world.walks()).values()]).toEqual([{ hops: ['fn1/web-fw', 'fn2/web-nat', 'fn1/web-mon'], exit: 'edge2' }]);

    // The next pass pushes again (the agent retries the spawn): now it works.
    await c.reconciler.reconcileNow();
    expect(cond(await c.chains.get('web'), 'Ready')).toEqual(['True', 'Ready']);
    expect([...(await world.walks()).values()]).toEqual([{ hops: ['fn1/web-fw', 'fn2/web-ids', 'fn2/web-nat', 'fn1/web-mon'], exit: 'edge2' }]);
    expect(world.dangling).toEqual([]);
  });
});

describe('a restarted controller', () => {
  it('re-plans to the same intents from the store: every agent is called and performs 0 operations', async () => {
    const { world, c } = await standardWorld();
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.chains.apply({ name: 'db', spec: spec([fn('fw', 'fn2', 'firewall')], '10.3.0.0/24') });
    await c.reconciler.reconcileNow();
    const statuses = (await c.chains.list()).chains.map((x) => x.status);
    const kernelOps = world.kernelOps;
    world.applies.length = 0;

    const restarted = controller(world, new MemoryStore(await c.store.read()));
    const report = await restarted.reconciler.reconcileNow();
    expect(world.applies.map((a) => a.node).sort()).toEqual(['edge1', 'edge2', 'fn1', 'fn2']);
    for (const a of world.applies) expect(changedOps(a.ops)).toBe(0);
    expect(world.kernelOps).toBe(kernelOps);
    // The generations sent are the ones the agents hold already.
    for (const a of world.applies) expect(a.intent.generation).toBe(world.agent(a.node).rec.generation);
    expect([...report.chains.values()].every((r) => r.ready)).toBe(true);
    expect((await restarted.chains.list()).chains.map((x) => x.status)).toEqual(statuses);

    // And the next pass has nothing to do at all.
    world.applies.length = 0;
    await restarted.reconciler.reconcileNow();
    expect(world.applies).toEqual([]);
  });

  it('a first pass that observes the nodes before planning keeps every held chain on its path (seeding after observation)', async () => {
    // Seen in CI: the restarted controller observed a node (resync) before it seeded what the store
    // says the node holds; the node then counted as holding nothing, and the union step dropped the
    // edge chains of chains held on their path (a function host unreachable), for a few seconds.
    const { world, c } = await standardWorld();
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.reconcileNow();
    world.agent('fn2').reachable = false;
    await c.nodes.expire(0);
    await c.nodes.heartbeat('edge1');
    await c.nodes.heartbeat('edge2');
    await c.nodes.heartbeat('fn1');
    const kernelOps = world.kernelOps;
    world.applies.length = 0;

    const restarted = controller(world, new MemoryStore(await c.store.read()));
    await restarted.reconciler.resyncAll();
    await restarted.reconciler.reconcileNow();
    expect(world.kernelOps).toBe(kernelOps);
    for (const a of world.applies) expect(changedOps(a.ops)).toBe(0);
    expect([...(await world.walks()).values()]).toEqual([{ hops: ['fn1/web-fw', 'fn2/web-nat', 'fn1/web-mon'], exit: 'edge2' }]);
  });

  it('a node holding another intent of the generation the controller believes (its SIDs differ) is re-sent its intent at the next resync', async () => {
    const { world, c } = await standardWorld();
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.reconcileNow();
    // edge1 ends up with a different intent under the same generation (what a stale same-generation
    // step used to do): one extra decap SID the controller knows nothing of.
    const believed = readSlot((await c.store.read()).allocations).intents.edge1!;
    const extra = 'fc00:1:0:99::';
    await world.agent('edge1').rec.apply({ ...believed, localSids: [...(believed.localSids ?? []), { sid: extra, behavior: { action: 'End.DX4', nh4: '0.0.0.0' }, dev: 'eth0' }] });
    expect((await world.agent('edge1').dp.listRoutes({ family: 6 })).some((r) => r.dst === `${extra}/128`)).toBe(true);

    await c.reconciler.resyncAll();
    await c.reconciler.reconcileNow();
    expect((await world.agent('edge1').dp.listRoutes({ family: 6 })).some((r) => r.dst === `${extra}/128`)).toBe(false);
    expect(cond(await c.chains.get('web'), 'Ready')).toEqual(['True', 'Ready']);
  });

  it('resumes an interrupted make before break from what the store says the nodes hold', async () => {
    const { world, c } = await standardWorld();
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.reconcileNow();
    // The move of fw to fn2 stops after the union: edge1 cannot be reached for the switch.
    world.agent('edge1').reachable = false;
    await c.chains.apply({ name: 'web', spec: spec([fn('fw', 'fn2', 'firewall'), fn('nat', 'fn2'), fn('mon', 'fn1')]) });
    await c.reconciler.reconcileNow();
    const applied = readSlot((await c.store.read()).allocations).applied;
    // fn2 reached its planned intent (the new fw is all it gains); edge1 did not switch, fn1 keeps the old fw.
    expect(Object.keys(applied).sort()).toEqual(['edge1', 'fn1']);
    expect(applied.fn1!.instances?.map((i) => i.id).sort()).toEqual(['web-fw', 'web-mon']); // the old fw is kept

    // A new controller process over the same store: edge1 is back.
    world.agent('edge1').reachable = true;
    const restarted = controller(world, new MemoryStore(await c.store.read()));
    await restarted.reconciler.reconcileNow();
    expect(cond(await restarted.chains.get('web'), 'Ready')).toEqual(['True', 'Ready']);
    expect([...(await world.walks()).values()]).toEqual([{ hops: ['fn2/web-fw', 'fn2/web-nat', 'fn1/web-mon'], exit: 'edge2' }]);
    expect((await world.agent('fn1').runtime.list()).map((i) => i.id)).toEqual(['web-mon']);
    expect(readSlot((await restarted.store.read()).allocations).applied).toEqual({});
    expect(world.dangling).toEqual([]);
  });

  it('an agent ahead of the store (the store was restored from a backup) is sent a generation above its own', async () => {
    const { world, c } = await standardWorld();
    const backup = await c.store.read();
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.reconcileNow();
    await c.chains.apply({ name: 'web', spec: spec([fn('mon', 'fn1'), fn('fw', 'fn1', 'firewall')]) });
    await c.reconciler.reconcileNow();
    const edge1Gen = world.agent('edge1').rec.generation;
    expect(edge1Gen).toBe(2);

    const restored = controller(world, new MemoryStore(backup));
    await restored.chains.apply({ name: 'web', spec: WEB });
    const first = await restored.reconciler.reconcileNow();
    expect(first.failedNodes.get('edge1')?.reason).toBe('StaleGeneration');
    await restored.reconciler.reconcileNow();
    expect(world.agent('edge1').rec.generation).toBeGreaterThan(edge1Gen);
    expect(cond(await restored.chains.get('web'), 'Ready')).toEqual(['True', 'Ready']);
  });
});

describe('triggers', () => {
  it('chain events drive the queue: apply, then delete', async () => {
    const { world, c } = await standardWorld();
    start(c);
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.idle();
    expect(cond(await c.chains.get('web'), 'Ready')).toEqual(['True', 'Ready']);
    await c.chains.delete('web');
    await c.reconciler.idle();
    for (const a of world.agents.values()) expect(await a.runtime.list()).toEqual([]);
  });

  it('an exited instance shows in the status until its agent respawns it', async () => {
    const { world, c } = await standardWorld();
    start(c);
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.idle();
    world.agent('fn2').runtime.kill('web-nat');
    await c.reconciler.idle();
    expect(cond(await c.chains.get('web'), 'InstancesReady')).toEqual(['False', 'InstanceExited']);
    await world.agent('fn2').rec.resync(); // the agent's periodic resync respawns it (driftCorrected)
    await c.reconciler.idle();
    expect(cond(await c.chains.get('web'), 'Ready')).toEqual(['True', 'Ready']);
  });

  it('a re-registered node is re-sent its intent (its agent may have lost its state)', async () => {
    const { world, c } = await standardWorld();
    start(c);
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.idle();
    // fn2's agent restarts with an empty kernel and no saved intent.
    const fn2 = world.agent('fn2');
    for (const r of await fn2.dp.listRoutes()) await fn2.dp.deleteRoute(r);
    for (const i of await fn2.runtime.list()) await fn2.runtime.destroy(i.id);
    fn2.store.intent = undefined;
    await fn2.restart();
    await c.nodes.register(fn2.record);
    await c.reconciler.idle();
    expect([...(await world.walks()).values()]).toEqual([{ hops: ['fn1/web-fw', 'fn2/web-nat', 'fn1/web-mon'], exit: 'edge2' }]);
    expect(cond(await c.chains.get('web'), 'Ready')).toEqual(['True', 'Ready']);
  });

  it('the node-wide key is retried while a node fails', async () => {
    const { world, c } = await standardWorld();
    world.agent('edge2').reachable = false;
    start(c);
    await c.chains.apply({ name: 'web', spec: WEB });
    await c.reconciler.idle();
    expect(cond(await c.chains.get('web'), 'Ready')).toEqual(['False', 'NodeUnreachable']);
    world.agent('edge2').reachable = true;
    for (let i = 0; i < 100 && cond(await c.chains.get('web'), 'Ready')[0] !== 'True'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(cond(await c.chains.get('web'), 'Ready')).toEqual(['True', 'Ready']);
  });
});

describe('racing applies', () => {
  it('two applies of one chain racing, and a third during a running pass: every push comes from one plan, never torn', async () => {
    const { world, c } = await standardWorld();
    start(c);
    const v1 = spec([fn('fw', 'fn1', 'firewall'), fn('nat', 'fn2')]);
    const v2 = spec([fn('nat', 'fn2'), fn('mon', 'fn2'), fn('fw', 'fn1', 'firewall')]);
    const v3 = spec([fn('mon', 'fn1'), fn('fw', 'fn2', 'firewall')]);
    await Promise.all([c.chains.apply({ name: 'web', spec: v1 }), c.chains.apply({ name: 'web', spec: v2 })]);
    // While the pass for v2 is running, v3 arrives.
    let raced = false;
    world.agent('fn2').beforeApply = async () => {
      if (raced) return;
      raced = true;
      await c.chains.apply({ name: 'web', spec: v3 });
    };
    await c.reconciler.idle();
    expect(raced).toBe(true);

    const web = await c.chains.get('web');
    expect(web.generation).toBe(3);
    expect(web.status.observedGeneration).toBe(3);
    expect(cond(web, 'Ready')).toEqual(['True', 'Ready']);
    expect([...(await world.walks()).values()]).toEqual([{ hops: ['fn1/web-mon', 'fn2/web-fw'], exit: 'edge2' }]);
    expect(world.dangling).toEqual([]);
    // Generations only ever go up at each node, and each node ends on the persisted plan.
    for (const n of world.agents.keys()) {
      const gens = world.applies.filter((a) => a.node === n).map((a) => a.intent.generation);
      expect([...gens].sort((a, b) => a - b)).toEqual(gens);
    }
    const slot = readSlot((await c.store.read()).allocations);
    for (const [n, a] of world.agents) expect(a.store.intent).toEqual(slot.intents[n]);
    expect(slot.applied).toEqual({});
  });
});
