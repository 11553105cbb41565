/**
 * Runs a NetnsRuntime inside a node namespace, as the agent does (`ip netns exec NODE node
 * --import tsx agent-worker.ts <mode> <json>`): no `nodeNs` option, the host-side legs go into the
 * worker's own namespace, and namespace mounts go through mount-target.ts (under `ip netns exec`
 * the worker's /run/netns is a slave mount). Prints ONE JSON line on stdout; progress on stderr.
 *
 * Modes (options: {node, stateDir, ...}):
 *   spawn-bench {count, poolSize, legs}  time `count` sequential firewall spawns (warm: pool of
 *                                        `poolSize` filled first, untimed), then destroy them all
 *   spawn       {specs}                  spawn the instances and exit, leaving them running
 *   list        {}                       list() (adoption by a fresh process)
 *   destroy-all {}                       destroy everything list() returns
 */
import type { InstanceSpec } from '../../src/agent/intent/node-intent.js';
import { NetnsRuntime } from '../../src/agent/runtimes/netns/index.js';
import { BENCH_FIREWALL } from './agent-objects.js';

const log = (s: string): void => void process.stderr.write(`  [agent-worker ${process.pid}] ${s}\n`);
const now = (): number => Number(process.hrtime.bigint()) / 1e6; // ms

interface Options {
  node: string;
  stateDir: string;
  count?: number;
  poolSize?: number;
  legs?: 1 | 2;
  specs?: InstanceSpec[];
}

async function main(): Promise<unknown> {
  const mode = process.argv[2];
  const o = JSON.parse(process.argv[3] ?? '{}') as Options;
  const rt = new NetnsRuntime({ node: o.node, stateDir: o.stateDir, poolSize: o.poolSize ?? 0, pollMs: 0 });
  try {
    switch (mode) {
      case 'spawn-bench': {
        const count = o.count ?? 100;
        if ((o.poolSize ?? 0) > 0) {
          const t0 = now();
          await rt.warm();
          log(`pool of ${rt.poolReady} filled in ${(now() - t0).toFixed(0)} ms (untimed)`);
        } else {
          // Start the job shells (first use) outside the timed spawns, as a running agent has them.
          await rt.list();
        }
        const times: number[] = [];
        for (let i = 0; i < count; i++) {
          const spec: InstanceSpec = { id: `b${i}`, slot: i, legs: o.legs ?? 2, sids: {}, function: BENCH_FIREWALL };
          const t0 = now();
          await rt.spawn(spec);
          times.push(now() - t0);
        }
        const listed = (await rt.list()).filter((s) => s.state === 'running').length;
        if (listed !== count) throw new Error(`${listed} running instances after ${count} spawns`);
        const t1 = now();
        for (let i = 0; i < count; i++) await rt.destroy(`b${i}`);
        const destroyMs = (now() - t1) / count;
        return { times, destroyMs };
      }
      case 'spawn': {
        const statuses = [];
        for (const s of o.specs ?? []) statuses.push(await rt.spawn(s));
        return { statuses };
      }
      case 'list':
        return { statuses: await rt.list() };
      case 'destroy-all': {
        const ids = (await rt.list()).map((s) => s.id);
        for (const id of ids) await rt.destroy(id);
        return { destroyed: ids };
      }
      default:
        throw new Error(`unknown mode '${mode}'`);
    }
  } finally {
    await rt.close();
  }
}

main().then(
  (out) => process.stdout.write(`${JSON.stringify(out)}\n`),
  (e: unknown) => {
    process.stderr.write(`agent-worker failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
