/**
 * `npm run bench:agent`: the node agent's benchmarks. One JSON line per metric on stdout
 * (DESIGN.md §6), progress on stderr. Must run as root (network namespaces).
 *
 * Each group of metrics is one function taking `emit`; add a group to GROUPS to extend the bench.
 * BENCH_ONLY=spawn,intent,instances selects groups (all by default). Knobs of the spawn group:
 * BENCH_SPAWNS (100), BENCH_NAIVE_SPAWNS (20), BENCH_SETTLE_MS (3000); of the intent group:
 * BENCH_CHAINS (10000), BENCH_REPS (3); of the instances group: BENCH_INSTANCES (10),
 * BENCH_CONCURRENCY (4), BENCH_REPS (3), BENCH_SETTLE_MS (1000).
 */
import type { Emit } from './bench-main.js';
import { benchNetnsSpawn, cleanupSpawnBench } from './agent-spawn.bench.js';
import { benchIntentApply } from './agent-intent.bench.js';
import { benchIntentInstances, cleanupInstancesBench } from './agent-instances.bench.js';
import { emitter, runBench } from './bench-main.js';

interface Group {
  readonly run: (emit: Emit) => Promise<void>;
  /** Synchronous last-resort cleanup (SIGINT/SIGTERM); each run cleans up after itself otherwise. */
  readonly cleanup?: () => void;
}

const GROUPS: Record<string, Group> = {
  spawn: { run: benchNetnsSpawn, cleanup: cleanupSpawnBench },
  intent: { run: (emit) => benchIntentApply(emit) },
  instances: { run: benchIntentInstances, cleanup: () => void cleanupInstancesBench() },
};

const emit = emitter('agent');

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the agent benchmark needs root (network namespaces)');
  const only = (process.env.BENCH_ONLY ?? Object.keys(GROUPS).join(',')).split(',').filter((g) => g in GROUPS);
  for (const g of only) await GROUPS[g]!.run(emit);
}

runBench(main, () => {
  for (const g of Object.values(GROUPS)) g.cleanup?.();
});
