/**
 * `npm run bench:controller`: the controller's benchmarks. One JSON line per metric on stdout
 * (DESIGN.md §6), progress on stderr. Planning figures have no reference (none exists); the
 * apply group names the published OpenVIM anchor.
 *
 * Each group of metrics is one function taking `emit`; add a group to GROUPS to extend the bench
 * (e.g. `apply`: Apply → Ready of a 5-function chain on the netns runtime, which needs root).
 * BENCH_ONLY=plan,apply selects groups (all by default; apply needs root). Knobs: BENCH_CHAINS
 * (10000), BENCH_REPS (plan 3, apply 5).
 */
import type { Emit } from './bench-main.js';
import { emitter, runBench } from './bench-main.js';
import { benchApplyToReady } from './controller-apply.bench.js';
import { benchPlan } from './controller-plan.bench.js';

interface Group {
  readonly run: (emit: Emit) => Promise<void>;
  /** Synchronous last-resort cleanup (SIGINT/SIGTERM); each run cleans up after itself otherwise. */
  readonly cleanup?: () => void;
}

const GROUPS: Record<string, Group> = {
  plan: { run: benchPlan },
  apply: { run: (emit) => benchApplyToReady(emit) },
};

const emit = emitter('controller');

async function main(): Promise<void> {
  const only = (process.env.BENCH_ONLY ?? Object.keys(GROUPS).join(',')).split(',').filter((g) => g in GROUPS);
  for (const g of only) await GROUPS[g]!.run(emit);
}

runBench(main, () => {
  for (const g of Object.values(GROUPS)) g.cleanup?.();
});
