/**
 * `npm run bench:controller`: the controller's benchmarks. One JSON line per metric on stdout
 * (DESIGN.md §6), progress on stderr. No published or in-run reference exists for these figures,
 * so the lines carry no reference fields.
 *
 * Each group of metrics is one function taking `emit`; add a group to GROUPS to extend the bench
 * (e.g. `apply`: Apply → Ready of a 5-function chain on the netns runtime, which needs root).
 * BENCH_ONLY=plan selects groups (all by default). Knobs of the plan group: BENCH_CHAINS (10000),
 * BENCH_REPS (3).
 */
import type { Emit } from './bench-main.js';
import { emitter, runBench } from './bench-main.js';
import { benchPlan } from './controller-plan.bench.js';

interface Group {
  readonly run: (emit: Emit) => Promise<void>;
  /** Synchronous last-resort cleanup (SIGINT/SIGTERM); each run cleans up after itself otherwise. */
  readonly cleanup?: () => void;
}

const GROUPS: Record<string, Group> = {
  plan: { run: benchPlan },
};

const emit = emitter('controller');

async function main(): Promise<void> {
  const only = (process.env.BENCH_ONLY ?? Object.keys(GROUPS).join(',')).split(',').filter((g) => g in GROUPS);
  for (const g of only) await GROUPS[g]!.run(emit);
}

runBench(main, () => {
  for (const g of Object.values(GROUPS)) g.cleanup?.();
});
