/**
 * The agent's reconciler against the fake dataplane and fake runtime (kernel semantics, no I/O):
 * resulting state and operation counts, not call sequences.
 */
import { describe, expect, it } from 'vitest';
import { FakeDataplane } from '../../../src/dataplane/fake/fake-dataplane.js';
import type { NodeIntent } from '../../../src/agent/intent/node-intent.js';
import { chainNexthopId, chainTable, proxyTable } from '../../../src/agent/plan/ids.js';
import { FakeEdgeFirewall } from '../../../src/agent/reconcile/edge-firewall.js';
import { MemoryIntentStore } from '../../../src/agent/reconcile/intent-store.js';
import { Reconciler } from '../../../src/agent/reconcile/reconciler.js';
import type { AgentEvent } from '../../../src/agent/reconcile/types.js';
import { FakeRuntime, type FakeRuntimeOptions } from '../../../src/agent/runtimes/fake-runtime.js';
import type { FunctionSpec } from '../../../src/agent/functions/function-spec.js';

function harness(opts: { runtime?: FakeRuntimeOptions; spawnConcurrency?: number } = {}) {
  const dp = new FakeDataplane({ links: ['lo', 'eth0', 'cust0'] });
  const runtime = new FakeRuntime(opts.runtime);
  // The fake runtime's legs appear as interfaces in the fake kernel, as veths would.
  const spawn = runtime.spawn.bind(runtime);
  runtime.spawn = async (spec) => {
    const s = await spawn(spec);
    dp.addLink(s.attachment.inDev);
    dp.addLink(s.attachment.outDev);
    return s;
  };
  const destroy = runtime.destroy.bind(runtime);
  runtime.destroy = async (id) => {
    const s = (await runtime.list()).find((x) => x.id === id);
    const had = await destroy(id);
    if (s) for (const d of new Set([s.attachment.inDev, s.attachment.outDev])) dp.removeLink(d);
    return had;
  };
  const edge = new FakeEdgeFirewall();
  const store = new MemoryIntentStore();
  const make = () => new Reconciler({ dp, runtime, edge, store, locator: 'fc00:2::/48', ...(opts.spawnConcurrency !== undefined ? { spawnConcurrency: opts.spawnConcurrency } : {}) });
  return { dp, runtime, edge, store, rec: make(), make };
}

const INTENT: NodeIntent = {
  generation: 1,
  tunnelSource: 'fc00:2::1',
  edge: { customerInterfaces: ['cust0'], mssClamp: 1400, sidSpace: ['fc00::/16'] },
  edgeChains: [
    {
      chain: 'web',
      id: 1,
      dev: 'eth0',
      segments: ['fc00:2::f1', 'fc00:3::d4'],
      classifiers: [{ dst: '10.2.0.0/24' }, { dst: '2001:db8::/64' }, { dst: '10.3.0.0/24', src: '10.1.0.0/24', protocol: 6, dstPorts: { start: 80, end: 80 } }],
    },
  ],
  localSids: [{ sid: 'fc00:2::d4', dev: 'eth0', behavior: { action: 'End.DX4', nh4: '0.0.0.0' } }],
  instances: [{ id: 'fw1', slot: 1, legs: 2, function: { type: 'firewall', config: { defaultAction: 'accept' } }, sids: { dx4: 'fc00:2::f1', dx6: 'fc00:2::f2' } }],
  proxies: [{ instance: 'fw1', chain: 'web', continuation: ['fc00:3::d4'], dev: 'eth0' }],
};

const changed = (ops: { created: number; replaced: number; deleted: number }) => ops.created + ops.replaced + ops.deleted;

describe('agent reconciler', () => {
  it('applies a full intent, and re-applying it performs 0 operations', async () => {
    const { dp, runtime, edge, rec } = harness();
    const first = await rec.apply(INTENT);
    expect(first.items.filter((i) => !i.ok)).toEqual([]);
    expect(first.ops.created).toBeGreaterThan(10);
    expect(first.ops.deleted).toBe(0);
    expect(edge.ruleset).toContain('maxseg size set 1400');
    expect(await dp.getTunnelSource()).toBe('fc00:2::1');
    expect((await dp.listNexthops()).map((n) => n.id).sort()).toEqual([chainNexthopId(1, 4), chainNexthopId(1, 6)]);
    const routes = await dp.listRoutes();
    expect(routes.find((r) => r.dst === '10.2.0.0/24')?.nhid).toBe(chainNexthopId(1, 4));
    expect(routes.find((r) => r.dst === '0.0.0.0/0' && r.table === chainTable(1))?.nhid).toBe(chainNexthopId(1, 4));
    expect(routes.find((r) => r.dst === 'fc00:2::f1/128')?.encap).toMatchObject({ behavior: { action: 'End.DX4', nh4: '169.254.0.10' } });
    expect(routes.find((r) => r.dst === '0.0.0.0/0' && r.table === proxyTable(1))?.encap).toMatchObject({ mode: 'encap.red', segments: ['fc00:3::d4'] });
    expect((await dp.listRules()).some((r) => r.iif === 'sfc0001o' && r.table === proxyTable(1))).toBe(true);

    const [kernelOps, runtimeOps] = [dp.opsPerformed, runtime.opsPerformed];
    const second = await rec.apply(INTENT);
    expect(second.ops).toEqual({ created: 0, replaced: 0, deleted: 0, unchanged: first.ops.created });
    expect(dp.opsPerformed).toBe(kernelOps);
    expect(runtime.opsPerformed).toBe(runtimeOps);
  });

  it('changing the chain touches only its nexthop', async () => {
    const { dp, rec } = harness();
    await rec.apply(INTENT);
    const before = dp.opsPerformed;
    const reordered = { ...INTENT, generation: 2, edgeChains: [{ ...INTENT.edgeChains![0]!, segments: ['fc00:9::1', 'fc00:2::f1', 'fc00:3::d4'] }] };
    const r = await rec.apply(reordered);
    expect(r.ops).toMatchObject({ created: 0, replaced: 2, deleted: 0 }); // the IPv4 and IPv6 nexthops
    expect(dp.opsPerformed - before).toBe(2);
  });

  it('keeps running totals of what it performed (dry runs excluded), for per-change readings', async () => {
    const { rec } = harness();
    const first = await rec.apply(INTENT);
    await rec.apply({ ...INTENT, generation: 2, edgeChains: [{ ...INTENT.edgeChains![0]!, segments: ['fc00:9::1', 'fc00:3::d4'] }] }, { validateOnly: true });
    const changed = await rec.apply({ ...INTENT, generation: 2, edgeChains: [{ ...INTENT.edgeChains![0]!, segments: ['fc00:9::1', 'fc00:3::d4'] }] });
    expect(rec.operationTotals).toEqual({
      created: first.ops.created,
      replaced: changed.ops.replaced,
      deleted: 0,
      unchanged: first.ops.unchanged + changed.ops.unchanged,
    });
    expect(changed.ops.replaced).toBe(2);
  });

  it('a dual-stack chain: the IPv6 nexthop and proxy table use the IPv6 lists', async () => {
    const { dp, rec } = harness();
    const ds: NodeIntent = {
      ...INTENT,
      edgeChains: [{ ...INTENT.edgeChains![0]!, segments: ['fc00:2::f1', 'fc00:3::d4'], segmentsIpv6: ['fc00:2::f2', 'fc00:3::d6'] }],
      proxies: [{ instance: 'fw1', chain: 'web', continuation: ['fc00:3::d4'], continuationIpv6: ['fc00:3::d6'], dev: 'eth0' }],
    };
    const r = await rec.apply(ds);
    expect(r.items.filter((i) => !i.ok)).toEqual([]);
    const nh = Object.fromEntries((await dp.listNexthops()).map((n) => [n.family, n.encap?.segments]));
    expect(nh).toEqual({ 4: ['fc00:2::f1', 'fc00:3::d4'], 6: ['fc00:2::f2', 'fc00:3::d6'] });
    const proxyRoutes = (await dp.listRoutes()).filter((x) => x.table === proxyTable(1));
    expect(Object.fromEntries(proxyRoutes.map((x) => [x.family, x.encap?.type === 'seg6' && x.encap.segments]))).toEqual({ 4: ['fc00:3::d4'], 6: ['fc00:3::d6'] });
  });

  it('removes what the intent no longer lists, in reverse dependency order', async () => {
    const { dp, runtime, edge, rec } = harness();
    await rec.apply(INTENT);
    const noChain = await rec.apply({ ...INTENT, generation: 2, edgeChains: [] });
    expect(noChain.items.every((i) => i.ok)).toBe(true);
    expect(await dp.listNexthops()).toEqual([]);
    expect((await dp.listRoutes()).some((r) => r.nhid !== undefined)).toBe(false);
    expect((await dp.listRules()).some((r) => r.table === chainTable(1))).toBe(false);
    expect(await runtime.list()).toHaveLength(1);

    const empty = await rec.apply({ generation: 3 });
    expect(empty.ops.deleted).toBeGreaterThan(0);
    expect(await dp.listRoutes()).toEqual([]);
    expect(await dp.listRules()).toEqual([]);
    expect(await runtime.list()).toEqual([]);
    expect(edge.ruleset).toBeUndefined();
  });

  it('rejects bad items one by one with a reason and a field path; the rest applies', async () => {
    const { dp, rec } = harness();
    const bad: NodeIntent = {
      ...INTENT,
      localSids: [
        { sid: 'fc00:9::1', dev: 'eth0', behavior: { action: 'End' } },
        { sid: 'fc00:2::e', dev: 'nope0', behavior: { action: 'End' } },
        { sid: 'fc00:2::d4', dev: 'eth0', behavior: { action: 'End.DX4', nh4: '0.0.0.0' } },
      ],
      edgeChains: [...INTENT.edgeChains!, { chain: 'dup', id: 2, dev: 'eth0', segments: ['fc00:3::d4'], classifiers: [{ dst: '10.2.0.0/24' }] }],
      instances: [...INTENT.instances!, { id: 'bad', slot: 2, legs: 1, function: { type: 'firewall', config: { defaultAction: 'reject' as 'drop' } }, sids: { dx4: 'fc00:2::b1' } }],
    };
    const r = await rec.apply(bad);
    const failures = Object.fromEntries(r.items.filter((i) => !i.ok).map((i) => [i.key, [i.reason, i.field]]));
    expect(failures).toEqual({
      'fc00:9::1': ['INVALID_ITEM', 'localSids[0].sid'],
      'fc00:2::e': ['INVALID_ITEM', 'localSids[1].dev'],
      dup: ['CONFLICT', 'edgeChains[1].classifiers[0]'],
      bad: ['INVALID_ITEM', 'instances[1].function.config.defaultAction'],
    });
    expect(r.items.filter((i) => i.ok).map((i) => i.key)).toEqual(expect.arrayContaining(['web', 'fw1', 'fc00:2::d4']));
    expect((await dp.listRoutes()).some((r2) => r2.dst === 'fc00:2::d4/128')).toBe(true);
  });

  it('corrects drift on resync and says so', async () => {
    const { dp, rec } = harness();
    await rec.apply(INTENT);
    const events: AgentEvent[] = [];
    rec.onEvent((e) => events.push(e));
    await dp.deleteRoute({ family: 4, dst: '10.2.0.0/24' });
    await dp.withProtocol(4).addRoute({ family: 6, dst: 'fc00:99::/64', dev: 'eth0' }); // foreign: left alone
    const r = await rec.resync();
    expect(r?.ops).toMatchObject({ created: 1, replaced: 0, deleted: 0 });
    expect((await dp.listRoutes()).some((x) => x.dst === '10.2.0.0/24')).toBe(true);
    expect((await dp.listRoutes({ all: true })).some((x) => x.dst === 'fc00:99::/64')).toBe(true);
    expect(events.find((e) => e.type === 'driftCorrected')).toMatchObject({ ops: { created: 1 } });
    expect(events.find((e) => e.type === 'counters')).toBeDefined();
  });

  it('a restarted agent adopts what the kernel has: 0 operations', async () => {
    const { dp, make, rec } = harness();
    await rec.apply(INTENT);
    const before = dp.opsPerformed;
    const restarted = make();
    const r = await restarted.start();
    expect(r && changed(r.ops)).toBe(0);
    expect(dp.opsPerformed).toBe(before);
    expect(restarted.generation).toBe(1);
  });

  it('reports an exited instance and respawns it on resync', async () => {
    const { runtime, rec } = harness();
    await rec.start();
    await rec.apply(INTENT);
    const events: AgentEvent[] = [];
    rec.onEvent((e) => events.push(e));
    runtime.kill('fw1');
    expect(events).toContainEqual({ type: 'instanceExited', instance: 'fw1', reason: 'killed' });
    const r = await rec.resync();
    expect(r?.ops.replaced).toBe(1);
    expect((await runtime.list())[0]?.state).toBe('running');
  });

  it('a failed spawn fails that instance (and its proxy) only', async () => {
    const { dp, runtime, rec } = harness();
    runtime.failNextSpawn.add('fw1');
    const r = await rec.apply(INTENT);
    const failed = r.items.filter((i) => !i.ok).map((i) => [i.kind, i.key, i.reason]);
    expect(failed).toEqual([['instance', 'fw1', 'RUNTIME_FAILED']]);
    expect((await dp.listRoutes()).some((x) => x.dst === 'fc00:2::f1/128')).toBe(false);
    expect((await dp.listNexthops()).length).toBe(2);
  });

  it('refuses an older generation and changes nothing', async () => {
    const { dp, rec } = harness();
    await rec.apply({ ...INTENT, generation: 5 });
    const before = dp.opsPerformed;
    await expect(rec.apply({ ...INTENT, generation: 4 })).rejects.toMatchObject({ reason: 'STALE_GENERATION' });
    expect(dp.opsPerformed).toBe(before);
  });

  it('validate_only reports the operations it would make and makes none', async () => {
    const { dp, runtime, rec } = harness();
    const r = await rec.apply(INTENT, { validateOnly: true });
    expect(r.ops.created).toBeGreaterThan(10);
    expect(dp.opsPerformed).toBe(0);
    expect(runtime.opsPerformed).toBe(0);
  });
});

/** One chain of n monitors on this node (slots 10.., SIDs fc00:2::a<i>), each with its static proxy. */
function longChain(n: number, generation = 1, fn: FunctionSpec = { type: 'monitor' }): NodeIntent {
  const ids = Array.from({ length: n }, (_, i) => `m${i}`);
  const sid = (i: number) => `fc00:2::a${i.toString(16)}`;
  return {
    generation,
    tunnelSource: 'fc00:2::1',
    edgeChains: [{ chain: 'long', id: 2, dev: 'eth0', segments: [...ids.map((_, i) => sid(i)), 'fc00:3::d4'], classifiers: [{ dst: '10.9.0.0/24' }] }],
    instances: ids.map((id, i) => ({ id, slot: 10 + i, legs: 2, function: fn, sids: { dx4: sid(i) } })),
    proxies: ids.map((id) => ({ instance: id, chain: 'long', continuation: ['fc00:3::d4'], dev: 'eth0' })),
  };
}

const LATENCY = { latencyMs: 5 };

describe('agent reconciler: concurrent instance operations', () => {
  it('spawns up to the limit at once, never more, and reports exactly what one-at-a-time does', async () => {
    const seq = harness({ runtime: LATENCY, spawnConcurrency: 1 });
    const par = harness({ runtime: LATENCY, spawnConcurrency: 4 });
    const a = await seq.rec.apply(longChain(10));
    const b = await par.rec.apply(longChain(10));
    expect(seq.runtime.maxInFlight).toBe(1);
    expect(par.runtime.maxInFlight).toBe(4);
    expect(par.runtime.inFlight).toBe(0);
    expect(b).toEqual(a);
    expect(b.items.filter((i) => !i.ok)).toEqual([]);
    expect(b.ops.created).toBe(a.ops.created);
    expect((await par.runtime.list()).map((i) => i.id).sort()).toEqual(longChain(10).instances!.map((i) => i.id).sort());
    expect(await par.dp.listRoutes()).toEqual(await seq.dp.listRoutes());
    expect(await par.dp.listRules()).toEqual(await seq.dp.listRules());
    expect(par.runtime.opsPerformed).toBe(10);
  });

  it('the default limit is 4; fewer changes than the limit all run at once', async () => {
    const ten = harness({ runtime: LATENCY });
    await ten.rec.apply(longChain(10));
    expect(ten.runtime.maxInFlight).toBe(4);
    const three = harness({ runtime: LATENCY, spawnConcurrency: 8 });
    await three.rec.apply(longChain(3));
    expect(three.runtime.maxInFlight).toBe(3);
  });

  it('a failed spawn fails that instance only: the others spawn, the counts are the sequential ones', async () => {
    const seq = harness({ runtime: LATENCY, spawnConcurrency: 1 });
    const par = harness({ runtime: LATENCY, spawnConcurrency: 4 });
    for (const h of [seq, par]) h.runtime.failNextSpawn.add('m2');
    const a = await seq.rec.apply(longChain(10));
    const r = await par.rec.apply(longChain(10));
    expect(r).toEqual(a);
    expect(r.items.filter((i) => !i.ok).map((i) => [i.kind, i.key, i.reason])).toEqual([['instance', 'm2', 'RUNTIME_FAILED']]);
    expect((await par.runtime.list()).length).toBe(9);
    const routes = await par.dp.listRoutes();
    expect(routes.some((x) => x.dst === 'fc00:2::a2/128')).toBe(false); // its SID is not attempted
    expect(routes.filter((x) => x.encap?.type === 'seg6local').length).toBe(9);
    expect(par.runtime.maxInFlight).toBe(4);
    // The next apply retries it alone.
    const again = await par.rec.apply(longChain(10, 2));
    expect(again.items.every((i) => i.ok)).toBe(true);
    expect(again.ops.created).toBeGreaterThanOrEqual(1);
  });

  it('reconfigures and respawns concurrently too, within the limit', async () => {
    const { runtime, rec } = harness({ runtime: LATENCY, spawnConcurrency: 3 });
    await rec.start();
    await rec.apply(longChain(10));
    runtime.maxInFlight = 0;
    const reconf = await rec.apply(longChain(10, 2, { type: 'monitor', config: {} }));
    expect(reconf.ops).toMatchObject({ created: 0, replaced: 10, deleted: 0 });
    expect(runtime.maxInFlight).toBe(3);
    for (const id of ['m1', 'm4', 'm5', 'm8']) runtime.kill(id);
    runtime.maxInFlight = 0;
    const r = await rec.resync();
    expect(r?.ops).toMatchObject({ replaced: 4, deleted: 0 }); // created: their SIDs and proxies, gone with their legs
    expect(runtime.maxInFlight).toBe(3);
    expect((await runtime.list()).every((i) => i.state === 'running')).toBe(true);
  });

  it('destroys what the intent dropped concurrently; a failed destroy fails the apply after the others are done', async () => {
    const seq = harness({ runtime: LATENCY, spawnConcurrency: 1 });
    const par = harness({ runtime: LATENCY, spawnConcurrency: 4 });
    for (const h of [seq, par]) await h.rec.apply(longChain(10));
    par.runtime.maxInFlight = 0;
    const a = await seq.rec.apply({ generation: 2 });
    const b = await par.rec.apply({ generation: 2 });
    expect(b).toEqual(a);
    expect(b.ops.deleted).toBeGreaterThan(10); // 10 instances plus their SIDs, proxies, chain
    expect(par.runtime.maxInFlight).toBe(4);
    expect(await par.runtime.list()).toEqual([]);

    const { runtime, rec } = harness({ runtime: LATENCY, spawnConcurrency: 4 });
    await rec.apply(longChain(10));
    runtime.failNextDestroy.add('m0');
    await expect(rec.apply({ generation: 2 })).rejects.toThrow(/destroy of m0 failed/);
    expect(runtime.inFlight).toBe(0);
    expect((await runtime.list()).map((i) => i.id)).toEqual(['m0']);
    const retried = await rec.apply({ generation: 2 });
    expect(retried.ops.deleted).toBe(1);
    expect(await runtime.list()).toEqual([]);
  });

  it('operations on one slot keep their order: a respawn moving out of a slot finishes before the slot is taken again', async () => {
    // Destroys are slow here: unordered, the new instance's spawn would find the slot still taken.
    const slowDestroy: FakeRuntimeOptions = { latencyMs: (op) => (op === 'destroy' ? 20 : 2) };
    const run = async (spawnConcurrency: number) => {
      const h = harness({ runtime: slowDestroy, spawnConcurrency });
      const first: NodeIntent = { generation: 1, instances: [{ id: 'a', slot: 1, legs: 2, function: { type: 'monitor' }, sids: { dx4: 'fc00:2::a' } }] };
      await h.rec.apply(first);
      const moved: NodeIntent = {
        generation: 2,
        instances: [
          { id: 'a', slot: 2, legs: 2, function: { type: 'monitor' }, sids: { dx4: 'fc00:2::a' } },
          { id: 'b', slot: 1, legs: 2, function: { type: 'monitor' }, sids: { dx4: 'fc00:2::b' } },
        ],
      };
      const r = await h.rec.apply(moved);
      return { r, instances: (await h.runtime.list()).map((i) => [i.id, i.spec.slot]) };
    };
    const seq = await run(1);
    const par = await run(4);
    expect(seq.r.items.filter((i) => !i.ok)).toEqual([]);
    expect(par).toEqual(seq);
    expect(par.instances).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('refuses a limit below 1', () => {
    expect(() => harness({ spawnConcurrency: 0 })).toThrow(RangeError);
    expect(() => harness({ spawnConcurrency: 1.5 })).toThrow(RangeError);
  });
});
