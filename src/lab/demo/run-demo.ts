/**
 * The dataplane demo, end to end: deploy the line lab, send real traffic through the chain, change
 * the chain three times live (one nexthop replace at the edge each), check what the counters and the
 * operation tally say, tear down. Returns everything measured; throws DemoCheckError listing every
 * expectation that did not hold. `lab/demo.ts` is the command-line wrapper; the e2e test calls this.
 */
import { deployLine, type LineLab, type Log } from '../line-lab.js';
import { deleteNamespace, isRoot, listNamespaces } from '../netns.js';
import { readSidCounters } from '../sid-counters.js';
import { checkReconfiguration, checkTraffic, expectedRange } from './checks.js';
import { type Chain, DEMO_PREFIX, INITIAL_CHAIN, PLAN, RECONFIGURATIONS, SIDS, formatChain } from './plan.js';
import { programDemo } from './program.js';
import { reconfigureLive } from './reconfigure.js';
import { countersTable, formatOps, rangeText } from './report.js';
import type { DemoResult, ReconfigurationResult } from './results.js';
import { counterSources, sendTraffic } from './traffic.js';

export class DemoCheckError extends Error {
  constructor(readonly failures: readonly string[]) {
    super(`the demo's expectations did not hold:\n  ${failures.join('\n  ')}`);
    this.name = 'DemoCheckError';
  }
}

export interface DemoOptions {
  /** Leave the lab up afterwards (also after a failure), for poking at it. */
  readonly keep?: boolean;
  /** Aborting stops traffic and tears down (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Progress lines (default: stderr). */
  readonly log?: Log;
}

const stderrLog: Log = (line) => void process.stderr.write(`${line}\n`);

/** Removes every `sfc-demo-` namespace (their veths go with them) and proves none is left. */
export function destroyDemo(): string[] {
  const found = listNamespaces(DEMO_PREFIX);
  for (const ns of found) deleteNamespace(ns);
  const left = listNamespaces(DEMO_PREFIX);
  if (left.length > 0) throw new Error(`could not remove ${left.join(', ')}`);
  return found;
}

export async function runDataplaneDemo(opts: DemoOptions = {}): Promise<DemoResult> {
  const log = opts.log ?? stderrLog;
  const signal = opts.signal;
  if (!isRoot()) throw new Error('the demo creates network namespaces: run it as root (e.g. sudo npm run demo)');
  const existing = listNamespaces(DEMO_PREFIX);
  if (existing.length > 0) throw new Error(`a demo lab is already up (${existing.join(', ')}); remove it first: npm run demo -- --destroy`);

  let lab: LineLab | undefined;
  try {
    log('[1/4] deploy: six namespaces in a line, IPv6 underlay with static routes, SRv6 SIDs, the chain at the edge');
    lab = await deployLine(PLAN, DEMO_PREFIX, log);
    await programDemo(lab, INITIAL_CHAIN, log);
    log(`  deploy sent ${formatOps(lab.tally.snapshot())} kernel operations`);
    signal?.throwIfAborted();

    log(`[2/4] traffic through ${formatChain(INITIAL_CHAIN)}`);
    const traffic = await sendTraffic(lab, { pingCount: 50, pingRate: 100, tcpBytes: 16 * 1024 * 1024, signal }, log);
    for (const l of countersTable({ ping: traffic.pingCounted, tcp: traffic.tcpCounted })) log(`  ${l}`);
    const failures = checkTraffic(traffic);
    signal?.throwIfAborted();

    log('[3/4] live reconfiguration: a 200-pps ping runs while the edge nexthop is replaced');
    const steps: ReconfigurationResult[] = [];
    let chain: Chain = INITIAL_CHAIN;
    for (const [i, step] of RECONFIGURATIONS.entries()) {
      log(` (${String.fromCharCode(97 + i)}) ${step.label}`);
      const r = await reconfigureLive(lab, chain, step, { pingCount: 400, pingRate: 200, switchAfterMs: 700, settleMs: 300, signal }, log);
      log(`  packets lost: ${r.ping.lost} of ${r.ping.transmitted} · kernel operations: ${formatOps(r.kernelOps)}`);
      log(`  requests sent before the change ${r.sentBefore}, after it ${r.sentAfter}, during the call ${r.sentDuring}`);
      const expected = Object.fromEntries(SIDS.map((s) => [s.key, rangeText(expectedRange(r, s))]));
      for (const l of countersTable({ counted: r.counted, expected, 'after the change': r.countedAfterSwitch })) log(`  ${l}`);
      failures.push(...checkReconfiguration(r));
      steps.push(r);
      chain = step.chain;
      signal?.throwIfAborted();
    }

    log('[4/4] verify: counters moved with the chain, only the edge was touched');
    if (failures.length > 0) throw new DemoCheckError(failures);
    const kernelOps = Object.fromEntries(PLAN.nodes.map((n) => [n, steps.reduce((sum, r) => sum + (r.kernelOps[n] ?? 0), 0)]));
    const summary = {
      demo: 'dataplane' as const,
      lost: steps.reduce((sum, r) => sum + r.ping.lost, 0),
      reconfigurations: steps.length,
      kernelOps,
      counters: await readSidCounters(counterSources(lab)),
    };
    log(`  ok: ${summary.reconfigurations} reconfigurations, ${summary.lost} packets lost, kernel operations ${formatOps(kernelOps)}`);
    return { summary, traffic, reconfigurations: steps };
  } finally {
    await lab?.stop().catch((e: unknown) => log(`teardown: stopping the dataplane workers: ${String(e)}`));
    if (!opts.keep) {
      const removed = destroyDemo();
      if (removed.length > 0) log(`teardown: removed ${removed.join(', ')}`);
    }
  }
}
