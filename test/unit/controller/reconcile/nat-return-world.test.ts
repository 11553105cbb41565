/**
 * A chain with a snat NAT through the controller's reconcile loop, against fake nodes whose agents
 * are the real agent reconciler over fake kernels: the return path is programmed where it belongs
 * and goes away with the NAT, and no step leaves a pointer at a missing SID.
 */
import { describe, expect, it } from 'vitest';
import type { ChainFunction } from '../../../../src/model/chain.js';
import { type FakeWorld, fn, spec, standardWorld } from './fake-world.js';

const nat = (mode: 'snat' | 'masquerade'): ChainFunction => ({
  name: 'nat',
  type: 'nat',
  placement: { node: 'fn2' },
  config: mode === 'snat' ? { mode, toAddress: '203.0.113.1' } : { mode },
});
const web = (mode: 'snat' | 'masquerade') => spec([fn('fw', 'fn1', 'firewall'), nat(mode), fn('mon', 'fn1')]);

/**
 * A reply to the NAT address, from the egress's kernel on: its return nexthop, the SID it aims at
 * (into which instance, by which leg), that instance's reverse rule and table, and the SID the
 * reply ends at. Undefined when the egress steers nothing to the address.
 */
async function replyWalk(world: FakeWorld): Promise<{ enters: string; leg: 'in' | 'out'; then: readonly string[]; endsAt: string } | undefined> {
  const egress = world.agent('edge2').dp;
  const route = (await egress.listRoutes({ family: 4 })).find((r) => r.dst.startsWith('203.0.113.1'));
  if (route?.nhid === undefined) return undefined;
  const nh = (await egress.listNexthops()).find((n) => n.id === route.nhid)!;
  const sid = nh.encap?.type === 'seg6' ? nh.encap.segments[0]! : '';
  const fn2 = world.agent('fn2');
  const sidRoute = (await fn2.dp.listRoutes({ family: 6 })).find((r) => r.dst === `${sid}/128`)!;
  const inst = (await fn2.runtime.list()).find((i) => i.attachment.inDev === sidRoute.dev || i.attachment.outDev === sidRoute.dev)!;
  // inside the instance, what entered by the out leg leaves by the in leg: the reverse proxy
  const rule = (await fn2.dp.listRules({ family: 4 })).find((r) => r.iif === inst.attachment.inDev)!;
  const back = (await fn2.dp.listRoutes({ family: 4 })).find((r) => r.table === rule.table)!;
  const then = back.encap?.type === 'seg6' ? back.encap.segments : [];
  const end = (await world.agent('edge1').dp.listRoutes({ family: 6 })).find((r) => r.dst === `${then[0]}/128`);
  return { enters: inst.id, leg: sidRoute.dev === inst.attachment.outDev ? 'out' : 'in', then, endsAt: end?.encap?.type === 'seg6local' ? end.encap.behavior.action : 'nothing' };
}

describe('world reconciler: a NAT return path', () => {
  it('is programmed with the chain (Ready), and goes away when the NAT becomes a masquerade', async () => {
    const { world, c } = await standardWorld();
    await c.chains.apply({ name: 'web', spec: web('snat') });
    const report = await c.reconciler.reconcileNow();
    expect(report.chains.get('web')).toMatchObject({ ready: true, retry: false });
    expect(await replyWalk(world)).toEqual({ enters: 'web-nat', leg: 'out', then: [expect.stringMatching(/^fc00:1:/)], endsAt: 'End.DX4' });
    // the forward path is unchanged: fw, nat, mon, out at edge2
    expect([...(await world.walks()).values()]).toContainEqual({ hops: ['fn1/web-fw', 'fn2/web-nat', 'fn1/web-mon'], exit: 'edge2' });

    await c.chains.apply({ name: 'web', spec: web('masquerade') });
    expect((await c.reconciler.reconcileNow()).chains.get('web')).toMatchObject({ ready: true });
    expect(await replyWalk(world)).toBeUndefined();
    expect((await world.agent('edge1').dp.listRoutes({ family: 6 })).some((r) => r.encap?.type === 'seg6local')).toBe(false);
    expect((await world.agent('fn2').dp.listRules({ family: 4 })).filter((r) => r.priority === 4200)).toEqual([]);
    expect(world.dangling).toEqual([]);
    // The NAT's reverse list went in the final step, after the egress stopped steering replies to it:
    // replies never met a NAT without its way back.
    expect(world.intentFaults).toEqual([]);
  });
});
