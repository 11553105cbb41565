/**
 * Runs inside a bench namespace: applies the 10k-chain edge intent through the agent's reconciler
 * (NetlinkDataplane underneath) in a fresh process (cold: includes the JIT's first compile), re-applies
 * it unchanged, removes it, then applies it again in the now warm process (a long-running agent's
 * steady state). Prints {cold, warm, objects, reapplyOps, reapplySeconds} as JSON on stdout.
 */
import { Reconciler } from '../../src/agent/reconcile/reconciler.js';
import { FakeEdgeFirewall } from '../../src/agent/reconcile/edge-firewall.js';
import { MemoryIntentStore } from '../../src/agent/reconcile/intent-store.js';
import type { ApplyResult } from '../../src/agent/reconcile/types.js';
import { FakeRuntime } from '../../src/agent/runtimes/fake-runtime.js';
import { NetlinkDataplane } from '../../src/dataplane/netlink/netlink-dataplane.js';
import { edgeIntent } from './intent-objects.js';

const chains = Number(process.argv[2] ?? 10_000);
const dp = new NetlinkDataplane();
// Edge chains need no instances and no edge table: the fakes stand in for what this bench does not use.
const rec = new Reconciler({ dp, runtime: new FakeRuntime(), edge: new FakeEdgeFirewall(), store: new MemoryIntentStore(), locator: 'fc00::/16' });
const now = (): number => performance.now() / 1000;

function mustSucceed(r: ApplyResult): ApplyResult {
  const failed = r.items.filter((i) => !i.ok);
  if (failed.length > 0) throw new Error(`${failed.length} items failed, first: ${failed[0]!.message}`);
  return r;
}

async function timed(generation: number): Promise<{ seconds: number; result: ApplyResult }> {
  const intent = edgeIntent(chains, generation);
  const t0 = now();
  const result = mustSucceed(await rec.apply(intent));
  return { seconds: now() - t0, result };
}

const cold = await timed(1);
const t1 = now();
const again = await rec.apply(edgeIntent(chains, 2));
const reapplySeconds = now() - t1;
const removed = await rec.apply({ generation: 3 });
if (removed.ops.deleted < cold.result.ops.created) throw new Error(`removal deleted ${removed.ops.deleted} of ${cold.result.ops.created}`);
const warm = await timed(4);
dp.close();
process.stdout.write(
  `${JSON.stringify({
    cold: cold.seconds,
    warm: warm.seconds,
    objects: cold.result.ops.created,
    reapplySeconds,
    reapplyOps: again.ops.created + again.ops.replaced + again.ops.deleted,
  })}\n`,
);
