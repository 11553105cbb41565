/**
 * `npm run bench:dataplane`: NetlinkDataplane against iproute2 (`ip -batch`), pyroute2 and the
 * published anchors in notes/dataplane-facts.md. One JSON line per metric on stdout (DESIGN.md §6),
 * progress on stderr. Must run as root: every measurement gets a fresh `sfc-bench-*` namespace,
 * and the timed NetlinkDataplane work runs in a worker process inside it (dataplane-worker.ts),
 * because netlink sockets bind to the namespace of the process that opens them.
 *
 * Environment knobs (for quick runs): BENCH_ROUTES (100000), BENCH_NEXTHOPS (10000), BENCH_REPS (3),
 * BENCH_ONLY=route,nexthop,switch,switch100k,dump (all by default).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitter, log, runBench } from './bench-main.js';
import { createNamespace, deleteNamespace, runChild } from './bench-netns.js';
import { BENCH_PROTO, nexthopLine, routeLine } from './objects.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const WORKER = join(HERE, 'dataplane-worker.ts');
const PYROUTE2 = join(HERE, 'pyroute2_routes.py');
const PYTHON = '/usr/bin/python3'; // Debian's, with python3-pyroute2 (not whatever python3 is on PATH)

const ROUTES = Number(process.env.BENCH_ROUTES ?? 100_000);
const NEXTHOPS = Number(process.env.BENCH_NEXTHOPS ?? 10_000);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'route,nexthop,switch,switch100k,dump').split(','));

/** Alternates who goes first, so background kernel work left by the previous namespace is shared. */
async function alternate(rep: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<void> {
  if (rep % 2 === 0) {
    await a();
    await b();
  } else {
    await b();
    await a();
  }
}
/** notes/dataplane-facts.md, "Nexthop objects carry the chain": npm netlink, one request at a time. */
const ANCHOR = { p50: 0.033, p99: 0.53, p50At100k: 100 };

const now = (): number => Number(process.hrtime.bigint()) / 1e9; // s
const best = (xs: number[]): number => Math.max(...xs);
const lowest = (xs: number[]): number => Math.min(...xs);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const emit = emitter('dataplane');

/** Runs `ip args` to completion and returns its wall time in seconds (exec of `ip` included, ~1 ms). */
function timeIp(args: string[]): number {
  const t0 = now();
  const r = spawnSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const s = now() - t0;
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr?.toString().trim() || r.signal}`);
  return s;
}

function ownedRouteCount(ns: string): number {
  const r = spawnSync('sh', ['-c', `ip -n ${ns} -6 route show proto ${BENCH_PROTO} | wc -l`], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

function nexthopCount(ns: string): number {
  const r = spawnSync('sh', ['-c', `ip -n ${ns} nexthop show proto ${BENCH_PROTO} | wc -l`], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

function expectCount(what: string, got: number, want: number): void {
  if (got !== want) throw new Error(`${what}: ${got} installed, expected ${want}`);
}

async function worker<T>(ns: string, mode: string, opts: object): Promise<T> {
  const out = await runChild('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', WORKER, mode, JSON.stringify(opts)]);
  const last = out.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}

/** Runs fn in a fresh namespace that is deleted afterwards, whatever happens. */
async function inFreshNs<T>(fn: (ns: string) => Promise<T> | T): Promise<T> {
  const ns = createNamespace();
  try {
    return await fn(ns);
  } finally {
    deleteNamespace(ns);
  }
}

/**
 * `ip -batch` stops at the first error. Bulk seg6 encaps can hit a transient ENOMEM (per-CPU dst
 * caches are allocated GFP_ATOMIC; see notes): then the reference run is repeated in a fresh namespace.
 */
async function inFreshNsRetryingEnomem<T>(what: string, fn: (ns: string) => Promise<T> | T): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inFreshNs(fn);
    } catch (e) {
      if (attempt >= 3 || !String((e as Error).message).includes('Cannot allocate memory')) throw e;
      log(`  ${what}: ip -batch hit a transient ENOMEM (attempt ${attempt}); again in a fresh namespace`);
    }
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the dataplane benchmark needs root (network namespaces, rtnetlink)');
  const dir = mkdtempSync(join(tmpdir(), 'sfc-bench-'));
  try {
    const nhFile = join(dir, 'nexthops.batch');
    const routeFile = join(dir, 'routes.batch');
    // Batch files are generated before any timing, from the same generator as the worker's objects.
    writeFileSync(nhFile, Array.from({ length: NEXTHOPS }, (_, i) => nexthopLine(i + 1)).join('\n') + '\n');
    writeFileSync(routeFile, Array.from({ length: ROUTES }, (_, i) => routeLine(i, NEXTHOPS)).join('\n') + '\n');
    log(`dataplane bench: ${ROUTES} routes over ${NEXTHOPS} seg6 nexthops (3 SIDs), ${REPS} reps, best of ${REPS} reported`);

    if (ONLY.has('route')) {
      const ours: number[] = [];
      const iproute: number[] = [];
      const pyr: number[] = [];
      for (let rep = 0; rep < REPS; rep++) {
        const runOurs = () =>
          inFreshNs(async (ns) => {
            const r = await worker<{ seconds: number }>(ns, 'route-install', { nexthops: NEXTHOPS, routes: ROUTES });
            expectCount('ours: routes', ownedRouteCount(ns), ROUTES);
            ours.push(ROUTES / r.seconds);
            log(`  route-install rep ${rep + 1}: NetlinkDataplane.apply ${(ROUTES / r.seconds / 1000).toFixed(1)} k routes/s (${r.seconds.toFixed(3)} s)`);
          });
        const runIp = () =>
          inFreshNsRetryingEnomem('route-install', (ns) => {
            timeIp(['-6', '-n', ns, '-batch', nhFile]);
            const s = timeIp(['-6', '-n', ns, '-batch', routeFile]);
            expectCount('ip -batch: routes', ownedRouteCount(ns), ROUTES);
            iproute.push(ROUTES / s);
            log(`  route-install rep ${rep + 1}: ip -batch ${(ROUTES / s / 1000).toFixed(1)} k routes/s (${s.toFixed(3)} s)`);
          });
        await alternate(rep, runOurs, runIp);
        await inFreshNsRetryingEnomem('route-install (pyroute2 setup)', async (ns) => {
          timeIp(['-6', '-n', ns, '-batch', nhFile]);
          const out = await runChild('ip', ['netns', 'exec', ns, PYTHON, PYROUTE2, String(ROUTES), String(NEXTHOPS)]);
          const r = JSON.parse(out.trim().split('\n').pop()!) as { seconds: number };
          expectCount('pyroute2: routes', ownedRouteCount(ns), ROUTES);
          pyr.push(ROUTES / r.seconds);
          log(`  route-install rep ${rep + 1}: pyroute2 ${(ROUTES / r.seconds / 1000).toFixed(1)} k routes/s (${r.seconds.toFixed(3)} s)`);
        });
      }
      emit('route-install-nhid', best(ours), 'routes/s', `ip -batch (iproute2), same routes, best of ${REPS}`, best(iproute));
      emit('route-install-nhid-vs-pyroute2', best(ours), 'routes/s', `pyroute2 0.7.2 IPRoute.route('add', nh_id=...), best of ${REPS}`, best(pyr));
    }

    if (ONLY.has('nexthop')) {
      const ours: number[] = [];
      const iproute: number[] = [];
      for (let rep = 0; rep < REPS; rep++) {
        const runOurs = () =>
          inFreshNs(async (ns) => {
            const r = await worker<{ seconds: number }>(ns, 'nexthop-install', { nexthops: NEXTHOPS });
            expectCount('ours: nexthops', nexthopCount(ns), NEXTHOPS);
            ours.push(NEXTHOPS / r.seconds);
            log(`  nexthop-install rep ${rep + 1}: NetlinkDataplane.apply ${(NEXTHOPS / r.seconds / 1000).toFixed(1)} k nexthops/s`);
          });
        const runIp = () =>
          inFreshNsRetryingEnomem('nexthop-install', (ns) => {
            const s = timeIp(['-6', '-n', ns, '-batch', nhFile]);
            expectCount('ip -batch: nexthops', nexthopCount(ns), NEXTHOPS);
            iproute.push(NEXTHOPS / s);
            log(`  nexthop-install rep ${rep + 1}: ip -batch ${(NEXTHOPS / s / 1000).toFixed(1)} k nexthops/s`);
          });
        await alternate(rep, runOurs, runIp);
      }
      emit('nexthop-install-seg6', best(ours), 'nexthops/s', `ip -batch (iproute2), same nexthops, best of ${REPS}`, best(iproute));
    }

    if (ONLY.has('switch')) {
      await inFreshNs(async (ns) => {
        const r = await worker<{ rounds: { p50: number; p99: number }[] }>(ns, 'chain-switch', { routes: 1, replaces: 2000, rounds: REPS, warmup: 200 });
        const p50 = median(r.rounds.map((x) => x.p50));
        const p99 = median(r.rounds.map((x) => x.p99));
        log(`  chain-switch (1 route): p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms (median of ${REPS} rounds of 2000 replaces)`);
        // Context only (not per-op): the same 2000 replaces through one `ip -batch`.
        const file = join(dir, 'replace.batch');
        writeFileSync(file, Array.from({ length: 2000 }, (_, i) => nexthopLine(1, 'replace', (i + 1) & 1)).join('\n') + '\n');
        const s = timeIp(['-6', '-n', ns, '-batch', file]);
        log(`  context: ip -batch does the same 2000 replaces in ${(s * 1000).toFixed(1)} ms (${((s / 2000) * 1000).toFixed(3)} ms mean per op)`);
        const ref = 'notes anchor: npm netlink one request at a time (notes/dataplane-facts.md), not measured in this run';
        emit('chain-switch-p99', p99, 'ms', ref, ANCHOR.p99);
        emit('chain-switch-p50', p50, 'ms', ref, ANCHOR.p50);
      });
    }

    if (ONLY.has('switch100k')) {
      await inFreshNs(async (ns) => {
        const r = await worker<{ rounds: { p50: number }[] }>(ns, 'chain-switch', { routes: ROUTES, replaces: 20, rounds: 1, warmup: 2 });
        const p50 = r.rounds[0]!.p50;
        expectCount('chain-switch: routes', ownedRouteCount(ns), ROUTES);
        // Reference in the same namespace: one `ip nexthop replace` process per op, each timed (exec included).
        const ipTimes: number[] = [];
        for (let i = 0; i < 20; i++) {
          const line = nexthopLine(1, 'replace', (i + 1) & 1).split(' ');
          ipTimes.push(timeIp(['-6', '-n', ns, ...line]) * 1000);
        }
        const ipP50 = median(ipTimes);
        const execOnly = median(Array.from({ length: 5 }, () => timeIp(['-n', ns, 'link', 'show', 'lo']) * 1000));
        log(`  chain-switch 100k routes: ours p50 ${p50.toFixed(1)} ms, ip nexthop replace p50 ${ipP50.toFixed(1)} ms (of which ~${execOnly.toFixed(1)} ms is exec); notes anchor ~${ANCHOR.p50At100k} ms`);
        emit('chain-switch-100k-p50', p50, 'ms', `ip nexthop replace, one process per op, p50 of 20 (exec ~${execOnly.toFixed(1)} ms included)`, ipP50);
      });
    }

    if (ONLY.has('dump')) {
      await inFreshNs(async (ns) => {
        await worker(ns, 'populate', { nexthops: NEXTHOPS, routes: ROUTES });
        // One long-lived process (as an agent is): REPS dumps, then REPS `ip route show` runs.
        const r = await worker<{ times: number[]; count: number }>(ns, 'owned-dump', { expect: ROUTES, rounds: REPS });
        const ours = r.times;
        const iproute = Array.from({ length: REPS }, () => timeIp(['-n', ns, '-6', 'route', 'show', 'proto', String(BENCH_PROTO)]));
        log(`  owned-dump: listRoutes ${ours.map((t) => t.toFixed(3)).join(' / ')} s (${r.count} owned each), ip route show ${iproute.map((t) => t.toFixed(3)).join(' / ')} s`);
        emit('owned-dump-100k', lowest(ours), 's', `ip -6 route show proto ${BENCH_PROTO} > /dev/null, same namespace, best of ${REPS}`, lowest(iproute));
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runBench(main);
