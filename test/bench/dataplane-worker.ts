/**
 * Runs inside a bench network namespace (`ip netns exec NS node --import tsx dataplane-worker.ts
 * <mode> [json options]`): netlink sockets bind to the namespace of the process that opens them.
 * Does the timed work with NetlinkDataplane and prints ONE JSON line on stdout; progress on stderr.
 *
 * Modes:
 *   route-install  {nexthops, routes}         install nexthops (untimed), time apply(route adds)
 *   nexthop-install {nexthops}                time apply(nexthop adds)
 *   chain-switch   {routes, replaces, rounds, warmup}  nexthop 1 + `routes` routes through it (untimed),
 *                                             then time each replaceNexthop alternating two lists
 *   populate       {nexthops, routes}         install nexthops and routes (untimed), leave them
 *   owned-dump     {expect, rounds}           time listRoutes({family: 6}) and count what it returned
 */
import { NetlinkDataplane } from '../../src/dataplane/netlink/netlink-dataplane.js';
import type { DataplaneOp, OpResult } from '../../src/dataplane/dataplane.js';
import { nexthopOf, nexthopOps, routeOps } from './objects.js';

const log = (s: string): void => void process.stderr.write(`  [worker ${process.pid}] ${s}\n`);
const now = (): number => Number(process.hrtime.bigint()) / 1e6; // ms

function checkAll(what: string, results: OpResult[]): void {
  const bad = results.filter((r) => !r.ok);
  if (bad.length > 0) {
    const first = bad[0] as { ok: false; error: Error };
    throw new Error(`${what}: ${bad.length}/${results.length} failed, first: ${first.error.message}`);
  }
}

async function timedApply(dp: NetlinkDataplane, what: string, ops: DataplaneOp[]): Promise<number> {
  const t0 = now();
  const results = await dp.apply(ops);
  const ms = now() - t0;
  checkAll(what, results);
  return ms / 1000;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

async function main(): Promise<unknown> {
  const mode = process.argv[2];
  const opts = JSON.parse(process.argv[3] ?? '{}') as Record<string, number>;
  const dp = new NetlinkDataplane();
  try {
    switch (mode) {
      case 'route-install': {
        const nexthops = opts.nexthops!;
        const routes = opts.routes!;
        await timedApply(dp, 'nexthops', nexthopOps(nexthops));
        const ops = routeOps(routes, nexthops); // built before timing, as the batch file is
        log(`${nexthops} nexthops installed; timing ${routes} route adds`);
        const seconds = await timedApply(dp, 'routes', ops);
        return { seconds, count: routes };
      }
      case 'nexthop-install': {
        const ops = nexthopOps(opts.nexthops!);
        const seconds = await timedApply(dp, 'nexthops', ops);
        return { seconds, count: ops.length };
      }
      case 'populate': {
        const nexthops = opts.nexthops!;
        await timedApply(dp, 'nexthops', nexthopOps(nexthops));
        const seconds = await timedApply(dp, 'routes', routeOps(opts.routes!, nexthops));
        log(`populated ${nexthops} nexthops, ${opts.routes} routes in ${seconds.toFixed(2)} s`);
        return { seconds };
      }
      case 'chain-switch': {
        await dp.addNexthop(nexthopOf(1, 0));
        if (opts.routes! > 0) await timedApply(dp, 'routes', routeOps(opts.routes!, 1));
        const lists = [nexthopOf(1, 1), nexthopOf(1, 0)];
        let k = 0;
        for (let i = 0; i < (opts.warmup ?? 0); i++) await dp.replaceNexthop(lists[k++ & 1]!);
        const rounds: { p50: number; p99: number; mean: number; max: number }[] = [];
        for (let r = 0; r < (opts.rounds ?? 1); r++) {
          const samples: number[] = [];
          for (let i = 0; i < opts.replaces!; i++) {
            const nh = lists[k++ & 1]!;
            const t0 = now();
            await dp.replaceNexthop(nh);
            samples.push(now() - t0);
          }
          samples.sort((a, b) => a - b);
          const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
          rounds.push({ p50: percentile(samples, 50), p99: percentile(samples, 99), mean, max: samples[samples.length - 1]! });
          log(`round ${r + 1}: p50 ${rounds[r]!.p50.toFixed(3)} ms, p99 ${rounds[r]!.p99.toFixed(3)} ms, max ${rounds[r]!.max.toFixed(3)} ms`);
        }
        // Leave the namespace with list 0 on nexthop 1 (what the reference replaces from).
        if ((k & 1) === 1) await dp.replaceNexthop(lists[1]!);
        return { rounds };
      }
      case 'owned-dump': {
        const times: number[] = [];
        let count = -1;
        for (let r = 0; r < (opts.rounds ?? 3); r++) {
          const t0 = now();
          const routes = await dp.listRoutes({ family: 6 });
          times.push((now() - t0) / 1000);
          count = routes.length;
          if (count !== opts.expect) throw new Error(`listRoutes returned ${count} owned routes, expected ${opts.expect}`);
        }
        return { times, count };
      }
      default:
        throw new Error(`unknown mode '${mode}'`);
    }
  } finally {
    dp.close();
  }
}

main().then(
  (out) => process.stdout.write(`${JSON.stringify(out)}\n`),
  (e: unknown) => {
    process.stderr.write(`worker failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
