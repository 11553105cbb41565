/** What the dataplane demo measured: returned by runDataplaneDemo, checked by checks.ts and the e2e test. */
import type { Counters } from '../sid-counters.js';
import type { Chain } from './plan.js';

export interface PingSummary {
  readonly transmitted: number;
  readonly received: number;
  readonly lost: number;
}

export interface TrafficResult {
  readonly ping: PingSummary;
  /** Packets each SID counted during the ping. */
  readonly pingCounted: Counters;
  readonly tcp: { readonly bytes: number; readonly ms: number; readonly mbitPerS: number };
  /** Packets each SID counted during the TCP transfer. */
  readonly tcpCounted: Counters;
}

export interface ReconfigurationResult {
  readonly label: string;
  readonly from: Chain;
  readonly to: Chain;
  /** The background ping that ran across the change. */
  readonly ping: PingSummary;
  /**
   * Answered requests by when they left (reply timestamp − RTT) relative to the replace call:
   * before it started (old chain for sure), after it returned (new chain for sure), or in between.
   */
  readonly sentBefore: number;
  readonly sentAfter: number;
  readonly sentDuring: number;
  /** How long the replaceNexthop call took, round trip through the edge's worker included. */
  readonly replaceMs: number;
  /** Kernel write operations the demo sent per node during the whole step. */
  readonly kernelOps: Record<string, number>;
  /** Packets each SID counted over the whole step (the ping started and ended quiet). */
  readonly counted: Counters;
  /** Packets each SID counted from shortly after the change to the end of the ping. */
  readonly countedAfterSwitch: Counters;
}

/** The one JSON line `npm run demo` prints. */
export interface DemoSummary {
  readonly demo: 'dataplane';
  /** Packets lost by the pings that ran across the live reconfigurations. */
  readonly lost: number;
  readonly reconfigurations: number;
  /** Kernel write operations per node, summed over the reconfigurations. */
  readonly kernelOps: Record<string, number>;
  /** Final packet counters per SID (`node/behaviour`). */
  readonly counters: Counters;
}

export interface DemoResult {
  readonly summary: DemoSummary;
  readonly traffic: TrafficResult;
  readonly reconfigurations: readonly ReconfigurationResult[];
}
