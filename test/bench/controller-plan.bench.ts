/**
 * Planning at scale: 10k chains (3 functions each) over 2 edges and 8 function hosts, planned and
 * turned into every node's intent from nothing, and re-planned unchanged (the reconcile loop's
 * steady state). Then the heap the plans and intents take per chain.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { plan } from '../../src/controller/planning/plan.js';
import type { PlanOutput } from '../../src/controller/planning/types.js';
import { type Emit, log } from './bench-main.js';
import { benchChains, benchNodes, benchTopology } from './controller-objects.js';

/** A full collection: `node --expose-gc`'s gc, or the same function obtained at run time. */
function collector(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function settle(gc: () => void): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

export async function benchPlan(emit: Emit): Promise<void> {
  const n = Number(process.env.BENCH_CHAINS ?? 10_000);
  const reps = Number(process.env.BENCH_REPS ?? 3);
  const gc = collector();
  const nodes = benchNodes();
  const topology = benchTopology();
  const chains = benchChains(n);

  // Memory first, on a quiet heap: the inputs exist before and after; the plan output is the difference.
  const before = settle(gc);
  let held: PlanOutput | undefined = plan({ chains, nodes, topology });
  const after = settle(gc);
  const failed = Object.values(held.chains).filter((c) => !c.ok).length;
  if (failed > 0) throw new Error(`${failed} of ${n} chains failed to plan`);
  const items = Object.values(held.intents).reduce((s, i) => s + (i.edgeChains?.length ?? 0) + (i.instances?.length ?? 0) + (i.proxies?.length ?? 0) + (i.localSids?.length ?? 0), 0);
  log(`plan: ${n} chains → ${Object.keys(held.intents).length} intents, ${items} items; heap +${((after - before) / 2 ** 20).toFixed(1)} MiB`);
  const perChain = (after - before) / n;
  held = undefined;

  let best = Infinity;
  let last: PlanOutput | undefined;
  for (let r = 0; r < reps; r++) {
    settle(gc);
    const t0 = process.hrtime.bigint();
    last = plan({ chains, nodes, topology });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    log(`plan: rep ${r + 1}: ${(s * 1000).toFixed(0)} ms (${Math.round(n / s)} chains/s)`);
    best = Math.min(best, s);
  }
  emit('plan-10k-chains', n / best, 'chains/s');
  emit('memory-per-chain', perChain, 'bytes');

  let bestRe = Infinity;
  for (let r = 0; r < reps; r++) {
    settle(gc);
    const t0 = process.hrtime.bigint();
    const again = plan({ chains, nodes, topology, allocations: last!.allocations, previousIntents: last!.intents });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (again.changed.length > 0) throw new Error(`an unchanged re-plan changed ${again.changed.join(', ')}`);
    log(`replan (unchanged): rep ${r + 1}: ${(s * 1000).toFixed(0)} ms`);
    bestRe = Math.min(bestRe, s);
  }
  emit('replan-10k-chains-unchanged', n / bestRe, 'chains/s');
}
