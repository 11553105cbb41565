/**
 * `npm run bench:proxy` (root): SR proxies for SR-unaware functions, static (kernel only) against
 * dynamic (eBPF, bpf/sr_proxy.c), with k = 0, 1, 2 functions on one function host:
 *
 *   client ─ edge ══ fnhost ══ egress ─ server     (══ : IPv6 underlay, MTU 9000; veth everywhere)
 *                     fw (slot 1), ids (slot 2): two-leg pass-through instances
 *
 * - static: the edge's list ends at the first function's SID; each function's out leg is policy
 *   routed (`iif`, priority 4100) into a table `default encap seg6 mode encap.red segs <rest>`,
 *   as the agent's static proxy does (docs/agent.md). The instances keep their offloads.
 * - dynamic: the edge holds the full list; the proxy caches and restores the header (no per-chain
 *   state on fnhost), return hook `tc` (GSO kept, offloads on): what the agent runs.
 * - dynamic-lwt: the same with the `lwt` return hook: the instances' transmit legs have TSO/GSO
 *   off (required, docs/dynamic-proxy.md). Kept for comparison.
 *
 * Then `reconfig-nonedge-ops-<mode>` (proxy-reconfig.ts): in a lab with the real controller and
 * agents, the kernel operations of function hosts whose instances did not change, over insert,
 * reorder and remove; goal 0 for dynamic.
 *
 * Metrics (one JSON line each, DESIGN.md §6): `throughput-<k>fn-<mode>` (iperf3, one TCP flow,
 * Gbit/s, median of BENCH_REPS runs of BENCH_SECONDS) and `rtt-<k>fn-<mode>` (ping, median over
 * BENCH_REPS runs of the median µs of 1000 at 1000 pps), each with k = 0 of the same mode as the reference. Namespaces are
 * `sfc-bench-<pid>-<role>`, pins /sys/fs/bpf/sfc/bench-<pid>-fnhost; all removed on exit, failure
 * and SIGINT/SIGTERM.
 */
import { spawn } from 'node:child_process';
import { transmitLegOffloadsOff } from '../../src/agent/proxy/dynamic/commands.js';
import { DynamicProxyLoader, netnsRunner } from '../../src/agent/proxy/dynamic/loader.js';
import { ENCAPSULATED_RULE_PRIORITY, PROXY_IIF_RULE_PRIORITY, proxyTable } from '../../src/agent/plan/ids.js';
import { type InstanceLegs, LEG_SPACE, instanceLegs } from '../../src/agent/plan/leg-addressing.js';
import { createNamespace, deleteNamespace, enableSrv6, ipn, nsExec, vethPair } from '../../src/lab/netns.js';
import { ping } from '../../src/lab/ping.js';
import { emitter, log, runBench } from './bench-main.js';
import { benchReconfigOps, destroyReconfigLabNow } from './proxy-reconfig.js';
import { removeBpfPins } from '../../src/agent/proxy/dynamic/pins.js';
import { runChild } from './bench-netns.js';

const emit = emitter('proxy');
const reps = Number(process.env.BENCH_REPS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const MODES = ['static', 'dynamic-lwt', 'dynamic'] as const;
type Mode = (typeof MODES)[number];

const made: string[] = [];
const pinNode = `bench-${process.pid}-fnhost`;
let proxy: DynamicProxyLoader | undefined;

function makeNs(role: string): string {
  const ns = `sfc-bench-${process.pid}-${role}`;
  createNamespace(ns);
  made.push(ns);
  enableSrv6(ns);
  return ns;
}

function cleanup(): void {
  for (const ns of made.splice(0)) deleteNamespace(ns);
  removeBpfPins(pinNode);
}

interface Fn {
  readonly name: string;
  readonly slot: number;
  /** Proxied by the dynamic proxy. */
  readonly dynamicSid: string;
  /** Plain End.DX4 into the same instance, for the static proxy. */
  readonly staticSid: string;
  readonly legs: InstanceLegs;
  ns: string;
}
const FNS: Fn[] = [
  { name: 'fw', slot: 1, dynamicSid: 'fc00:2::a4', staticSid: 'fc00:2::1a4', legs: instanceLegs(1, 2), ns: '' },
  { name: 'ids', slot: 2, dynamicSid: 'fc00:2::b4', staticSid: 'fc00:2::1b4', legs: instanceLegs(2, 2), ns: '' },
];
const EGRESS_SID = 'fc00:3::d4';

function build(): Record<string, string> {
  const ns = Object.fromEntries(['client', 'edge', 'fnhost', 'egress', 'server'].map((r) => [r, makeNs(r)]));
  vethPair({ ns: ns.client!, name: 'c0' }, { ns: ns.edge!, name: 'ec0' });
  vethPair({ ns: ns.edge!, name: 'e0' }, { ns: ns.fnhost!, name: 'f0' }, 9000);
  vethPair({ ns: ns.fnhost!, name: 'f1' }, { ns: ns.egress!, name: 'g0' }, 9000);
  vethPair({ ns: ns.egress!, name: 'g1' }, { ns: ns.server!, name: 's0' });
  const cfg: [string, string[]][] = [
    [ns.client!, ['addr add 10.1.0.2/24 dev c0', 'route add default via 10.1.0.1']],
    [ns.edge!, ['addr add 10.1.0.1/24 dev ec0', '-6 addr add fc00:e1::1/64 dev e0 nodad', '-6 route add fc00:2::/48 via fc00:e1::2', '-6 route add fc00:3::/48 via fc00:e1::2', 'sr tunsrc set fc00:e1::1']],
    [ns.fnhost!, ['-6 addr add fc00:e1::2/64 dev f0 nodad', '-6 addr add fc00:e2::1/64 dev f1 nodad', '-6 route add fc00:1::/48 via fc00:e1::1', '-6 route add fc00:3::/48 via fc00:e2::2', 'sr tunsrc set fc00:e2::1']],
    [ns.egress!, ['addr add 10.2.0.1/24 dev g1', '-6 addr add fc00:e2::2/64 dev g0 nodad', '-6 route add fc00:1::/48 via fc00:e2::1', '-6 route add fc00:2::/48 via fc00:e2::1', 'sr tunsrc set fc00:e2::2']],
    [ns.server!, ['addr add 10.2.0.2/24 dev s0', 'route add default via 10.2.0.1']],
  ];
  for (const [n, cmds] of cfg) for (const c of cmds) ipn(n, c.split(' '));
  // Decap SIDs: the chain ends at the egress, replies return to the edge without functions.
  ipn(ns.egress!, ['-6', 'route', 'add', `${EGRESS_SID}/128`, 'encap', 'seg6local', 'action', 'End.DX4', 'nh4', '0.0.0.0', 'dev', 'g0']);
  ipn(ns.edge!, ['-6', 'route', 'add', 'fc00:1::d4/128', 'encap', 'seg6local', 'action', 'End.DX4', 'nh4', '0.0.0.0', 'dev', 'e0']);
  ipn(ns.egress!, ['route', 'add', '10.1.0.0/24', 'encap', 'seg6', 'mode', 'encap', 'segs', 'fc00:1::d4', 'dev', 'g0']);
  const host = ns.fnhost!;
  for (const f of FNS) {
    f.ns = makeNs(f.name);
    nsExec(f.ns, ['sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0']);
    for (const leg of [f.legs.in, f.legs.out!]) {
      vethPair({ ns: host, name: leg.hostDev }, { ns: f.ns, name: leg.instanceDev });
      ipn(host, ['addr', 'add', `${leg.host4}/${leg.len4}`, 'dev', leg.hostDev]);
      ipn(f.ns, ['addr', 'add', `${leg.instance4}/${leg.len4}`, 'dev', leg.instanceDev]);
    }
    ipn(f.ns, ['route', 'add', 'default', 'via', f.legs.out!.host4, 'dev', f.legs.out!.instanceDev]);
    ipn(host, ['route', 'add', `${f.legs.in.instance4}/32`, 'via', f.legs.in.instance4, 'dev', f.legs.in.hostDev]);
    for (const sid of [f.dynamicSid, f.staticSid]) {
      ipn(host, ['-6', 'route', 'add', `${sid}/128`, 'encap', 'seg6local', 'action', 'End.DX4', 'nh4', f.legs.in.instance4, 'dev', f.legs.in.hostDev]);
    }
  }
  // The static proxy's shared rules (docs/agent.md): leg space, and what it encapsulated (outer
  // source = fnhost's tunnel source) routes by main, not by a leg's tables.
  ipn(host, ['-4', 'rule', 'add', 'priority', '4000', 'to', LEG_SPACE[4], 'lookup', 'main']);
  ipn(host, ['-6', 'rule', 'add', 'priority', String(ENCAPSULATED_RULE_PRIORITY), 'from', 'fc00:e2::1/128', 'lookup', 'main']);
  return ns;
}

/**
 * Edge list and fnhost's static continuation tables for the first k functions in `mode`.
 * `offloads`: the instances' transmit legs keep TSO/GSO (default: off for dynamic-lwt only).
 */
function configure(ns: Record<string, string>, k: number, mode: Mode, offloads = mode !== 'dynamic-lwt'): void {
  const fns = FNS.slice(0, k);
  const host = ns.fnhost!;
  for (const f of FNS) {
    // Static tables and rules are per chain: rebuilt for each configuration.
    for (const args of [
      ['-4', 'rule', 'del', 'priority', String(PROXY_IIF_RULE_PRIORITY), 'iif', f.legs.out!.hostDev],
      ['-4', 'route', 'del', 'default', 'table', String(proxyTable(f.slot))],
    ]) {
      try {
        ipn(host, args);
      } catch {
        // not there
      }
    }
    // Offloads: required off for the dynamic proxy; the static one keeps what the runtime gives.
    const onOff = offloads ? ['ethtool', '-K', f.legs.out!.instanceDev, 'tso', 'on', 'gso', 'on'] : transmitLegOffloadsOff(f.legs.out!.instanceDev);
    nsExec(f.ns, onOff);
  }
  let segments: string[];
  if (mode !== 'static' || k === 0) segments = [...fns.map((f) => f.dynamicSid), EGRESS_SID];
  else {
    segments = [fns[0]!.staticSid];
    fns.forEach((f, i) => {
      const rest = i + 1 < fns.length ? [fns[i + 1]!.staticSid] : [EGRESS_SID];
      ipn(host, ['-4', 'route', 'add', 'default', 'encap', 'seg6', 'mode', 'encap.red', 'segs', rest.join(','), 'dev', 'f1', 'table', String(proxyTable(f.slot))]);
      ipn(host, ['-4', 'rule', 'add', 'priority', String(PROXY_IIF_RULE_PRIORITY), 'iif', f.legs.out!.hostDev, 'lookup', String(proxyTable(f.slot))]);
    });
  }
  ipn(ns.edge!, ['nexthop', 'replace', 'id', '1', 'encap', 'seg6', 'mode', 'encap', 'segs', segments.join(','), 'dev', 'e0']);
  log(`proxy: k=${k} ${mode}${offloads ? '' : ' (TSO/GSO off)'}: edge list ${segments.join(',')}`);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function throughput(ns: Record<string, string>): Promise<number> {
  const server = spawn('ip', ['netns', 'exec', ns.server!, 'iperf3', '-s', '-1', '-B', '10.2.0.2'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const out = await runChild('ip', ['netns', 'exec', ns.client!, 'iperf3', '-c', '10.2.0.2', '-t', String(seconds), '-J']);
    const r = JSON.parse(out) as { error?: string; end: { sum_received: { bits_per_second: number } } };
    if (r.error) throw new Error(`iperf3: ${r.error}`);
    return r.end.sum_received.bits_per_second / 1e9;
  } finally {
    if (server.exitCode === null) server.kill();
  }
}

async function rtt(ns: Record<string, string>): Promise<number> {
  // 1000 pps: at lower rates the idle CPU's wake-up latency dominates what is measured.
  const r = await ping(ns.client!, '10.2.0.2', { count: 1000, rate: 1000 });
  if (r.received < 990) throw new Error(`ping lost ${r.lost} of 1000: the chain is broken`);
  return median(r.replies.map((x) => x.rttMs * 1000));
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench:proxy needs root (it creates network namespaces and loads BPF programs)');
  const ns = build();
  ipn(ns.edge!, ['nexthop', 'add', 'id', '1', 'encap', 'seg6', 'mode', 'encap', 'segs', EGRESS_SID, 'dev', 'e0']);
  ipn(ns.edge!, ['route', 'add', '10.2.0.0/24', 'nhid', '1']);
  proxy = new DynamicProxyLoader({ node: pinNode, run: netnsRunner(ns.fnhost!) });
  await proxy.load();
  await proxy.attach('f0');
  for (const f of FNS) {
    await proxy.addLeg({ id: f.slot, returnDev: f.legs.out!.hostDev });
    await proxy.addSid(f.dynamicSid, f.slot);
  }
  // Warm-up (untimed): the first flow of a run measured up to 30 % low otherwise.
  configure(ns, 0, 'static');
  await throughput(ns);
  const results = new Map<string, { gbps: number; us: number }>();
  for (const mode of MODES) {
    // The return hook of the dynamic modes: re-adding the legs through a loader switches them.
    const hook = new DynamicProxyLoader({ node: pinNode, run: netnsRunner(ns.fnhost!), returnHook: mode === 'dynamic' ? 'tc' : 'lwt' });
    await hook.load();
    for (const f of FNS) await hook.addLeg({ id: f.slot, returnDev: f.legs.out!.hostDev });
    for (const k of [0, 1, 2]) {
      configure(ns, k, mode);
      await rtt(ns); // warm-up: neighbours, caches, the first packets' slow paths
      const rtts: number[] = [];
      for (let i = 0; i < reps; i++) rtts.push(await rtt(ns));
      const us = median(rtts);
      const runs: number[] = [];
      for (let i = 0; i < reps; i++) runs.push(await throughput(ns));
      const gbps = median(runs);
      log(`proxy: k=${k} ${mode}: ${runs.map((x) => x.toFixed(2)).join(' / ')} Gbit/s, rtt ${us.toFixed(0)} µs`);
      results.set(`${k}-${mode}`, { gbps, us });
    }
  }
  // Context (stderr only): how much of the lwt hook's cost is the segmentation it requires. The
  // legs go back to the lwt hook first: the tc hook would take the packets before the static rules.
  for (const f of FNS) await proxy.addLeg({ id: f.slot, returnDev: f.legs.out!.hostDev });
  for (const k of [1, 2]) {
    configure(ns, k, 'static', false);
    await rtt(ns);
    const runs: number[] = [];
    for (let i = 0; i < reps; i++) runs.push(await throughput(ns));
    log(`proxy: context: k=${k} static with TSO/GSO off on the instances: ${median(runs).toFixed(2)} Gbit/s`);
  }
  const stats = await proxy.stats();
  log(`proxy: dynamic leg stats ${JSON.stringify([...stats].map(([leg, s]) => ({ leg, out: String(s.outPackets), errors: String(s.inErrors + s.outErrors + s.cacheMisses) })))}`);
  for (const mode of MODES) {
    const base = results.get(`0-${mode}`)!;
    const reference = `k = 0 (${mode}), same run`;
    for (const k of [0, 1, 2]) {
      const r = results.get(`${k}-${mode}`)!;
      if (k === 0) {
        emit(`throughput-${k}fn-${mode}`, r.gbps, 'Gbit/s');
        emit(`rtt-${k}fn-${mode}`, r.us, 'µs');
      } else {
        emit(`throughput-${k}fn-${mode}`, r.gbps, 'Gbit/s', reference, base.gbps);
        emit(`rtt-${k}fn-${mode}`, r.us, 'µs', reference, base.us);
      }
    }
  }
}

const GROUPS = ['throughput', 'reconfig'] as const;
const only = (process.env.BENCH_ONLY ?? GROUPS.join(',')).split(',');

process.on('exit', cleanup);
runBench(
  async () => {
    if (only.includes('throughput')) {
      try {
        await main();
      } finally {
        await proxy?.cleanup().catch((e: unknown) => log(`proxy: cleanup: ${String(e)}`));
        cleanup();
      }
    }
    if (only.includes('reconfig')) await benchReconfigOps(emit);
  },
  () => {
    cleanup();
    destroyReconfigLabNow();
  },
);
