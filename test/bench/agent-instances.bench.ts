/**
 * Agent metrics `intent-spawn-10-instances-ms` and `intent-remove-10-instances-ms`: one intent with
 * 10 monitors (two legs, End.DX4/End.DX6 SIDs and a static proxy each: a function host's share of
 * a 10-function chain) applied to a fresh agent's Reconciler + NetnsRuntime, until ApplyIntent
 * returns; then the empty intent (removal). The agent's default `--spawn-concurrency` (4) against
 * the reference measured in the same run: `--spawn-concurrency 1`, one instance after another.
 * Each run is a fresh process in a fresh node namespace (intent-spawn-worker.ts under `ip netns
 * exec`), BENCH_REPS runs of each alternating which goes first; medians.
 *
 * Knobs: BENCH_INSTANCES (10; the metric names keep their 10), BENCH_CONCURRENCY (4),
 * BENCH_REPS (3), BENCH_SETTLE_MS (1000: between the warm-up, the spawn and the removal, so the
 * kernel's deferred namespace cleanup of one does not run in the next).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SPAWN_CONCURRENCY } from '../../src/agent/reconcile/bounded.js';
import { ip } from '../../src/lab/netns.js';
import type { Emit } from './bench-main.js';
import { createNamespace, deleteNamespace, runChild } from './bench-netns.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const WORKER = join(HERE, 'intent-spawn-worker.ts');
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const base = `bi${process.pid}`;

/** Removes instance namespaces a killed worker may have left (`sfc-bi<pid>...`): for SIGINT handlers too. */
export function cleanupInstancesBench(): number {
  const names = ip(['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`sfc-${base}`));
  for (const n of names) {
    try {
      ip(['netns', 'del', n]);
    } catch {
      // gone meanwhile
    }
  }
  return names.length;
}

export async function benchIntentInstances(emit: Emit): Promise<void> {
  const count = Number(process.env.BENCH_INSTANCES ?? 10);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? DEFAULT_SPAWN_CONCURRENCY);
  const reps = Number(process.env.BENCH_REPS ?? 3);
  const settleMs = Number(process.env.BENCH_SETTLE_MS ?? 1000);
  const stateDir = mkdtempSync(join(tmpdir(), 'sfc-bench-instances-'));
  const runs: Record<number, { spawnMs: number; removeMs: number }[]> = { 1: [], [concurrency]: [] };
  let k = 0;
  const run = async (c: number, rep: number): Promise<void> => {
    const nodeNs = createNamespace();
    try {
      const opts = { node: `${base}c${c}r${rep}k${k++}`, stateDir: join(stateDir, String(k)), count, concurrency: c, settleMs };
      const out = await runChild('ip', ['netns', 'exec', nodeNs, process.execPath, '--import', 'tsx', WORKER, JSON.stringify(opts)]);
      const r = JSON.parse(out.trim().split('\n').pop()!) as { spawnMs: number; removeMs: number };
      runs[c]!.push(r);
      log(`  rep ${rep + 1}, --spawn-concurrency ${c}: ${count} instances spawned (intent applied) in ${r.spawnMs.toFixed(1)} ms, removed in ${r.removeMs.toFixed(1)} ms`);
    } finally {
      deleteNamespace(nodeNs);
    }
    await new Promise((r) => setTimeout(r, settleMs));
  };
  log(`agent bench: one intent with ${count} monitor instances (2 legs, 2 SIDs and a static proxy each), --spawn-concurrency ${concurrency} vs 1, ${reps} reps`);
  try {
    for (let rep = 0; rep < reps; rep++) {
      const order = rep % 2 === 0 ? [1, concurrency] : [concurrency, 1];
      for (const c of order) await run(c, rep);
    }
  } finally {
    const left = cleanupInstancesBench();
    if (left > 0) log(`  removed ${left} leftover instance namespaces`);
    rmSync(stateDir, { recursive: true, force: true });
  }
  const med = (c: number, f: 'spawnMs' | 'removeMs') => median(runs[c]!.map((r) => r[f]));
  const ref = `the same intent with --spawn-concurrency 1 (one instance after another), fresh agent, median of ${reps}`;
  emit('intent-spawn-10-instances-ms', med(concurrency, 'spawnMs'), 'ms', `${ref}; ours: --spawn-concurrency ${concurrency}, ${count} instances`, med(1, 'spawnMs'));
  emit('intent-remove-10-instances-ms', med(concurrency, 'removeMs'), 'ms', `${ref}; ours: --spawn-concurrency ${concurrency}, ${count} instances`, med(1, 'removeMs'));
}
