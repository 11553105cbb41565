/**
 * What the demo's counters must show, as pure functions returning failure messages (empty = fine).
 * The demo fails on any of them; the e2e test re-derives the same expectations from the raw results.
 */
import { type SidSpec, SIDS, formatChain } from './plan.js';
import type { ReconfigurationResult, TrafficResult } from './results.js';

export interface Range {
  readonly min: number;
  readonly max: number;
}

/** Was the SID on the path of a forward packet under `chain`? Decap and return SIDs always are. */
const inChain = (s: SidSpec, chain: readonly string[]): boolean => s.fn === undefined || chain.includes(s.fn);

/**
 * Packets a SID must have counted over a reconfiguration step. At least every answered request sent
 * while it was surely in the chain; at most those plus the requests sent during the replace call
 * and the unanswered ones (whose path is unknown).
 */
export function expectedRange(r: ReconfigurationResult, s: SidSpec): Range {
  if (s.direction === 'return') return { min: r.ping.received, max: r.ping.transmitted };
  const before = inChain(s, r.from);
  const after = inChain(s, r.to);
  const min = (before ? r.sentBefore : 0) + (after ? r.sentAfter : 0);
  return { min, max: min + (before || after ? r.sentDuring : 0) + r.ping.lost };
}

export function checkTraffic(t: TrafficResult): string[] {
  const failures: string[] = [];
  if (t.ping.received === 0) failures.push('traffic: no ping reply came back from the server');
  for (const s of SIDS) {
    const n = t.pingCounted[s.key] ?? 0;
    if (n < t.ping.received || n > t.ping.transmitted) {
      failures.push(`traffic: ${s.key} (${s.sid}) counted ${n} packets during a ping of ${t.ping.transmitted} (${t.ping.received} answered)`);
    }
    if ((t.tcpCounted[s.key] ?? 0) === 0) failures.push(`traffic: ${s.key} (${s.sid}) counted no packet of the TCP transfer`);
  }
  return failures;
}

export function checkReconfiguration(r: ReconfigurationResult): string[] {
  const where = `'${r.label}' (${formatChain(r.from)} ⇒ ${formatChain(r.to)})`;
  const failures: string[] = [];
  for (const [node, n] of Object.entries(r.kernelOps)) {
    const want = node === 'edge' ? 1 : 0;
    if (n !== want) failures.push(`${where}: ${n} kernel operations on ${node}, expected ${want} (the chain lives only at the edge)`);
  }
  for (const s of SIDS) {
    const n = r.counted[s.key] ?? 0;
    const { min, max } = expectedRange(r, s);
    if (n < min || n > max) failures.push(`${where}: ${s.key} (${s.sid}) counted ${n} packets, expected ${min}..${max}`);
    const later = r.countedAfterSwitch[s.key] ?? 0;
    if (s.direction === 'forward' && !inChain(s, r.to) && later > 0) failures.push(`${where}: ${s.key} kept counting (${later} packets) after it left the chain`);
    if ((s.direction === 'return' || inChain(s, r.to)) && later === 0) failures.push(`${where}: ${s.key} counted nothing after the change although it is on the path`);
  }
  return failures;
}
