/**
 * NetlinkDataplane against the real kernel, each test in a fresh namespace that is removed even on
 * failure. Runs as root (CI is root); without root it fails saying so — it never passes empty.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/common/errors.js';
import { pruneOwned, verifyState } from '../../src/dataplane/desired-state.js';
import { NetlinkError } from '../../src/dataplane/errors.js';
import type { Nexthop } from '../../src/dataplane/seg6/nexthop.js';
import { type Route, normalizeRoute } from '../../src/dataplane/seg6/route.js';
import type { Rule } from '../../src/dataplane/seg6/rule.js';
import { createNetns, deleteNetns, enableSrv6, ipn, veth } from '../support/netns.js';
import { RemoteDataplane } from '../../src/lab/remote-dataplane.js';

let ns: string;
let dp: RemoteDataplane;

beforeEach(async () => {
  ns = createNetns('dp');
  enableSrv6(ns);
  veth(ns, 'd0', 'd1');
  ipn(ns, ['-6', 'addr', 'add', 'fc00::1/64', 'dev', 'd0', 'nodad']);
  dp = await RemoteDataplane.start(ns);
});

afterEach(async () => {
  await dp?.stop();
  deleteNetns(ns);
});

const sidRoute = (n: number, nh4 = '10.1.0.2'): Route => ({
  family: 6,
  dst: `fc00:f::${n}/128`,
  dev: 'd0',
  encap: { type: 'seg6local', behavior: { action: 'End.DX4', nh4 }, count: true },
});
const chainNexthop = (id: number, segments: string[]): Nexthop => ({ id, family: 6, dev: 'd0', encap: { type: 'seg6', mode: 'encap', segments } });
const classifier = (n: number, nhid: number): Route => ({ family: 6, dst: `fc00:${(0x100 + n).toString(16)}::/64`, nhid });

describe('routes, nexthops and rules through rtnetlink', () => {
  it('add → list → equal → replace → delete → delete again', async () => {
    const r = sidRoute(1);
    await dp.addRoute(r);
    const listed = await dp.listRoutes();
    expect(listed).toHaveLength(1);
    expect(normalizeRoute(listed[0]!)).toEqual(normalizeRoute({ ...r, protocol: 200 }));
    expect(await verifyState(dp, { routes: [r] })).toEqual([]);

    await expect(dp.addRoute(r)).rejects.toMatchObject({ code: 'EEXIST', operation: 'add' });

    const replaced = sidRoute(1, '10.1.0.9');
    await dp.replaceRoute(replaced);
    expect(await verifyState(dp, { routes: [replaced] })).toEqual([]);
    expect(ipn(ns, ['-6', 'route', 'show', 'fc00:f::1'])).toContain('nh4 10.1.0.9');

    expect(await dp.deleteRoute(replaced)).toBe(true);
    expect(await dp.deleteRoute(replaced)).toBe(false);
    expect(await dp.listRoutes()).toEqual([]);
  });

  it('nexthops and rules: add, list, replace, idempotent delete', async () => {
    const nh = chainNexthop(7, ['fc00:a::1', 'fc00:b::2', 'fc00:c::3']);
    await dp.addNexthop(nh);
    expect(await verifyState(dp, { nexthops: [nh] })).toEqual([]);
    await expect(dp.addNexthop(nh)).rejects.toBeInstanceOf(NetlinkError);
    const nh2 = chainNexthop(7, ['fc00:c::3']);
    await dp.replaceNexthop(nh2);
    expect(await verifyState(dp, { nexthops: [nh2] })).toEqual([]);
    expect(await dp.deleteNexthop({ id: 7 })).toBe(true);
    expect(await dp.deleteNexthop({ id: 7 })).toBe(false);

    const rule: Rule = { family: 4, priority: 1000, table: 1000, iif: 'd0', src: '10.0.0.0/8', ipproto: 6, dport: { start: 80, end: 443 } };
    await dp.addRule(rule);
    expect(await verifyState(dp, { rules: [rule] })).toEqual([]);
    expect(ipn(ns, ['rule', 'show', 'pref', '1000'])).toContain('from 10.0.0.0/8 iif d0 ipproto tcp dport 80-443 lookup 1000 proto 200');
    await expect(dp.addRule(rule)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await dp.deleteRule(rule)).toBe(true);
    expect(await dp.deleteRule(rule)).toBe(false);
  });

  it('a nexthop replace switches every referencing route at once', async () => {
    await dp.addNexthop(chainNexthop(1, ['fc00:a::1', 'fc00:e::100']));
    await dp.apply([1, 2, 3].map((n) => ({ op: 'add', kind: 'route', object: classifier(n, 1) })));
    await dp.replaceNexthop(chainNexthop(1, ['fc00:b::1', 'fc00:c::1', 'fc00:e::100']));
    const shown = ipn(ns, ['-6', 'route', 'show', 'proto', '200']).trim().split('\n');
    expect(shown).toHaveLength(3);
    for (const line of shown) expect(line).toContain('encap seg6 mode encap segs 3 [ fc00:b::1 fc00:c::1 fc00:e::100 ]');
  });

  it('a batch reports one result per item, matched across chunk boundaries', async () => {
    await dp.addNexthop(chainNexthop(1, ['fc00:a::1']));
    const routes = Array.from({ length: 3000 }, (_, i) => classifier(i, 1));
    // Every 7th op repeats an earlier add: the kernel answers EEXIST for exactly those.
    const ops = routes.flatMap((r, i) => (i % 7 === 6 ? [{ op: 'add', kind: 'route', object: r } as const, { op: 'add', kind: 'route', object: routes[i - 3]! } as const] : [{ op: 'add', kind: 'route', object: r } as const]));
    const results = await dp.apply(ops);
    expect(results).toHaveLength(ops.length);
    ops.forEach((op, k) => {
      const dup = k > 0 && ops.slice(0, k).some((o) => o.object === op.object);
      expect(results[k]!.ok, `op ${k}`).toBe(!dup);
      if (dup && !results[k]!.ok) expect(results[k]!.error.code).toBe('EEXIST');
    });
    expect((await dp.listRoutes({ family: 6 })).length).toBe(3000);
  });

  it('routes that reference a missing nexthop, or an unknown device, fail per item; the rest apply', async () => {
    const results = await dp.apply([
      { op: 'add', kind: 'route', object: classifier(1, 99) },
      { op: 'add', kind: 'route', object: { ...sidRoute(2), dev: 'nosuchdev' } },
      { op: 'add', kind: 'route', object: sidRoute(3) },
    ]);
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'ENODEV' } });
    expect(results[2]).toEqual({ ok: true });
  });

  it('rejects bad objects before anything reaches the kernel', async () => {
    const before = ipn(ns, ['-6', 'route', 'show', 'table', 'all']);
    const bad = { family: 6, dst: 'fc00:f::9/128', dev: 'd0', encap: { type: 'seg6local', behavior: { action: 'End.DX4' } } } as unknown as Route;
    const err = await dp.apply([{ op: 'add', kind: 'route', object: sidRoute(1) }, { op: 'add', kind: 'route', object: bad }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).violations.map((v) => v.field)).toEqual(['ops[1].object.encap.behavior.nh4']);
    expect(ipn(ns, ['-6', 'route', 'show', 'table', 'all'])).toBe(before);
  });

  it('prunes owned objects only; foreign routes, nexthops and rules stay', async () => {
    ipn(ns, ['-6', 'route', 'add', 'fc00:f::100/128', 'encap', 'seg6local', 'action', 'End', 'dev', 'd0']);
    ipn(ns, ['nexthop', 'add', 'id', '500', 'dev', 'd0']);
    ipn(ns, ['rule', 'add', 'pref', '900', 'iif', 'd1', 'lookup', '900']);
    const keep = sidRoute(1);
    await dp.addNexthop(chainNexthop(1, ['fc00:a::1']));
    await dp.apply([
      { op: 'add', kind: 'route', object: keep },
      { op: 'add', kind: 'route', object: sidRoute(2) },
      { op: 'add', kind: 'route', object: classifier(1, 1) },
      { op: 'add', kind: 'rule', object: { family: 6, priority: 901, table: 901, iif: 'd0' } },
    ]);
    const deleted = await pruneOwned(dp, { routes: [keep] });
    expect(deleted.map((o) => o.kind).sort()).toEqual(['nexthop', 'route', 'route', 'rule']);
    expect((await dp.listRoutes()).map((r) => r.dst)).toEqual(['fc00:f::1/128']);
    expect(await dp.listNexthops()).toEqual([]);
    expect(await dp.listRules()).toEqual([]);
    expect(ipn(ns, ['-6', 'route', 'show', 'fc00:f::100'])).toContain('seg6local action End');
    expect(ipn(ns, ['nexthop', 'show', 'id', '500'])).toContain('id 500');
    expect(ipn(ns, ['rule', 'show', 'pref', '900'])).toContain('lookup 900');
    expect(await pruneOwned(dp, { routes: [keep] })).toEqual([]);
  });

  it('getRoute: the kernel lookup without a table, longest match within a given table', async () => {
    const applied = await dp.apply([
      { op: 'add', kind: 'route', object: { ...sidRoute(1), table: 100 } },
      { op: 'add', kind: 'route', object: { family: 6, dst: 'fc00:f::/64', dev: 'd0', table: 100, encap: { type: 'seg6', mode: 'encap', segments: ['fc00:a::1'] } } },
      { op: 'add', kind: 'route', object: sidRoute(2) },
    ]);
    expect(applied.every((r) => r.ok)).toBe(true);
    expect((await dp.getRoute('fc00:f::1', 100))?.dst).toBe('fc00:f::1/128');
    expect((await dp.getRoute('fc00:f::99', 100))?.dst).toBe('fc00:f::/64');
    expect(await dp.getRoute('fc00:f::1', 555)).toBeUndefined();
    // The main-table lookup does not see table 100's routes; it finds fc00::/64 on d0 for ::1 ...
    expect((await dp.getRoute('fc00:f::1'))?.dst).not.toBe('fc00:f::1/128');
    // ... and reports live counters for a counted SID.
    const sid2 = await dp.getRoute('fc00:f::2');
    expect(sid2?.encap?.type === 'seg6local' && sid2.encap.counters?.packets).toBe(0n);
  });

  it('concurrent listings share one socket (the kernel allows one dump at a time per socket)', async () => {
    await dp.addRoute(sidRoute(1));
    const [routes, nexthops, rules, again] = await Promise.all([dp.listRoutes(), dp.listNexthops(), dp.listRules(), dp.listRoutes()]);
    expect(routes).toHaveLength(1);
    expect(again).toEqual(routes);
    expect(nexthops).toEqual([]);
    expect(rules).toEqual([]);
  });

  it('reads and writes the tunnel source (SEG6 generic netlink)', async () => {
    expect(await dp.getTunnelSource()).toBe('::');
    await dp.setTunnelSource('fc00::1');
    expect(await dp.getTunnelSource()).toBe('fc00::1');
    expect(ipn(ns, ['sr', 'tunsrc', 'show'])).toContain('fc00::1');
  });

  it('probes kernel features truthfully and leaves nothing behind', async () => {
    const before = ipn(ns, ['-6', 'route', 'show', 'table', 'all']) + ipn(ns, ['nexthop', 'show']) + ipn(ns, ['link', 'show']);
    const f = await dp.probeFeatures();
    expect(f.seg6).toEqual({ ok: true });
    expect(f.seg6local['End.DX4']).toEqual({ ok: true });
    expect(f.seg6local['End.DX6']).toEqual({ ok: true });
    expect(f.counters).toEqual({ ok: true });
    expect(f.nexthopObjects).toEqual({ ok: true });
    // Cross-check the VRF answer with iproute2 itself.
    let vrf = true;
    try {
      ipn(ns, ['link', 'add', 'sfc-vrfchk', 'type', 'vrf', 'table', '55']);
      ipn(ns, ['link', 'del', 'sfc-vrfchk']);
    } catch {
      vrf = false;
    }
    expect(f.vrf.ok).toBe(vrf);
    expect(f.seg6local['End.DT46'].ok).toBe(vrf);
    const after = ipn(ns, ['-6', 'route', 'show', 'table', 'all']) + ipn(ns, ['nexthop', 'show']) + ipn(ns, ['link', 'show']);
    expect(after).toBe(before);
  });
});
