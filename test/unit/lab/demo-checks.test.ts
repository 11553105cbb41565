/** The demo's self-checks on synthetic measurements: what counts as "counters moved with the chain". */
import { describe, expect, it } from 'vitest';
import { checkReconfiguration, expectedRange } from '../../../src/lab/demo/checks.js';
import { SIDS } from '../../../src/lab/demo/plan.js';
import type { ReconfigurationResult } from '../../../src/lab/demo/results.js';

const sid = (key: string) => SIDS.find((s) => s.key === key)!;
const removal: ReconfigurationResult = {
  label: 'remove fn1',
  from: ['fn1', 'fn2'],
  to: ['fn2'],
  ping: { transmitted: 400, received: 400, lost: 0 },
  sentBefore: 140,
  sentAfter: 259,
  sentDuring: 1,
  replaceMs: 1,
  kernelOps: { client: 0, edge: 1, fn1: 0, fn2: 0, egress: 0, server: 0 },
  counted: { 'fn1/End': 141, 'fn2/End': 400, 'egress/End.DX4': 400, 'edge/End.DX4': 400 },
  countedAfterSwitch: { 'fn1/End': 0, 'fn2/End': 199, 'egress/End.DX4': 199, 'edge/End.DX4': 199 },
};

describe('demo checks', () => {
  it('bounds a removed function by the requests sent before the change, plus the ambiguous ones', () => {
    expect(expectedRange(removal, sid('fn1/End'))).toEqual({ min: 140, max: 141 });
    expect(expectedRange(removal, sid('fn2/End'))).toEqual({ min: 399, max: 400 });
    expect(expectedRange(removal, sid('edge/End.DX4'))).toEqual({ min: 400, max: 400 });
  });

  it('accepts a clean removal', () => {
    expect(checkReconfiguration(removal)).toEqual([]);
  });

  it('flags a function that keeps counting after it left the chain, and operations off the edge', () => {
    const bad = { ...removal, kernelOps: { ...removal.kernelOps, fn1: 1 }, countedAfterSwitch: { ...removal.countedAfterSwitch, 'fn1/End': 5 } };
    const failures = checkReconfiguration(bad);
    expect(failures.some((f) => /1 kernel operations on fn1, expected 0/.test(f))).toBe(true);
    expect(failures.some((f) => /fn1\/End kept counting \(5 packets\)/.test(f))).toBe(true);
  });

  it('flags a SID that counted fewer packets than were sent through it', () => {
    const failures = checkReconfiguration({ ...removal, counted: { ...removal.counted, 'fn2/End': 300 } });
    expect(failures).toEqual([expect.stringMatching(/fn2\/End \(fc00:3::e\) counted 300 packets, expected 399\.\.400/)]);
  });
});
