/**
 * Agents' periodic resyncs racing the controller's make-before-break (lab e2e, intermittent). The
 * union, switch and final steps carry ONE generation. A resync that took the intent an agent held
 * while the next step's apply was in flight re-applied it after that apply: the step was undone,
 * under the generation the controller believes the node holds, so no pass ever re-sent it:
 * - creating a snat chain: edge1's union intent (the NAT return's decap SID, no edge chain) came
 *   back after its switch: the ingress steered nothing into the chain (the server saw the client's
 *   own address);
 * - deleting it: edge1's (or edge2's) switch intent came back after the final one: the chain's
 *   decap SID stayed for good.
 */
import { describe, expect, it } from 'vitest';
import type { ChainFunction } from '../../../../src/model/chain.js';
import { type FakeWorld, fn, spec, standardWorld } from './fake-world.js';

const nat: ChainFunction = { name: 'nat', type: 'nat', placement: { node: 'fn2' }, config: { mode: 'snat', toAddress: '203.0.113.1' } };
const WEB = spec([fn('fw', 'fn1', 'firewall'), nat, fn('mon', 'fn1')]);

/** Each agent's resync timer fires during each apply the controller makes (kernel changed, intent not saved yet). */
function resyncDuringApplies(world: FakeWorld): Promise<unknown>[] {
  const resyncs: Promise<unknown>[] = [];
  for (const a of world.agents.values()) {
    const pushed = new Set<unknown>();
    a.beforeApply = (intent) => void pushed.add(intent);
    const save = a.store.save.bind(a.store);
    a.store.save = async (intent) => {
      // Once per controller push: a resync's own saves fire no more resyncs.
      if (pushed.delete(intent)) resyncs.push(a.rec.resync());
      return save(intent);
    };
  }
  return resyncs;
}

describe('world reconciler: agent resyncs racing its applies', () => {
  it('a chain created and deleted while every apply races a resync: programmed, then nothing left on any node', async () => {
    const { world, c } = await standardWorld();
    const resyncs = resyncDuringApplies(world);
    const settle = async () => {
      await c.reconciler.reconcileNow();
      await Promise.allSettled(resyncs);
      // The controller's periodic pass (observing every node) finds nothing to re-send.
      await c.reconciler.resyncAll();
      await c.reconciler.reconcileNow();
      await Promise.allSettled(resyncs);
    };

    await c.chains.apply({ name: 'web', spec: WEB });
    await settle();
    // The ingress steers into the chain (edge1's nexthops; edge2's is the NAT return's).
    const ingress = [...(await world.walks())].filter(([k]) => k.startsWith('edge1/')).map(([, w]) => w);
    expect(ingress).toEqual([{ hops: ['fn1/web-fw', 'fn2/web-nat', 'fn1/web-mon'], exit: 'edge2' }]);
    for (const n of ['edge1', 'edge2']) {
      expect((await world.agent(n).dp.listRoutes({ family: 6 })).some((r) => r.encap?.type === 'seg6local'), n).toBe(true);
    }

    await c.chains.delete('web');
    await settle();
    for (const [n, a] of world.agents) {
      expect((await a.dp.listRoutes({ family: 6 })).filter((r) => r.encap?.type === 'seg6local').map((r) => r.dst), n).toEqual([]);
      expect(await a.dp.listNexthops(), n).toEqual([]);
      expect(await a.runtime.list(), n).toEqual([]);
      expect(a.store.intent?.localSids, n).toBeUndefined();
    }
    expect(world.dangling).toEqual([]);
  });
});
