/**
 * The agent side of the dynamic (eBPF) proxy: validation and planning of `mode: dynamic` proxy
 * items, their wire form, the reconciler's use of the proxy port (op counts, refusals), and
 * AgentDynamicProxy's decisions against the in-memory bpftool/tc/ip model (fake-bpf-kernel.ts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { intentFromProto, intentToProto } from '../../../src/agent/grpc/intent-codec.js';
import type { InstanceSpec, NodeIntent, ProxySpec } from '../../../src/agent/intent/node-intent.js';
import { type DynamicProxyPlan, planNode } from '../../../src/agent/plan/plan-node.js';
import { AgentDynamicProxy, type DynamicProxyPort, inboundInterfaces, probeBpfProxy } from '../../../src/agent/proxy/dynamic/agent-proxy.js';
import { MAPS } from '../../../src/agent/proxy/dynamic/layout.js';
import { DynamicProxyLoader, splitJsonValues } from '../../../src/agent/proxy/dynamic/loader.js';
import { FakeEdgeFirewall } from '../../../src/agent/reconcile/edge-firewall.js';
import { MemoryIntentStore } from '../../../src/agent/reconcile/intent-store.js';
import { Reconciler } from '../../../src/agent/reconcile/reconciler.js';
import type { OpCounts } from '../../../src/agent/reconcile/types.js';
import { FakeRuntime } from '../../../src/agent/runtimes/fake-runtime.js';
import { loadProtos } from '../../../src/common/grpc/load-proto.js';
import type { Link } from '../../../src/dataplane/dataplane.js';
import { FakeDataplane } from '../../../src/dataplane/fake/fake-dataplane.js';
import { FakeKernel } from './fake-bpf-kernel.js';

const fw: InstanceSpec = { id: 'fw', slot: 1, legs: 2, function: { type: 'firewall', config: { defaultAction: 'accept' } }, sids: { dx4: 'fc00:2::a4', dx6: 'fc00:2::a6' } };
const mon: InstanceSpec = { id: 'mon', slot: 2, legs: 1, function: { type: 'monitor' }, sids: { dx4: 'fc00:2::b4', dx6: 'fc00:2::b6' } };
const DYN: NodeIntent = {
  generation: 1,
  instances: [fw, mon],
  proxies: [
    { instance: 'fw', chain: 'web', mode: 'dynamic' },
    { instance: 'mon', chain: 'web', mode: 'dynamic', families: [4] },
  ],
};
const ctx = { locator: 'fc00:2::/48', links: new Set(['lo', 'f0', 'f1']) };

describe('dynamic proxy items: validation and planning', () => {
  it('plans legs (id = slot, return dev = out leg, or in leg with one leg) and SIDs; no routes or rules', () => {
    const plan = planNode(DYN, ctx);
    expect(plan.rejected).toEqual([]);
    expect(plan.planned.filter((p) => p.kind === 'proxy').map((p) => p.key)).toEqual(['fw/web', 'mon/web']);
    expect(plan.dynamicProxy.legs.map(({ instance, id, returnDev, sids }) => ({ instance, id, returnDev, sids }))).toEqual([
      { instance: 'fw', id: 1, returnDev: 'sfc0001o', sids: ['fc00:2::a4', 'fc00:2::a6'] },
      { instance: 'mon', id: 2, returnDev: 'sfc0002i', sids: ['fc00:2::b4'] },
    ]);
    expect(plan.proxyRules).toEqual([]); // not even the static proxy's shared leg-space rules
    expect(plan.sidRoutes.filter((r) => r.item.kind === 'proxy')).toEqual([]);
  });

  it('refuses a dynamic item carrying a continuation, an IPv6 continuation, a dev or reverse lists, with field paths', () => {
    const bad: ProxySpec[] = [
      { instance: 'fw', chain: 'web', mode: 'dynamic', continuation: ['fc00:3::d4'] },
      { instance: 'mon', chain: 'web', mode: 'dynamic', continuationIpv6: ['fc00:3::d6'], dev: 'f1' },
    ];
    const plan = planNode({ ...DYN, proxies: bad }, ctx);
    expect(plan.rejected.map((r) => [r.key, r.reason, r.field])).toEqual([
      ['fw/web', 'INVALID_ITEM', 'proxies[0].continuation'],
      ['mon/web', 'INVALID_ITEM', 'proxies[1].continuationIpv6'],
    ]);
    expect(plan.rejected[1]!.message).toContain('proxies[1].dev');
    const rev = planNode({ ...DYN, proxies: [{ instance: 'fw', chain: 'web', mode: 'dynamic', reverse: { ipv4: ['fc00:1::d4'] } }] }, ctx);
    expect(rev.rejected.map((r) => r.field)).toEqual(['proxies[0].reverse']);
    expect(rev.dynamicProxy.legs).toEqual([]);
  });

  it('requires a continuation and a dev only of static items (absent mode = static)', () => {
    const plan = planNode({ ...DYN, proxies: [{ instance: 'fw', chain: 'web' }, { instance: 'mon', chain: 'web', mode: 'static', continuation: ['fc00:3::d4'], dev: 'f1' }] }, ctx);
    expect(plan.rejected.map((r) => r.key)).toEqual(['fw/web']);
    expect(plan.rejected[0]!.message).toMatch(/proxies\[0\]\.continuation.*proxies\[0\]\.dev|proxies\[0\]\.dev/s);
    expect(plan.proxyRules.length).toBeGreaterThan(0); // the static one's rules
    const bogus = planNode({ ...DYN, proxies: [{ instance: 'fw', chain: 'web', mode: 'fancy' as 'dynamic' }] }, ctx);
    expect(bogus.rejected[0]!.field).toBe('proxies[0].mode');
  });

  it('one proxy per instance, whatever the modes', () => {
    const plan = planNode({ ...DYN, proxies: [...DYN.proxies!, { instance: 'fw', chain: 'web', continuation: ['fc00:3::d4'], dev: 'f1' }] }, ctx);
    expect(plan.rejected.map((r) => [r.key, r.reason])).toEqual([['fw/web', 'CONFLICT']]);
    expect(plan.proxyRules).toEqual([]);
  });

  it('goes through the wire and back unchanged (mode, no continuation, no dev)', () => {
    const agent = loadProtos().srv6sfc.agent.v1;
    const m = agent.NodeIntent.deserialize(agent.NodeIntent.serialize(intentToProto(DYN)));
    expect(intentFromProto(m)).toStrictEqual(DYN);
    const stat: NodeIntent = { generation: 2, proxies: [{ instance: 'fw', chain: 'web', mode: 'static', continuation: ['fc00:3::d4'], dev: 'f1' }] };
    expect(intentFromProto(agent.NodeIntent.deserialize(agent.NodeIntent.serialize(intentToProto(stat))))).toStrictEqual(stat);
  });
});

/** A port that records what it was asked and answers with fixed counts. */
class RecordingPort implements DynamicProxyPort {
  readonly calls: { plan: DynamicProxyPlan; links: string[]; validateOnly: boolean }[] = [];
  cleaned = 0;
  constructor(private readonly answer: (plan: DynamicProxyPlan) => OpCounts) {}
  converge(plan: DynamicProxyPlan, links: readonly Link[], validateOnly: boolean) {
    this.calls.push({ plan, links: links.map((l) => l.name), validateOnly });
    return Promise.resolve({ ops: this.answer(plan), failed: [] });
  }
  cleanup() {
    this.cleaned++;
    return Promise.resolve();
  }
}

function reconciler(port?: DynamicProxyPort) {
  const dp = new FakeDataplane({ links: ['lo', 'f0', 'f1'] });
  const runtime = new FakeRuntime();
  const spawn = runtime.spawn.bind(runtime);
  runtime.spawn = async (spec) => {
    const s = await spawn(spec);
    dp.addLink(s.attachment.inDev);
    if (s.attachment.outDev !== s.attachment.inDev) dp.addLink(s.attachment.outDev);
    return s;
  };
  return new Reconciler({ dp, runtime, edge: new FakeEdgeFirewall(), store: new MemoryIntentStore(), locator: 'fc00:2::/48', ...(port ? { dynamicProxy: port } : {}) });
}

describe('reconciler and the dynamic proxy port', () => {
  it('hands the plan and the links after spawning to the port, and counts its operations', async () => {
    const port = new RecordingPort((p) => ({ created: p.legs.length, replaced: 0, deleted: 0, unchanged: 0 }));
    const rec = reconciler(port);
    const r = await rec.apply(DYN);
    expect(r.items.filter((i) => !i.ok)).toEqual([]);
    expect(port.calls[0]!.links).toEqual(expect.arrayContaining(['f0', 'f1', 'sfc0001i', 'sfc0001o', 'sfc0002i']));
    expect(port.calls[0]!.plan.legs.map((l) => l.id)).toEqual([1, 2]);
    const before = rec.operationTotals;
    port.calls.length = 0;
    await rec.apply({ ...DYN, generation: 2 }, { validateOnly: true });
    expect(port.calls[0]!.validateOnly).toBe(true);
    expect(rec.operationTotals).toEqual(before);
  });

  it('refuses dynamic items when the agent has no dynamic proxy; static ones still apply', async () => {
    const r = await reconciler().apply({ ...DYN, proxies: [DYN.proxies![0]!, { instance: 'mon', chain: 'web', continuation: ['fc00:3::d4'], dev: 'f1' }] });
    expect(r.items.filter((i) => !i.ok).map((i) => [i.key, i.reason])).toEqual([['fw/web', 'DYNAMIC_PROXY_UNAVAILABLE']]);
    expect(r.items.find((i) => i.key === 'mon/web')!.ok).toBe(true);
  });
});

describe('AgentDynamicProxy (against a model of bpftool, tc and ip)', () => {
  let dir: string;
  let kernel: FakeKernel;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sfc-dynproxy-agent-'));
    kernel = new FakeKernel();
    kernel.links.set('f1', 3);
    kernel.links.set('sfc0002i', 9);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const proxy = () => new AgentDynamicProxy(new DynamicProxyLoader({ node: 'fn1', bpffs: dir, object: '/obj/sr_proxy.o', run: kernel.run, returnHook: 'tc' }));
  const links = (): Link[] => [...kernel.links].map(([name, index]) => ({ name, index })).concat([{ name: 'lo', index: 1 }]);
  const plan = (intent: NodeIntent = DYN) => planNode(intent, { locator: 'fc00:2::/48', links: new Set(kernel.links.keys()) }).dynamicProxy;
  const total = (o: OpCounts) => o.created + o.replaced + o.deleted;

  it('inbound on the non-leg interfaces only', () => {
    expect(inboundInterfaces(links())).toEqual(['f0', 'f1']);
  });

  it('with nothing dynamic and nothing pinned, runs not a single command', async () => {
    const r = await proxy().converge({ legs: [] }, links(), false);
    expect(r.ops).toEqual({ created: 0, replaced: 0, deleted: 0, unchanged: 0 });
    expect(kernel.log).toEqual([]);
  });

  it('loads, attaches, wires legs and SIDs; the same plan again performs 0 operations', async () => {
    const p = proxy();
    const first = await p.converge(plan(), links(), false);
    expect(first.failed).toEqual([]);
    // load + inbound on f0, f1 + 2 legs + 3 SIDs
    expect(first.ops).toEqual({ created: 8, replaced: 0, deleted: 0, unchanged: 0 });
    expect(kernel.filters.get('f0')![0]!.name).toBe('sfc_proxy_in');
    expect(kernel.filters.get('sfc0001o')![0]!.name).toBe('sfc_proxy_out');
    expect(kernel.filters.get('sfc0002i')![0]!.name).toBe('sfc_proxy_out');
    expect(kernel.rules).toEqual([]); // tc hook: no rule, table or mark
    expect(kernel.routes).toEqual([]);
    expect([...(await p.loader.sids())]).toEqual([
      ['fc00:2::a4', 1],
      ['fc00:2::a6', 1],
      ['fc00:2::b4', 2],
    ]);
    kernel.log.length = 0;
    const again = await p.converge(plan(), links(), false);
    expect(total(again.ops)).toBe(0);
    expect(again.ops.unchanged).toBe(8);
    expect(kernel.log.filter((x) => !x.startsWith('mount'))).toEqual([]); // only reads (the model's temp dir is no bpffs)
    expect(total((await p.converge(plan(), links(), true)).ops)).toBe(0);
  });

  it('removes SIDs and legs the plan no longer lists, and re-wires a respawned leg (new ifindex)', async () => {
    const p = proxy();
    await p.converge(plan(), links(), false);
    const onlyFw: NodeIntent = { ...DYN, instances: [fw], proxies: [DYN.proxies![0]!] };
    const r = await p.converge(plan(onlyFw), links(), false);
    expect(r.ops).toMatchObject({ created: 0, replaced: 0, deleted: 2 }); // mon's SID and leg
    expect([...(await p.loader.sids()).keys()]).toEqual(['fc00:2::a4', 'fc00:2::a6']);
    expect(kernel.filters.get('sfc0002i') ?? []).toEqual([]);
    expect([...kernel.maps.get(MAPS.legs)!.values()]).toEqual(['0100000000000000']);

    kernel.links.set('sfc0001o', 17); // fw respawned
    const re = await p.converge(plan(onlyFw), links(), false);
    expect(re.ops).toMatchObject({ created: 0, replaced: 1, deleted: 1 });
    expect([...(await p.loader.legEntries())]).toEqual([[17, 1]]);
    expect(total((await p.converge(plan(onlyFw), links(), false)).ops)).toBe(0);
  });

  it('the last dynamic item gone: its legs and SIDs go, the programs stay for the next chain; cleanup removes everything', async () => {
    const p = proxy();
    await p.converge(plan(), links(), false);
    const r = await p.converge({ legs: [] }, links(), false);
    expect(r.ops.deleted).toBeGreaterThan(0);
    expect(p.loader.pinned()).toBe(true);
    expect(await p.loader.sids()).toEqual(new Map());
    expect(await p.loader.legEntries()).toEqual(new Map());
    // Only the inbound filters are left; an unchanged empty plan changes nothing.
    expect([...kernel.filters.values()].flat().every((f) => f.name === 'sfc_proxy_in')).toBe(true);
    expect(total((await p.converge({ legs: [] }, links(), false)).ops)).toBe(0);
    await p.cleanup();
    expect(p.loader.pinned()).toBe(false);
    expect([...kernel.filters.values()].flat()).toEqual([]);
  });

  it('wires many legs and SIDs in one batch per tool, not one process each', async () => {
    const p = proxy();
    await p.converge(plan(), links(), false);
    expect(kernel.batches.filter((b) => b.startsWith('bpftool batch')).length).toBeLessThanOrEqual(2); // legs + stats, SIDs
    expect(kernel.batches.filter((b) => b.startsWith('tc -batch')).length).toBe(1); // clsact + filters of every leg
    expect(kernel.log.filter((l) => l.startsWith('bpftool map update')).length).toBeGreaterThan(0); // the lines, run through the model
    // Removing them all: one tc batch (clsact off the legs), one dump batch, one delete batch per kind.
    kernel.batches.length = 0;
    await p.converge({ legs: [] }, links(), false);
    expect(kernel.batches.length).toBeLessThanOrEqual(5);
    expect(await p.loader.sids()).toEqual(new Map());
  });

  it('splits what `tc -j -batch` prints into one value per command', () => {
    expect(splitJsonValues('[]\n[{"a":"]["}]\n[]\n')).toEqual([[], [{ a: '][' }], []]);
  });

  it('probes the feature with a scratch load and leaves no pins; a failed load says why', async () => {
    expect(await probeBpfProxy({ bpffs: dir, run: kernel.run, object: '/obj/sr_proxy.o' })).toEqual({ ok: true });
    expect(kernel.log.some((x) => x.startsWith('bpftool prog loadall'))).toBe(true);
    expect(existsSync(join(dir, 'sfc'))).toBe(false);
    expect([...kernel.filters.values()].flat()).toEqual([]); // nothing attached
    const no = await probeBpfProxy({ bpffs: dir, run: (argv) => (argv[0] === 'bpftool' ? Promise.reject(new Error('spawn bpftool ENOENT')) : kernel.run(argv)), object: '/obj/sr_proxy.o' });
    expect(no).toEqual({ ok: false, reason: 'spawn bpftool ENOENT' });
    expect(existsSync(join(dir, 'sfc'))).toBe(false);
  });

  it('a load that fails refuses the dynamic items', async () => {
    const failing = new AgentDynamicProxy(
      new DynamicProxyLoader({
        node: 'fn1',
        bpffs: dir,
        object: '/obj/sr_proxy.o',
        returnHook: 'tc',
        run: (argv) => (argv[0] === 'bpftool' ? Promise.reject(new Error('bpftool: not found')) : kernel.run(argv)),
      }),
    );
    const r = await failing.converge(plan(), links(), false);
    expect(r.failed.map((f) => [f.key, f.reason])).toEqual([
      ['fw/web', 'DYNAMIC_PROXY_UNAVAILABLE'],
      ['mon/web', 'DYNAMIC_PROXY_UNAVAILABLE'],
    ]);
  });
});
