/**
 * `netns-spawn-p50` / `netns-spawn-p99`: spawn-to-ready of 100 `firewall` instances (two legs, a
 * six-rule dual-stack ruleset: BENCH_FIREWALL), one after another, by a NetnsRuntime running
 * inside a fresh node namespace as the agent does (agent-worker.ts under `ip netns exec`).
 * "Ready" = `spawn()` resolved: namespace, legs addressed on both sides, routes, sysctls and the
 * nftables ruleset in place.
 *
 * - cold (`netns-spawn-p50/p99`): no pool, every namespace made on demand (the default agent).
 * - warm (`netns-spawn-warm-p50/p99`): a pool of 100 pre-made namespaces with legs (filled first,
 *   untimed); a spawn claims one, renames and addresses it, loads the ruleset.
 *
 * Reference: the published anchor for VIM instantiation of a unikernel (Ventre et al.: OpenVIM and
 * Nomad ≈ 300 ms), not measured in this run. stderr adds context measured in the run: the same
 * instance made with one exec per step from Node (ip netns add, ip -batch ×2, sysctl, nft -f).
 *
 * Runs standalone too: `tsx test/bench/agent-spawn.bench.ts` (root).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nftRuleset } from '../../src/agent/functions/nft-ruleset.js';
import { instanceLegs } from '../../src/agent/plan/leg-addressing.js';
import { hostColdLines, instanceInterfaces, instanceIpLines, instanceSysctlLines } from '../../src/agent/runtimes/netns/netns-scripts.js';
import { ip } from '../../src/lab/netns.js';
import { BENCH_FIREWALL } from './agent-objects.js';
import { createNamespace, deleteNamespace, runChild } from './bench-netns.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const WORKER = join(HERE, 'agent-worker.ts');

export const SPAWN_ANCHOR = {
  reference: 'published anchor: OpenVIM/Nomad unikernel instantiation ≈ 300 ms (Ventre et al.), not measured in this run',
  value: 300,
};

import { type Emit, emitter, runBench } from './bench-main.js';

const log = (s: string): void => void process.stderr.write(`${s}\n`);
const now = (): number => Number(process.hrtime.bigint()) / 1e6; // ms
export const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const fmt = (xs: readonly number[]): string =>
  `p50 ${percentile(xs, 50).toFixed(2)} ms, p90 ${percentile(xs, 90).toFixed(2)}, p99 ${percentile(xs, 99).toFixed(2)}, min ${Math.min(...xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)}`;

/** Deletes every namespace whose name starts with prefix (the instances a worker may have left). */
function sweep(prefix: string): number {
  const names = ip(['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(prefix));
  for (const n of names) {
    try {
      ip(['netns', 'del', n]);
    } catch {
      // gone meanwhile
    }
  }
  return names.length;
}

/** Lets the kernel's deferred namespace cleanup of the previous run finish before the next one. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, Number(process.env.BENCH_SETTLE_MS ?? 3000)));

async function workerRun(nodeNs: string, opts: object): Promise<{ times: number[]; destroyMs: number }> {
  const out = await runChild('ip', ['netns', 'exec', nodeNs, process.execPath, '--import', 'tsx', WORKER, 'spawn-bench', JSON.stringify(opts)]);
  return JSON.parse(out.trim().split('\n').pop()!) as { times: number[]; destroyMs: number };
}

/** Context: the same firewall instance, one exec per step from this (Node) process. */
function naiveSpawn(nodeNs: string, ns: string, slot: number): number {
  const legs = instanceLegs(slot, 2);
  const sysctls = instanceSysctlLines(['eth0', 'eth1']).map((l) => {
    const m = /^echo (\d) > \/proc\/sys\/(.+)$/.exec(l)!;
    return `${m[2]!.replace(/\//g, '.')}=${m[1]}`;
  });
  const t0 = now();
  ip(['netns', 'add', ns]);
  ip(['-n', nodeNs, '-batch', '-'], hostColdLines(ns, legs).slice(1).join('\n') + '\n');
  execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', ...sysctls], { stdio: 'pipe' });
  ip(['-n', ns, '-batch', '-'], instanceIpLines(BENCH_FIREWALL, legs, { lo: true }).join('\n') + '\n');
  execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: nftRuleset(BENCH_FIREWALL, instanceInterfaces(legs)), stdio: ['pipe', 'pipe', 'pipe'] });
  return now() - t0;
}

/** Removes the instance namespaces a (killed) spawn bench may have left: for SIGINT handlers. */
export function cleanupSpawnBench(): void {
  sweep(`sfc-bn${process.pid}`);
}

export async function benchNetnsSpawn(emit: Emit): Promise<void> {
  const count = Number(process.env.BENCH_SPAWNS ?? 100);
  const naiveCount = Number(process.env.BENCH_NAIVE_SPAWNS ?? 20);
  const stateDir = mkdtempSync(join(tmpdir(), 'sfc-bench-agent-'));
  const base = `bn${process.pid}`;
  const nodeNs = createNamespace();
  try {
    log(`agent bench: netns spawn-to-ready, ${count} firewall instances (2 legs, ${BENCH_FIREWALL.type === 'firewall' ? BENCH_FIREWALL.config?.rules?.length : 0} rules), node namespace ${nodeNs}`);

    const cold = await workerRun(nodeNs, { node: `${base}c`, stateDir: join(stateDir, 'cold'), count, poolSize: 0, legs: 2 });
    log(`  cold (no pool):   ${fmt(cold.times)}; destroy ${cold.destroyMs.toFixed(2)} ms each`);
    sweep(`sfc-${base}c-`);
    await settle();

    const warm = await workerRun(nodeNs, { node: `${base}w`, stateDir: join(stateDir, 'warm'), count, poolSize: count, legs: 2 });
    log(`  warm (pool of ${count}, filled before timing): ${fmt(warm.times)}; destroy ${warm.destroyMs.toFixed(2)} ms each`);
    sweep(`sfc-${base}w-`);
    await settle();

    const naive: number[] = [];
    try {
      for (let i = 0; i < naiveCount; i++) naive.push(naiveSpawn(nodeNs, `sfc-${base}n-${i}`, i));
    } finally {
      sweep(`sfc-${base}n-`);
    }
    log(`  context: the same instance as 5 execs from Node (ip netns add, ip -batch x2, sysctl, nft -f), ${naiveCount} spawns: ${fmt(naive)}`);

    emit('netns-spawn-p50', percentile(cold.times, 50), 'ms', `cold (no pool); ${SPAWN_ANCHOR.reference}`, SPAWN_ANCHOR.value);
    emit('netns-spawn-p99', percentile(cold.times, 99), 'ms', `cold (no pool); ${SPAWN_ANCHOR.reference}`, SPAWN_ANCHOR.value);
    emit('netns-spawn-warm-p50', percentile(warm.times, 50), 'ms', `warm (pool of ${count} pre-made namespaces); ${SPAWN_ANCHOR.reference}`, SPAWN_ANCHOR.value);
    emit('netns-spawn-warm-p99', percentile(warm.times, 99), 'ms', `warm (pool of ${count} pre-made namespaces); ${SPAWN_ANCHOR.reference}`, SPAWN_ANCHOR.value);
  } finally {
    const left = sweep(`sfc-${base}`);
    if (left > 0) log(`  removed ${left} leftover instance namespaces`);
    deleteNamespace(nodeNs);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** Standalone: `tsx test/bench/agent-spawn.bench.ts`. */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runBench(() => benchNetnsSpawn(emitter('agent')), cleanupSpawnBench);
}
