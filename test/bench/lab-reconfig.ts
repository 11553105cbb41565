/**
 * Reconfiguration of a running 3-monitor chain (ingress edge1, 10.99.0.0/24, traffic at 1000 pps):
 *
 * - `reconfig-edge-switch-ms`: ApplyChain of the reordered chain ([a,b,c] → [c,a,b], rotating
 *   again every rep) → the first nexthop change in edge1's namespace, from `ip -ts monitor nexthop`.
 *   Median of BENCH_REPS. No reference: nothing comparable is measured in the run or published.
 *   Packets lost around each switch go to stderr.
 * - `reconfig-ops-<role>` (edge, vnf-host, transit): route/nexthop/rule changes the kernel announced
 *   in the role's nodes' namespaces (KernelEventCounter), summed over three changes of that chain:
 *   insert a function, reorder, remove it again; `detail` has the per-change figures.
 */
import type { Emit } from './bench-main.js';
import { log } from './bench-main.js';
import { KernelEventCounter } from '../../src/lab/kernel-events.js';
import type { LabSession } from '../../src/lab/sfclab/lab-session.js';
import type { Chain } from '../../src/model/chain.js';
import { LivePing } from './lab-pinger.js';
import { CHAIN_ONLY_DST, CHAIN_ONLY_MATCH, NexthopWatch, deleteAndWait, median, monitorChain, sleep } from './lab-support.js';

const ROLES = ['edge', 'vnf-host', 'transit'] as const;
type Role = (typeof ROLES)[number];
const CHAIN = 'reconfig';

const spec = (functions: readonly string[]) => monitorChain({ ingress: 'edge1', egress: 'edge3', destinations: [CHAIN_ONLY_MATCH], functions });
const rotate = (xs: readonly string[]): string[] => [xs.at(-1)!, ...xs.slice(0, -1)];

async function edgeSwitch(lab: LabSession, emit: Emit, reps: number, order: string[]): Promise<string[]> {
  const watch = await NexthopWatch.start(lab.ns('edge1'));
  const times: number[] = [];
  try {
    for (let rep = 0; rep < reps; rep++) {
      const ping = new LivePing(lab.ns('client1'), CHAIN_ONLY_DST, 1000);
      await Promise.race([ping.firstReply, sleep(5000)]);
      if (ping.replies === 0) throw new Error(`no traffic through chain ${CHAIN} before the switch`);
      await sleep(300); // steady flow before the switch
      const next = rotate(order);
      const t0 = Date.now();
      await lab.apply({ name: CHAIN, spec: spec(next) });
      const ready = Date.now() - t0;
      const ev = await watch.firstAfter(t0);
      await sleep(300);
      const r = await ping.stop();
      if (!ev) throw new Error(`reorder ${order.join(',')} → ${next.join(',')}: no nexthop change on edge1 within 3 s of ApplyChain`);
      const ms = ev.at - t0;
      times.push(ms);
      log(`  switch ${order.join(',')} → ${next.join(',')}: edge1 nexthop after ${ms.toFixed(1)} ms, Ready ${ready} ms, ${r.lost} of ${r.transmitted} packets lost`);
      order = next;
    }
  } finally {
    watch.stop();
  }
  emit('reconfig-edge-switch-ms', median(times), 'ms');
  return order;
}

/** Waits until no counter has seen an event for quietMs (at most maxMs); returns what they saw, per node. */
async function collectUntilQuiet(counters: Map<string, KernelEventCounter>, quietMs = 1000, maxMs = 15_000): Promise<Map<string, string[]>> {
  const seen = new Map<string, string[]>([...counters.keys()].map((n) => [n, []]));
  const t0 = Date.now();
  let last = Date.now();
  while (Date.now() - last < quietMs && Date.now() - t0 < maxMs) {
    await sleep(50);
    for (const [node, c] of counters) {
      const e = c.take();
      if (e.length > 0) {
        seen.get(node)!.push(...e);
        last = Date.now();
      }
    }
  }
  if (Date.now() - t0 >= maxMs) log(`  (kernel events still arriving after ${maxMs / 1000} s; counted what came)`);
  return seen;
}

async function kernelOps(lab: LabSession, order: string[]): Promise<void> {
  const roleOf = new Map<string, Role>();
  for (const n of lab.topology.nodes) if (n.role && (ROLES as readonly string[]).includes(n.role)) roleOf.set(n.name, n.role as Role);
  const counters = new Map<string, KernelEventCounter>();
  for (const node of roleOf.keys()) counters.set(node, await KernelEventCounter.start(lab.ns(node)));
  try {
    await collectUntilQuiet(counters);
    // An idle window longer than the agents' resync period: changes nobody asked for would show here.
    const idleStart = Date.now();
    while (Date.now() - idleStart < 6000) await sleep(100);
    const idle = [...(await collectUntilQuiet(counters, 50)).values()].reduce((s, e) => s + e.length, 0);
    log(`  idle 6 s with the chain Ready: ${idle} kernel events on role nodes`);

    const inserted = 'x';
    const changes: [string, string[]][] = [
      ['insert', [order[0]!, inserted, ...order.slice(1)]],
      ['reorder', rotate([order[0]!, inserted, ...order.slice(1)])],
    ];
    changes.push(['remove', changes[1]![1].filter((f) => f !== inserted)]);
    const perRole: Record<Role, Record<string, number>> = { edge: {}, 'vnf-host': {}, transit: {} };
    let before = order;
    for (const [change, fns] of changes) {
      const t0 = Date.now();
      await lab.apply({ name: CHAIN, spec: spec(fns) });
      const ready = Date.now() - t0;
      const seen = await collectUntilQuiet(counters);
      const byNode = [...seen].filter(([, e]) => e.length > 0).map(([n, e]) => `${n}:${e.length}`);
      for (const r of ROLES) perRole[r][change] = [...seen].filter(([n]) => roleOf.get(n) === r).reduce((s, [, e]) => s + e.length, 0);
      log(`  ${change} ${before.join(',')} → ${fns.join(',')}: Ready ${ready} ms; kernel events ${byNode.join(' ') || 'none'}`);
      before = fns;
    }
    for (const r of ROLES) {
      const d = perRole[r];
      const total = Object.values(d).reduce((s, x) => s + x, 0);
      // emit() has no room for extra fields: the same line format (DESIGN.md §6), plus `detail`.
      process.stdout.write(`${JSON.stringify({ bench: 'lab', metric: `reconfig-ops-${r}`, value: total, unit: 'ops', detail: d })}\n`);
    }
  } finally {
    for (const c of counters.values()) c.stop();
  }
}

export async function benchReconfig(lab: LabSession, emit: Emit, reps: number): Promise<void> {
  let order = ['a', 'b', 'c'];
  const chain: Chain = await lab.apply({ name: CHAIN, spec: spec(order) });
  log(`chain ${CHAIN} [${order.join(',')}] Ready on ${[...new Set(chain.status.instances.map((i) => i.node))].join(',')}`);
  order = await edgeSwitch(lab, emit, reps, order);
  await kernelOps(lab, order);
  await deleteAndWait(lab, await lab.client.getChain(CHAIN));
}
