/**
 * Runs inside a fresh node namespace (`ip netns exec NODE node --import tsx intent-spawn-worker.ts
 * <json>`), as an agent does: the agent's Reconciler over NetlinkDataplane and a NetnsRuntime with
 * the agent's wiring for `--spawn-concurrency N` (N job shells, at least 2). A warm-up apply/remove
 * of one instance starts the job shells and the JIT (a running agent has both), then times:
 *
 *   spawn   apply of one intent with `count` monitors (two legs, End.DX4 + End.DX6 SIDs and a
 *           static proxy each, as on a function host of the lab) until ApplyIntent returns
 *   remove  apply of the empty intent: the SIDs and proxies, then the `count` instances destroyed
 *
 * Prints ONE JSON line {spawnMs, removeMs} on stdout; progress on stderr.
 */
import type { NodeIntent } from '../../src/agent/intent/node-intent.js';
import { FakeEdgeFirewall } from '../../src/agent/reconcile/edge-firewall.js';
import { MemoryIntentStore } from '../../src/agent/reconcile/intent-store.js';
import { Reconciler } from '../../src/agent/reconcile/reconciler.js';
import type { ApplyResult } from '../../src/agent/reconcile/types.js';
import { NetnsRuntime } from '../../src/agent/runtimes/netns/index.js';
import { NetlinkDataplane } from '../../src/dataplane/netlink/netlink-dataplane.js';
import { BENCH_DEV } from './objects.js';

interface Options {
  node: string;
  stateDir: string;
  count: number;
  concurrency: number;
  settleMs: number;
}

const o = JSON.parse(process.argv[2] ?? '{}') as Options;
const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `count` monitors from `slot0`, SIDs fc00:2::<gen>:<i>:4 / :6, each with its static proxy. */
function intent(generation: number, count: number, slot0: number): NodeIntent {
  const ids = Array.from({ length: count }, (_, i) => `m${slot0 + i}`);
  const sid = (i: number, f: 4 | 6) => `fc00:2::${(slot0 + i).toString(16)}:${f}`;
  return {
    generation,
    instances: ids.map((id, i) => ({ id, slot: slot0 + i, legs: 2, function: { type: 'monitor' }, sids: { dx4: sid(i, 4), dx6: sid(i, 6) } })),
    proxies: ids.map((id) => ({ instance: id, chain: 'bench', continuation: ['fc00:3::d4'], continuationIpv6: ['fc00:3::d6'], dev: BENCH_DEV })),
  };
}

function mustSucceed(r: ApplyResult, what: string): ApplyResult {
  const failed = r.items.filter((i) => !i.ok);
  if (failed.length > 0) throw new Error(`${what}: ${failed.length} items failed, first: ${failed[0]!.kind} ${failed[0]!.key}: ${failed[0]!.message}`);
  return r;
}

async function main(): Promise<{ spawnMs: number; removeMs: number }> {
  const dp = new NetlinkDataplane();
  const runtime = new NetnsRuntime({ node: o.node, stateDir: o.stateDir, pollMs: 0, shells: Math.max(2, o.concurrency) });
  const rec = new Reconciler({ dp, runtime, edge: new FakeEdgeFirewall(), store: new MemoryIntentStore(), locator: 'fc00:2::/48', spawnConcurrency: o.concurrency });
  try {
    // Warm-up (untimed): job shells started, code paths compiled. Enough distinct instances to start every shell.
    mustSucceed(await rec.apply(intent(1, Math.max(2, o.concurrency), 1000)), 'warm-up');
    await rec.apply({ generation: 2 });
    await sleep(o.settleMs);

    const t0 = now();
    const spawned = mustSucceed(await rec.apply(intent(3, o.count, 0)), 'spawn');
    const spawnMs = now() - t0;
    const running = (await runtime.list()).filter((s) => s.state === 'running').length;
    if (running !== o.count || spawned.ops.created < o.count) throw new Error(`${running} instances running, ${spawned.ops.created} created, after applying ${o.count}`);
    await sleep(o.settleMs);

    const t1 = now();
    const removed = await rec.apply({ generation: 4 });
    const removeMs = now() - t1;
    if ((await runtime.list()).length !== 0 || removed.ops.deleted < o.count) throw new Error(`removal left instances (${removed.ops.deleted} deleted)`);
    return { spawnMs, removeMs };
  } finally {
    rec.stop();
    await runtime.close();
    dp.close();
  }
}

main().then(
  (out) => process.stdout.write(`${JSON.stringify(out)}\n`),
  (e: unknown) => {
    process.stderr.write(`intent-spawn-worker failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
