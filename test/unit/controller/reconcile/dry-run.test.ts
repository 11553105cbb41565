/**
 * Dry runs against fake nodes: placement and SIDs marked create / keep / delete, and each node's
 * operation counts from its agent's own validate-only apply. Nothing changes anywhere.
 */
import { describe, expect, it } from 'vitest';
import { DryRunPlanner } from '../../../../src/controller/reconcile/dry-run.js';
import { changedOps, fn, spec, standardWorld } from './fake-world.js';

const WEB = spec([fn('fw', 'fn1', 'firewall'), fn('nat', 'fn2')]);

async function ready() {
  const { world, c } = await standardWorld();
  await c.chains.apply({ name: 'web', spec: WEB });
  await c.reconciler.reconcileNow();
  const planner = new DryRunPlanner(c.store, world.directory);
  return { world, c, planner };
}

describe('dry run', () => {
  it('an unchanged chain: everything kept, no operation anywhere', async () => {
    const { planner } = await ready();
    const r = await planner.planDryRun({ name: 'web', spec: WEB });
    expect(r.unavailable).toEqual([]);
    expect(r.plan.nodes.map((n) => n.node)).toEqual(['edge1', 'edge2', 'fn1', 'fn2']);
    for (const n of r.plan.nodes) {
      expect(changedOps(n.ops)).toBe(0);
      expect([...n.instances, ...n.sids].every((x) => x.action === 'keep')).toBe(true);
    }
  });

  it('a move: the new host creates, the old one deletes, the ingress replaces its nexthop; nothing is applied', async () => {
    const { world, c, planner } = await ready();
    const before = await c.store.read();
    const kernelOps = world.kernelOps;
    const r = await planner.planDryRun({ name: 'web', spec: spec([fn('fw', 'fn2', 'firewall'), fn('nat', 'fn2')]) });
    const node = (n: string) => r.plan.nodes.find((x) => x.node === n)!;

    expect(node('fn2').instances.map((i) => [i.function, i.id, i.action])).toEqual([
      ['fw', 'web-fw', 'create'],
      ['nat', 'web-nat', 'keep'],
    ]);
    expect(node('fn2').ops.created).toBeGreaterThan(0);
    expect(node('fn1').instances.map((i) => [i.function, i.action])).toEqual([['fw', 'delete']]);
    expect(node('fn1').sids).toEqual([{ sid: node('fn1').instances[0]!.sids.dx4, behavior: 'End.DX4', function: 'fw', action: 'delete' }]);
    expect(node('fn1').ops.deleted).toBeGreaterThan(0);
    expect(node('edge1').ops).toMatchObject({ created: 0, replaced: 1, deleted: 0 }); // one nexthop replace
    expect(node('edge2').sids).toEqual([{ sid: 'fc00:2:0:1::', behavior: 'End.DX4', action: 'keep' }]);
    const newFw = node('fn2').instances[0]!.sids.dx4!;
    expect(r.plan.segments).toEqual({ ipv4: [newFw] });
    expect(node('fn2').sids.find((s) => s.sid === newFw)).toEqual({ sid: newFw, behavior: 'End.DX4', function: 'fw', action: 'create' });

    expect(world.kernelOps).toBe(kernelOps);
    expect(await c.store.read()).toBe(before);
  });

  it('a new chain and a deletion', async () => {
    const { planner } = await ready();
    const add = await planner.planDryRun({ name: 'db', spec: spec([fn('mon', 'fn1')], '10.9.0.0/24') });
    expect(add.plan.nodes.map((n) => n.node)).toEqual(['edge1', 'edge2', 'fn1']);
    expect(add.plan.nodes.find((n) => n.node === 'fn1')!.instances).toEqual([{ function: 'mon', id: 'db-mon', sids: { dx4: expect.any(String) }, proxy: 'static', action: 'create' }]);

    const del = await planner.planDeleteDryRun('web');
    expect(del.plan.segments).toEqual({});
    const fn2 = del.plan.nodes.find((n) => n.node === 'fn2')!;
    expect(fn2.instances.map((i) => [i.id, i.action])).toEqual([['web-nat', 'delete']]);
    expect(fn2.ops.deleted).toBeGreaterThan(0);
    expect(del.plan.nodes.map((n) => n.node)).toEqual(['edge1', 'edge2', 'fn1', 'fn2']);
    // The decap SID goes with the last chain leaving by edge2.
    expect(del.plan.nodes.find((n) => n.node === 'edge2')!.sids).toEqual([{ sid: 'fc00:2:0:1::', behavior: 'End.DX4', action: 'delete' }]);
  });

  it('a chain that cannot be planned is refused with planning reason', async () => {
    const { planner } = await ready();
    await expect(planner.planDryRun({ name: 'bad', spec: spec([fn('x', 'nowhere')], '10.8.0.0/24') })).rejects.toMatchObject({ reason: 'UNKNOWN_NODE' });
  });

  it('an agent that cannot be asked is listed; its counts read 0', async () => {
    const { world, planner } = await ready();
    world.agent('fn1').reachable = false;
    const r = await planner.planDryRun({ name: 'web', spec: spec([fn('fw', 'fn2', 'firewall'), fn('nat', 'fn2')]) });
    expect(r.unavailable.map((u) => u.node)).toEqual(['fn1']);
    expect(r.plan.nodes.find((n) => n.node === 'fn1')!.ops).toEqual({ created: 0, replaced: 0, deleted: 0, unchanged: 0 });
  });
});
