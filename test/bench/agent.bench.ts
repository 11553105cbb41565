/**
 * `npm run bench:agent`: the node agent's benchmarks. One JSON line per metric on stdout
 * (DESIGN.md §6), progress on stderr. Must run as root (network namespaces).
 *
 * Each group of metrics is one function taking `emit`; add a group to GROUPS to extend the bench.
 * BENCH_ONLY=spawn,intent selects groups (all by default). Knobs of the spawn group: BENCH_SPAWNS
 * (100), BENCH_NAIVE_SPAWNS (20), BENCH_SETTLE_MS (3000); of the intent group: BENCH_CHAINS (10000),
 * BENCH_REPS (3).
 */
import { type Emit, benchNetnsSpawn, cleanupSpawnBench } from './agent-spawn.bench.js';
import { benchIntentApply } from './agent-intent.bench.js';
import { cleanupAll } from './bench-netns.js';

interface Group {
  readonly run: (emit: Emit) => Promise<void>;
  /** Synchronous last-resort cleanup (SIGINT/SIGTERM); each run cleans up after itself otherwise. */
  readonly cleanup?: () => void;
}

const GROUPS: Record<string, Group> = {
  spawn: { run: benchNetnsSpawn, cleanup: cleanupSpawnBench },
  intent: { run: (emit) => benchIntentApply(emit) },
};

const log = (s: string): void => void process.stderr.write(`${s}\n`);
const round = (x: number, digits = 4): number => Number(x.toPrecision(digits));

const emit: Emit = (metric, value, unit, reference, referenceValue) => {
  const line: Record<string, unknown> = { bench: 'agent', metric, value: round(value), unit };
  if (reference !== undefined && referenceValue !== undefined) {
    line.reference = reference;
    line.referenceValue = round(referenceValue);
    line.ratio = round(value / referenceValue, 3);
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the agent benchmark needs root (network namespaces)');
  const only = (process.env.BENCH_ONLY ?? Object.keys(GROUPS).join(',')).split(',').filter((g) => g in GROUPS);
  for (const g of only) await GROUPS[g]!.run(emit);
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    log(`bench: ${sig}, cleaning up`);
    cleanupAll();
    for (const g of Object.values(GROUPS)) g.cleanup?.();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  });
}

main()
  .catch((e: unknown) => {
    log(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  })
  .finally(cleanupAll);
