/**
 * Parity with iproute2 on the real kernel: the golden bytes still match what this kernel produces,
 * what we install reads back under `ip -j` exactly like the same object added with `ip`, and our
 * formatter prints the line `ip route show` prints.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRoute } from '../../src/dataplane/seg6/route.js';
import { formatRule, type Rule } from '../../src/dataplane/seg6/rule.js';
import { GOLDEN_FILE, type Golden, captureGolden, goldenNamespace } from '../golden/capture.js';
import { GOLDEN_TABLE, NEXTHOP_CASES, ROUTE_CASES } from '../golden/cases.js';
import { deleteNetns, ipn } from '../support/netns.js';
import { RemoteDataplane } from '../../src/lab/remote-dataplane.js';

const OURS = GOLDEN_TABLE + 1;
let ns: string;
let dp: RemoteDataplane;

beforeAll(async () => {
  ns = goldenNamespace();
  dp = await RemoteDataplane.start(ns);
});
afterAll(async () => {
  await dp?.stop();
  deleteNetns(ns);
});

const json = (args: string[]): Record<string, unknown>[] => JSON.parse(ipn(ns, ['-j', ...args]) || '[]') as Record<string, unknown>[];
const without = (objs: Record<string, unknown>[], ...keys: string[]) =>
  objs.map((o) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k))));

describe('iproute2 parity', () => {
  it('the committed golden bytes are what this kernel produces', async () => {
    const committed = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Golden;
    const fresh = await captureGolden();
    expect(fresh.routes).toEqual(committed.routes);
    expect(fresh.nexthops).toEqual(committed.nexthops);
  });

  it('routes we install read back under `ip -j route show` exactly as the same routes added with ip', async () => {
    for (const c of ROUTE_CASES) ipn(ns, ['-6', 'route', 'add', c.route.dst, ...c.ip.split(' '), 'table', String(GOLDEN_TABLE), 'proto', '200']);
    const results = await dp.apply(ROUTE_CASES.map((c) => ({ op: 'add', kind: 'route', object: { ...c.route, table: OURS } })));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const theirs = without(json(['-6', 'route', 'show', 'table', String(GOLDEN_TABLE)]), 'table');
    const ours = without(json(['-6', 'route', 'show', 'table', String(OURS)]), 'table');
    expect(ours).toHaveLength(ROUTE_CASES.length);
    expect(ours).toEqual(theirs);
  });

  it('our formatter prints what `ip route show` prints', () => {
    for (const c of ROUTE_CASES) {
      const line = ipn(ns, ['-6', 'route', 'show', 'table', String(GOLDEN_TABLE), c.route.dst]).trim();
      expect(formatRoute({ ...c.route, protocol: 200 }), c.name).toBe(line);
    }
  });

  it('nexthops we install read back under `ip -j nexthop show` like ip-added ones', async () => {
    for (const c of NEXTHOP_CASES) ipn(ns, [...c.ip.split(' '), 'proto', '200']);
    const results = await dp.apply(NEXTHOP_CASES.map((c) => ({ op: 'add', kind: 'nexthop', object: { ...c.nexthop, id: c.nexthop.id + 1000 } })));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const all = json(['nexthop', 'show']);
    for (const c of NEXTHOP_CASES) {
      const theirs = all.filter((n) => n.id === c.nexthop.id);
      const ours = all.filter((n) => n.id === c.nexthop.id + 1000);
      expect(without(ours, 'id'), c.name).toEqual(without(theirs, 'id'));
    }
  });

  it('rules we install read back like ip-added ones, and format the same', async () => {
    const rule: Rule = { family: 4, priority: 300, table: 300, src: '10.0.0.0/8', dst: '10.1.0.0/16', iif: 'd0', ipproto: 6, sport: { start: 1000, end: 2000 }, dport: { start: 80, end: 80 }, fwmark: 0x10, fwmask: 0xff };
    ipn(ns, ['rule', 'add', 'pref', '301', 'from', '10.0.0.0/8', 'to', '10.1.0.0/16', 'fwmark', '0x10/0xff', 'iif', 'd0', 'ipproto', 'tcp', 'sport', '1000-2000', 'dport', '80', 'lookup', '300', 'proto', '200']);
    await dp.addRule(rule);
    const rules = json(['rule', 'show']);
    const [ours, theirs] = [rules.find((r) => r.priority === 300), rules.find((r) => r.priority === 301)];
    expect(without([ours!], 'priority')).toEqual(without([theirs!], 'priority'));
    expect(formatRule({ ...rule, protocol: 200 })).toBe(ipn(ns, ['rule', 'show', 'pref', '300']).trim());
  });
});
