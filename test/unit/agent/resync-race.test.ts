/**
 * The agent's periodic resync against an apply in flight. The controller's make-before-break
 * pushes several intents of ONE generation (union, switch, final): a resync that took the intent
 * to re-apply before an apply in flight landed, and ran after it, brought back what that apply
 * removed — with the same generation, so the controller never noticed (a decap SID left behind
 * after a chain was deleted, lab e2e).
 */
import { describe, expect, it } from 'vitest';
import type { NodeIntent } from '../../../src/agent/intent/node-intent.js';
import { FakeEdgeFirewall } from '../../../src/agent/reconcile/edge-firewall.js';
import { MemoryIntentStore } from '../../../src/agent/reconcile/intent-store.js';
import { Reconciler } from '../../../src/agent/reconcile/reconciler.js';
import { FakeDataplane } from '../../../src/dataplane/fake/fake-dataplane.js';
import { FakeRuntime } from '../../../src/agent/runtimes/fake-runtime.js';

const DECAP = { sid: 'fc00:2::d4', dev: 'eth0', behavior: { action: 'End.DX4' as const, nh4: '0.0.0.0' } };
// The switch step: the chain's edge chain is gone, its decap SID not yet (same generation as the final step).
const SWITCH: NodeIntent = { generation: 7, tunnelSource: 'fc00:2::1', localSids: [DECAP] };
// The final step: the decap SID goes too.
const FINAL: NodeIntent = { generation: 7, tunnelSource: 'fc00:2::1' };

const seg6local = async (dp: FakeDataplane) => (await dp.listRoutes({ family: 6 })).filter((r) => r.encap?.type === 'seg6local').map((r) => r.dst);

describe('agent reconciler: resync racing an apply', () => {
  it('a resync that fires while an apply is in flight re-applies what that apply left, not the intent before it', async () => {
    const dp = new FakeDataplane({ links: ['lo', 'eth0'] });
    const store = new MemoryIntentStore();
    const rec = new Reconciler({ dp, runtime: new FakeRuntime(), edge: new FakeEdgeFirewall(), store, locator: 'fc00:2::/48' });
    await rec.apply(SWITCH);
    expect(await seg6local(dp)).toEqual(['fc00:2::d4/128']);

    // The resync timer fires while FINAL is being applied (its kernel changes made, not saved yet).
    let resync: Promise<unknown> | undefined;
    const save = store.save.bind(store);
    store.save = async (intent) => {
      if (intent === FINAL) resync ??= rec.resync();
      return save(intent);
    };
    const r = await rec.apply(FINAL);
    expect(r.items.every((i) => i.ok)).toBe(true);
    const again = (await resync) as Awaited<ReturnType<Reconciler['resync']>>;

    expect(await seg6local(dp)).toEqual([]);
    expect(store.intent).toBe(FINAL);
    expect(again && again.ops.created + again.ops.replaced + again.ops.deleted).toBe(0);
  });
});
