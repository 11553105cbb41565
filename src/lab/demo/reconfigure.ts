/**
 * Step 3 of the demo: one live chain change while a fast ping runs. The change is ONE
 * replaceNexthop at the edge; counters are read before the ping (quiet), shortly after the change
 * (live) and after the ping (quiet), and the ping's timestamps say which requests left before or
 * after the replace call.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LineLab, Log } from '../line-lab.js';
import { ping } from '../ping.js';
import { countersDelta, readSidCounters } from '../sid-counters.js';
import { type Chain, type Reconfiguration, SERVER_ADDRESS, chainNexthop, formatChain } from './plan.js';
import { verifyChain } from './program.js';
import type { ReconfigurationResult } from './results.js';
import { counterSources } from './traffic.js';

export interface ReconfigureOptions {
  readonly pingCount: number;
  readonly pingRate: number;
  /** How long the ping runs on the old chain before the change. */
  readonly switchAfterMs: number;
  /** Wait after the change before the "after" counter read: in-flight packets finish in µs. */
  readonly settleMs: number;
  readonly signal?: AbortSignal;
}

export async function reconfigureLive(lab: LineLab, from: Chain, step: Reconfiguration, o: ReconfigureOptions, log: Log): Promise<ReconfigurationResult> {
  const sources = counterSources(lab);
  const edge = lab.dataplane('edge');
  const c0 = await readSidCounters(sources);
  const ops0 = lab.tally.snapshot();
  const pinging = ping(lab.ns('client'), SERVER_ADDRESS, { count: o.pingCount, rate: o.pingRate, signal: o.signal });
  // Observed below; this only keeps an early failure of ours from leaving it unhandled.
  pinging.catch(() => undefined);

  await sleep(o.switchAfterMs, undefined, { signal: o.signal });
  // Date.now() is whole ms: widen the window by one ms each side so "before"/"after" stay sure.
  const t0 = Date.now() - 1;
  const h0 = process.hrtime.bigint();
  await edge.replaceNexthop(chainNexthop(step.chain));
  const replaceMs = Number(process.hrtime.bigint() - h0) / 1e6;
  const t1 = Date.now() + 1;
  log(`  replaceNexthop(id ${chainNexthop(step.chain).id}) at the edge: ${formatChain(from)} ⇒ ${formatChain(step.chain)} (${replaceMs.toFixed(2)} ms round trip)`);

  await sleep(o.settleMs, undefined, { signal: o.signal });
  const c1 = await readSidCounters(sources);
  const p = await pinging;
  const c2 = await readSidCounters(sources);
  await verifyChain(lab, step.chain);

  return {
    label: step.label,
    from,
    to: step.chain,
    ping: { transmitted: p.transmitted, received: p.received, lost: p.lost },
    sentBefore: p.replies.filter((r) => r.sentAt < t0).length,
    sentAfter: p.replies.filter((r) => r.sentAt > t1).length,
    sentDuring: p.replies.filter((r) => r.sentAt >= t0 && r.sentAt <= t1).length,
    replaceMs,
    kernelOps: lab.tally.since(ops0),
    counted: countersDelta(c0, c2),
    countedAfterSwitch: countersDelta(c1, c2),
  };
}
