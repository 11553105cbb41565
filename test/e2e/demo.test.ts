/**
 * The dataplane demo as a test: real namespaces, real packets, three live chain changes. The demo
 * checks itself, but this test re-derives the expectations from the raw measurements, so a bug in
 * the demo's own checks cannot make it pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PREFIX, SIDS } from '../../src/lab/demo/plan.js';
import type { DemoResult } from '../../src/lab/demo/results.js';
import { runDataplaneDemo } from '../../src/lab/demo/run-demo.js';
import { listNamespaces } from '../../src/lab/netns.js';

let result: DemoResult;
const lines: string[] = [];

beforeAll(async () => {
  try {
    result = await runDataplaneDemo({ log: (l) => lines.push(l) });
  } catch (e) {
    // The demo's progress says where it stopped: show it with the failure.
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- demo progress ---\n${lines.join('\n')}`);
  }
});

afterAll(() => {
  // Never leave a lab behind, even when the demo itself failed to clean up.
  expect(listNamespaces(DEMO_PREFIX)).toEqual([]);
});

describe('npm run demo (dataplane)', () => {
  it('loses no packet while the chain is changed three times under a 200-pps ping', () => {
    expect(result.summary.reconfigurations).toBe(3);
    expect(result.reconfigurations.map((r) => r.ping.transmitted)).toEqual([400, 400, 400]);
    expect(result.summary.lost).toBe(0);
  });

  it('touches only the edge, once per change', () => {
    for (const r of result.reconfigurations) {
      expect(r.kernelOps, r.label).toEqual({ client: 0, edge: 1, fn1: 0, fn2: 0, egress: 0, server: 0 });
    }
    expect(result.summary.kernelOps).toEqual({ client: 0, edge: 3, fn1: 0, fn2: 0, egress: 0, server: 0 });
  });

  it('counts every ping and TCP packet at every SID of the initial chain', () => {
    const t = result.traffic;
    expect(t.ping.received).toBe(50);
    expect(t.tcp.bytes).toBe(16 * 1024 * 1024);
    for (const s of SIDS) {
      expect(t.pingCounted[s.key], s.key).toBeGreaterThanOrEqual(50);
      expect(t.tcpCounted[s.key], s.key).toBeGreaterThan(0);
    }
  });

  it("raises each chain SID's counter by at least the packets sent while it was in the chain", () => {
    for (const r of result.reconfigurations) {
      for (const s of SIDS) {
        const inBefore = s.fn === undefined || r.from.includes(s.fn);
        const inAfter = s.fn === undefined || r.to.includes(s.fn);
        const atLeast = s.direction === 'return' ? r.ping.received : (inBefore ? r.sentBefore : 0) + (inAfter ? r.sentAfter : 0);
        expect(r.counted[s.key], `${r.label}: ${s.key}`).toBeGreaterThanOrEqual(atLeast);
        if (inAfter) expect(r.countedAfterSwitch[s.key], `${r.label}: ${s.key} after the change`).toBeGreaterThan(0);
        // A function that left the chain stops counting: its SID is no longer in the packets.
        else expect(r.countedAfterSwitch[s.key], `${r.label}: ${s.key} after leaving the chain`).toBe(0);
      }
    }
    // The first change removed fn1: it counted only what was sent before (and during) the call.
    const removal = result.reconfigurations[0]!;
    expect(removal.counted['fn1/End']).toBeLessThanOrEqual(removal.sentBefore + removal.sentDuring + removal.ping.lost);
  });

  it('leaves no sfc-demo- namespace behind', () => {
    expect(listNamespaces(DEMO_PREFIX)).toEqual([]);
  });
});
