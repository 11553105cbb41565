/**
 * The agent's side of a NAT return path: return SIDs into an instance's out leg, the reverse proxy
 * on its in leg, and `direction: return` edge chains — derived objects (pure planNode) and the
 * resulting state against the fake dataplane and runtime.
 */
import { describe, expect, it } from 'vitest';
import type { NodeIntent } from '../../../src/agent/intent/node-intent.js';
import { ENCAPSULATED_RULE_PRIORITY, REVERSE_IIF_RULE_PRIORITY, chainNexthopId, proxyTable, reverseProxyTable } from '../../../src/agent/plan/ids.js';
import { planNode } from '../../../src/agent/plan/plan-node.js';
import { FakeEdgeFirewall } from '../../../src/agent/reconcile/edge-firewall.js';
import { MemoryIntentStore } from '../../../src/agent/reconcile/intent-store.js';
import { Reconciler } from '../../../src/agent/reconcile/reconciler.js';
import { FakeRuntime } from '../../../src/agent/runtimes/fake-runtime.js';
import { FakeDataplane } from '../../../src/dataplane/fake/fake-dataplane.js';

const LOCATOR = 'fc00:2::/48';
const NAT = { type: 'nat', config: { mode: 'snat', toAddress: '203.0.113.1' } } as const;

/** A node that is a NAT's host and the chain's egress and ingress at once (everything on one agent). */
const INTENT: NodeIntent = {
  generation: 1,
  edgeChains: [
    { chain: 'web', id: 1, dev: 'eth0', segments: ['fc00:2::a1'], classifiers: [{ dst: '10.2.0.0/24' }] },
    { chain: 'web', direction: 'return', id: 2, dev: 'eth0', segments: ['fc00:2::b1'], classifiers: [{ dst: '203.0.113.1' }] },
  ],
  localSids: [{ sid: 'fc00:2::d4', dev: 'eth0', behavior: { action: 'End.DX4', nh4: '0.0.0.0' } }],
  instances: [{ id: 'web-nat', slot: 3, legs: 2, function: NAT, sids: { dx4: 'fc00:2::a1' }, returnSids: { dx4: 'fc00:2::b1' } }],
  proxies: [{ instance: 'web-nat', chain: 'web', continuation: ['fc00:2::d4'], dev: 'eth0', families: [4], reverse: { ipv4: ['fc00:2::d4'] } }],
};

const ctx = { locator: LOCATOR, links: new Set(['lo', 'eth0']) };

describe('planNode: the NAT return path', () => {
  const p = planNode(INTENT, ctx);
  const routes = p.sidRoutes.map((r) => r.object);

  it('a return SID: End.DX4 into the out leg, with the host route that makes it resolve the instance', () => {
    expect(p.rejected).toEqual([]);
    // slot 3: in leg 169.254.0.24/30 (sfc0003i), out leg 169.254.0.28/30 (sfc0003o)
    expect(routes).toContainEqual({ family: 4, dst: '169.254.0.30/32', via: '169.254.0.30', dev: 'sfc0003o' });
    expect(routes).toContainEqual({ family: 6, dst: 'fc00:2::b1/128', dev: 'sfc0003o', encap: { type: 'seg6local', behavior: { action: 'End.DX4', nh4: '169.254.0.30' }, count: true } });
    // the in-leg SID as before
    expect(routes).toContainEqual({ family: 6, dst: 'fc00:2::a1/128', dev: 'sfc0003i', encap: { type: 'seg6local', behavior: { action: 'End.DX4', nh4: '169.254.0.26' }, count: true } });
  });

  it('a reverse proxy: iif <in leg> into a table of its own that re-encapsulates towards the ingress', () => {
    expect(routes).toContainEqual({ family: 4, dst: '0.0.0.0/0', table: reverseProxyTable(3), dev: 'eth0', encap: { type: 'seg6', mode: 'encap.red', segments: ['fc00:2::d4'] } });
    const rules = p.proxyRules.map((r) => r.object);
    expect(rules).toContainEqual({ family: 4, priority: REVERSE_IIF_RULE_PRIORITY, iif: 'sfc0003i', table: reverseProxyTable(3) });
    expect(rules.filter((r) => r.table === reverseProxyTable(3))).toHaveLength(1); // IPv4 only: no IPv6 list
    expect(rules).toContainEqual(expect.objectContaining({ iif: 'sfc0003o', table: proxyTable(3) })); // the forward proxy stays
    expect(reverseProxyTable(0)).toBeGreaterThan(proxyTable(8191));
  });

  it('outer packets a proxy table just made route by main: `from <tunnel source>` ahead of the iif rules', () => {
    const rules = planNode({ ...INTENT, tunnelSource: 'fc00:2::1' }, ctx).proxyRules.map((r) => r.object);
    const encapsulated = rules.find((r) => r.priority === ENCAPSULATED_RULE_PRIORITY);
    expect(encapsulated).toEqual({ family: 6, priority: ENCAPSULATED_RULE_PRIORITY, src: 'fc00:2::1/128', table: 254 });
    expect(Math.max(...rules.filter((r) => r !== encapsulated).map((r) => -r.priority))).toBeLessThan(-ENCAPSULATED_RULE_PRIORITY);
    // Without a tunnel source the outer source is the kernel's choice: no rule can name it.
    expect(p.proxyRules.some((r) => r.object.priority === ENCAPSULATED_RULE_PRIORITY)).toBe(false);
  });

  it('a chain\'s forward and return edge chains are distinct items with their own nexthops', () => {
    expect(p.planned.filter((x) => x.kind === 'edgeChain').map((x) => x.key)).toEqual(['web', 'web/return']);
    expect(p.nexthops.map((n) => [n.object.id, n.object.encap?.type === 'seg6' && n.object.encap.segments])).toEqual([
      [chainNexthopId(1, 4), ['fc00:2::a1']],
      [chainNexthopId(2, 4), ['fc00:2::b1']],
    ]);
    expect(p.classifierRoutes.map((r) => r.object)).toContainEqual({ family: 4, dst: '203.0.113.1', nhid: chainNexthopId(2, 4) });
  });

  it.each([
    ['a return SID on a one-leg instance', { instances: [{ ...INTENT.instances![0]!, legs: 1 as const }] }, 'instance', 'web-nat', 'INVALID_ITEM', 'instances[0].returnSids'],
    ['a return SID outside the locator', { instances: [{ ...INTENT.instances![0]!, returnSids: { dx4: 'fc00:9::b1' } }] }, 'instance', 'web-nat', 'INVALID_ITEM', 'instances[0].returnSids.dx4'],
    ['a return SID equal to the in-leg SID', { instances: [{ ...INTENT.instances![0]!, returnSids: { dx4: 'fc00:2::a1' } }] }, 'instance', 'web-nat', 'CONFLICT', 'instances[0].returnSids'],
    ['a reverse list that is no segment list', { proxies: [{ ...INTENT.proxies![0]!, reverse: { ipv4: ['nope'] } }] }, 'proxy', 'web-nat/web', 'INVALID_ITEM', 'proxies[0].reverse.ipv4[0]'],
    ['the same edge chain twice', { edgeChains: [INTENT.edgeChains![1]!, { ...INTENT.edgeChains![1]!, id: 3, classifiers: [{ dst: '203.0.113.2' }] }] }, 'edgeChain', 'web/return', 'CONFLICT', 'edgeChains[1].chain'],
  ] as const)('refuses %s', (_what, change, kind, key, reason, field) => {
    const q = planNode({ ...INTENT, ...change } as NodeIntent, ctx);
    expect(q.rejected).toContainEqual(expect.objectContaining({ kind, key, reason, field }));
  });

  it('refuses a reverse proxy on a one-leg instance (its only leg is where the forward proxy listens)', () => {
    const one = { ...INTENT, instances: [{ ...INTENT.instances![0]!, legs: 1 as const, returnSids: undefined }] } as NodeIntent;
    expect(planNode(one, ctx).rejected).toContainEqual(expect.objectContaining({ kind: 'proxy', reason: 'INVALID_ITEM', field: 'proxies[0].reverse' }));
  });
});

function harness() {
  const dp = new FakeDataplane({ links: ['lo', 'eth0'] });
  const runtime = new FakeRuntime();
  const spawn = runtime.spawn.bind(runtime);
  runtime.spawn = async (spec) => {
    const s = await spawn(spec);
    dp.addLink(s.attachment.inDev);
    dp.addLink(s.attachment.outDev);
    return s;
  };
  const rec = new Reconciler({ dp, runtime, edge: new FakeEdgeFirewall(), store: new MemoryIntentStore(), locator: LOCATOR });
  return { dp, runtime, rec };
}

describe('agent reconciler: the NAT return path', () => {
  it('installs it; re-applying is 0 operations; an intent without it removes exactly its objects', async () => {
    const { dp, runtime, rec } = harness();
    const first = await rec.apply(INTENT);
    expect(first.items.filter((i) => !i.ok)).toEqual([]);
    const routes = await dp.listRoutes();
    expect(routes.find((r) => r.dst === 'fc00:2::b1/128')?.encap).toMatchObject({ behavior: { action: 'End.DX4', nh4: '169.254.0.30' } });
    expect(routes.find((r) => r.table === reverseProxyTable(3))?.encap).toMatchObject({ mode: 'encap.red', segments: ['fc00:2::d4'] });
    expect(routes.find((r) => r.dst.startsWith('203.0.113.1'))?.nhid).toBe(chainNexthopId(2, 4));
    expect((await dp.listRules()).some((r) => r.iif === 'sfc0003i' && r.table === reverseProxyTable(3))).toBe(true);

    const again = await rec.apply({ ...INTENT, generation: 2 });
    expect(again.ops).toMatchObject({ created: 0, replaced: 0, deleted: 0 });

    // masquerade now: no return SID, no reverse list, no return edge chain
    const without: NodeIntent = {
      ...INTENT,
      generation: 3,
      edgeChains: [INTENT.edgeChains![0]!],
      instances: [{ ...INTENT.instances![0]!, function: { type: 'nat', config: { mode: 'masquerade' } }, returnSids: undefined }],
      proxies: [{ ...INTENT.proxies![0]!, reverse: undefined }],
    };
    const r = await rec.apply(without);
    expect(r.items.filter((i) => !i.ok)).toEqual([]);
    const after = await dp.listRoutes();
    expect(after.some((x) => x.dst === 'fc00:2::b1/128' || x.dst === '169.254.0.30/32' || x.table === reverseProxyTable(3) || x.dst.startsWith('203.0.113.1'))).toBe(false);
    expect((await dp.listRules()).some((x) => x.table === reverseProxyTable(3))).toBe(false);
    expect((await dp.listNexthops()).map((n) => n.id)).toEqual([chainNexthopId(1, 4)]);
    expect(after.some((x) => x.dst === 'fc00:2::a1/128')).toBe(true); // the forward path stays
    expect((await runtime.list()).map((i) => i.id)).toEqual(['web-nat']); // reconfigured, not respawned
  });
});
