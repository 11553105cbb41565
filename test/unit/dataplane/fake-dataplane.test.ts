/**
 * FakeDataplane: the kernel's semantics, in memory.
 *
 * Each behaviour below was observed on the real kernel (Linux 6.18, iproute2 6.1) in a throwaway
 * namespace (`ip netns add sfc-fake-k1`, veth a0/a1 inside, errnos read with
 * `strace -e trace=recvmsg ip ...`, or through NetlinkDataplane run with `ip netns exec`). A
 * differential run then applied the same op batches (routes, nexthops, rules, seg6local, ENODEV)
 * through NetlinkDataplane and FakeDataplane: every OpResult, listing and getRoute answer matched,
 * except that the kernel dumps the IPv6 default route ::/0 last.
 *
 *
 * | behaviour | command | kernel answer |
 * |---|---|---|
 * | route add twice; blackhole on the same prefix+metric | `ip -6 route add 2001:db8::/64 dev a0` ×2 / `add blackhole 2001:db8::/64` | EEXIST |
 * | another metric is another route | `... dev a0 metric 5` | ok |
 * | IPv6 metric 0 is the default 1024 | `ip -6 route add ... metric 0` then `... metric 1024` | shown as 1024; EEXIST |
 * | IPv6 protocol 0 is stored as boot (3) | NetlinkDataplane({protocol: 0}).addRoute + listRoutes | protocol 3 |
 * | replace creates or replaces | `ip -6 route replace 2001:db8::/64 dev a1` | ok |
 * | delete missing, or with another protocol | `ip -6 route del 2001:db8::/64 proto 201` | ESRCH |
 * | delete without (or with 0) metric takes the lowest metric | `ip -6 route del 2001:db8::/64` with metrics 7 and 1024 | metric 7 goes first |
 * | IPv4 delete matches the type, IPv6 does not | `ip route del blackhole 10.8.0.0/24` / `ip -6 route del blackhole ...` | ESRCH / deletes the unicast route |
 * | nhid that does not exist | `ip -6 route add ... nhid 99` | EINVAL "Nexthop id does not exist" |
 * | IPv6 route on an IPv4 nexthop (also blackhole) | `ip -6 route add ... nhid 2` (v4 seg6 nh) | EINVAL "IPv6 routes can not use an IPv4 nexthop" |
 * | IPv4 route on an IPv6 nexthop (seg6, dev-only, blackhole) | `ip route add 10.5.0.0/24 nhid 1` | ok |
 * | route through a blackhole nexthop dumps as blackhole | `ip -j route show` | type blackhole |
 * | IPv4 reject route with a device | `ip route add blackhole 10.31.0.0/24 dev a0` | EINVAL |
 * | IPv6 reject routes dump dev lo (given dev/via dropped) | `ip -6 route add blackhole ... dev a0` / `via ...` | dev lo |
 * | End.DT6 vrftable / End.DT46 without a VRF device | `ip -6 route add ... seg6local action End.DT46 vrftable 100 dev a0` | EINVAL |
 * | route replace restarts seg6local counters | ping through End.DX6 count, then `ip route replace` the same | packets 3 → 0 |
 * | nexthop add twice | `ip -6 nexthop add id 1 ...` ×2 | EEXIST |
 * | nexthop replace of a missing id creates it | `ip nexthop replace id 50 dev a1` | ok |
 * | replace v6 → v4 under IPv6 routes | `ip nexthop replace id 1 ...` (v6 nh used by a v6 route) | EINVAL, unchanged |
 * | replace v4 → v6 and back under IPv4 routes only | `ip -6 nexthop replace id 2 ...` | ok |
 * | replace switches referencing routes | `ip -6 nexthop replace id 1 ... segs fc00:c::1 dev a1` | routes show the new encap |
 * | nexthop delete missing | `ip nexthop del id 77` | ENOENT |
 * | nexthop delete flushes its routes (both families) | `ip nexthop del id 1` | v4 and v6 routes gone |
 * | rule add identical | `ip -6 rule add pref 100 from 2001:db8::/64 lookup 100 proto 200` ×2 | EEXIST |
 * | rules differing only in table or protocol coexist | `... lookup 101` / `... proto 201` | ok |
 * | rule add without src beside one with src | `ip -6 rule add pref 100 lookup 100 proto 200` | EEXIST (rule_exists wildcards src/dst) |
 * | rule delete missing or of another protocol | `ip -6 rule del ... proto 202` | ENOENT |
 * | rule delete naming fewer selectors takes the first match | `ip -6 rule del pref 100 lookup 100 proto 200` | deletes `from 2001:db8::/64 ...` |
 * | rule src keeps host bits; unknown iif accepted | `ip rule add from 10.1.1.1/24 ...` / `iif nosuchif` | ok, shown as given / [detached] |
 * | getroute: unreachable / blackhole / prohibit / nothing | `ip -6 route get fibmatch ...` | EHOSTUNREACH / EINVAL / EACCES / ENETUNREACH |
 * | a fresh namespace's rules | `ip rule`, `ip -6 rule` | 0 local, 32766 main, (v4) 32767 default, proto kernel |
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/common/errors.js';
import type { DataplaneOp, OpResult } from '../../../src/dataplane/dataplane.js';
import { SFC_PROTOCOL } from '../../../src/dataplane/dataplane.js';
import { NetlinkError } from '../../../src/dataplane/errors.js';
import { FakeDataplane } from '../../../src/dataplane/fake/fake-dataplane.js';
import type { Nexthop } from '../../../src/dataplane/seg6/nexthop.js';
import type { Route } from '../../../src/dataplane/seg6/route.js';
import type { Rule } from '../../../src/dataplane/seg6/rule.js';

const fake = () => new FakeDataplane({ links: ['lo', 'eth0', 'eth1'] });

/** The errno code of each result ('ok' for success). */
const codes = (rs: OpResult[]) => rs.map((r) => (r.ok ? 'ok' : r.error.code));
const one = async (dp: FakeDataplane, op: DataplaneOp) => codes(await dp.apply([op]))[0];

const v6 = (dst: string, extra: Partial<Route> = {}): Route => ({ family: 6, dst, dev: 'eth0', ...extra });
const v4 = (dst: string, extra: Partial<Route> = {}): Route => ({ family: 4, dst, dev: 'eth0', ...extra });
const sid = (dst: string, count = true): Route => ({
  family: 6,
  dst,
  dev: 'eth0',
  encap: { type: 'seg6local', behavior: { action: 'End.DX4', nh4: '0.0.0.0' }, count },
});
const chainNh = (id: number, family: 4 | 6, segments = ['fc00:a::1', 'fc00:b::100']): Nexthop => ({
  id,
  family,
  dev: 'eth0',
  encap: { type: 'seg6', mode: 'encap', segments },
});
const rule = (extra: Partial<Rule> = {}): Rule => ({ family: 6, priority: 100, table: 100, ...extra });
const dsts = async (dp: FakeDataplane) => (await dp.listRoutes()).map((r) => `${r.dst} table ${r.table} metric ${r.metric}`);

describe('FakeDataplane: validation and ownership', () => {
  it('validates every op before changing anything', async () => {
    const dp = fake();
    const bad = { op: 'add', kind: 'route', object: { family: 6, dst: 'nope', dev: 'eth0' } } as DataplaneOp;
    await expect(dp.apply([{ op: 'add', kind: 'route', object: v6('fc00::/64') }, bad])).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await dp.listRoutes({ all: true })).toEqual([]);
    expect(dp.opsPerformed).toBe(0);
  });

  it('stamps its protocol and lists what it owns unless asked for all', async () => {
    const dp = fake();
    const other = dp.withProtocol(201);
    await dp.addRoute(v6('fc00:1::/64', { protocol: 7 }));
    await other.addRoute(v6('fc00:2::/64'));
    await dp.addNexthop(chainNh(1, 6));
    await other.addNexthop(chainNh(2, 6));
    await dp.addRule(rule());
    await other.addRule(rule({ priority: 101 }));

    expect(await dp.listRoutes()).toEqual([{ family: 6, dst: 'fc00:1::/64', table: 254, protocol: SFC_PROTOCOL, metric: 1024, dev: 'eth0' }]);
    expect((await dp.listRoutes({ all: true })).map((r) => r.protocol)).toEqual([200, 201]);
    expect((await dp.listNexthops()).map((n) => [n.id, n.protocol])).toEqual([[1, 200]]);
    expect((await dp.listNexthops({ all: true })).map((n) => n.id)).toEqual([1, 2]);
    expect(await dp.listRules()).toEqual([{ family: 6, priority: 100, table: 100, protocol: 200 }]);
    expect((await other.listRules()).map((r) => r.priority)).toEqual([101]);
  });

  it('starts with the rules of a fresh namespace, owned by the kernel', async () => {
    const dp = fake();
    expect(await dp.listRules()).toEqual([]);
    expect((await dp.listRules({ all: true })).map((r) => `${r.family} ${r.priority} ${r.table} ${r.protocol}`)).toEqual([
      '4 0 255 2',
      '4 32766 254 2',
      '4 32767 253 2',
      '6 0 255 2',
      '6 32766 254 2',
    ]);
  });

  it('filters listings by family and table', async () => {
    const dp = fake();
    await dp.addRoute(v6('fc00:1::/64'));
    await dp.addRoute(v6('fc00:2::/64', { table: 100 }));
    await dp.addRoute(v4('10.0.0.0/24'));
    await dp.addNexthop(chainNh(1, 6));
    await dp.addNexthop(chainNh(2, 4));
    await dp.addRule(rule());
    await dp.addRule(rule({ family: 4 }));
    expect((await dp.listRoutes({ family: 4 })).map((r) => r.dst)).toEqual(['10.0.0.0/24']);
    expect((await dp.listRoutes({ table: 100 })).map((r) => r.dst)).toEqual(['fc00:2::/64']);
    expect((await dp.listRoutes({ family: 6, table: 254 })).map((r) => r.dst)).toEqual(['fc00:1::/64']);
    expect((await dp.listNexthops({ family: 4 })).map((n) => n.id)).toEqual([2]);
    expect((await dp.listRules({ family: 4 })).map((r) => r.family)).toEqual([4]);
  });

  it('returns copies, normalized as a dump decodes them', async () => {
    const dp = fake();
    await dp.addRoute({ family: 6, dst: 'FC00:0:0:1::/64', dev: 'eth0', encap: { type: 'seg6', mode: 'encap', segments: ['FC00:A:0::1'] } });
    const [r] = await dp.listRoutes();
    expect(r).toEqual({
      family: 6,
      dst: 'fc00:0:0:1::/64',
      table: 254,
      protocol: 200,
      metric: 1024,
      dev: 'eth0',
      encap: { type: 'seg6', mode: 'encap', segments: ['fc00:a::1'] },
    });
    (r as { dev: string }).dev = 'mutated';
    expect((await dp.listRoutes())[0]!.dev).toBe('eth0');
  });
});

describe('FakeDataplane: routes', () => {
  it('add is exclusive on family, table, prefix and metric; the type does not matter', async () => {
    const dp = fake();
    expect(await one(dp, { op: 'add', kind: 'route', object: v6('fc00::/64') })).toBe('ok');
    expect(await one(dp, { op: 'add', kind: 'route', object: v6('fc00::/64', { dev: 'eth1' }) })).toBe('EEXIST');
    expect(await one(dp, { op: 'add', kind: 'route', object: { family: 6, dst: 'fc00::/64', type: 'blackhole' } })).toBe('EEXIST');
    expect(await one(dp, { op: 'add', kind: 'route', object: v6('fc00::/64', { metric: 1024 }) })).toBe('EEXIST');
    expect(await one(dp, { op: 'add', kind: 'route', object: v6('fc00::/64', { metric: 0 }) })).toBe('EEXIST'); // IPv6 metric 0 = 1024
    expect(await one(dp, { op: 'add', kind: 'route', object: v6('fc00::/64', { metric: 5 }) })).toBe('ok');
    expect(await one(dp, { op: 'add', kind: 'route', object: v6('fc00::/64', { table: 100 }) })).toBe('ok');
    expect(await one(dp, { op: 'add', kind: 'route', object: v4('10.0.0.0/24') })).toBe('ok');
    expect(await one(dp, { op: 'add', kind: 'route', object: v4('10.0.0.0/24', { metric: 0 }) })).toBe('EEXIST');
    await expect(dp.addRoute(v6('fc00::/64'))).rejects.toMatchObject({ name: 'NetlinkError', code: 'EEXIST', operation: 'add' });
    expect(await dsts(dp)).toEqual([
      '10.0.0.0/24 table 254 metric 0',
      'fc00::/64 table 100 metric 1024',
      'fc00::/64 table 254 metric 5',
      'fc00::/64 table 254 metric 1024',
    ]);
  });

  it('replace creates or replaces the route with the same key only', async () => {
    const dp = fake();
    await dp.replaceRoute(v6('fc00::/64'));
    await dp.addRoute(v6('fc00::/64', { metric: 5 }));
    await dp.replaceRoute(v6('fc00::/64', { dev: 'eth1' }));
    expect((await dp.listRoutes()).map((r) => `${r.metric} ${r.dev}`)).toEqual(['5 eth0', '1024 eth1']);
  });

  it('replace takes over a route of another owner, add does not', async () => {
    const dp = fake();
    await dp.withProtocol(201).addRoute(v6('fc00::/64'));
    expect(await one(dp, { op: 'add', kind: 'route', object: v6('fc00::/64') })).toBe('EEXIST');
    await dp.replaceRoute(v6('fc00::/64', { dev: 'eth1' }));
    expect(await dp.listRoutes({ all: true })).toMatchObject([{ protocol: 200, dev: 'eth1' }]);
  });

  it('delete of a missing route is ESRCH; deleteRoute resolves false', async () => {
    const dp = fake();
    expect(await one(dp, { op: 'delete', kind: 'route', object: v6('fc00::/64') })).toBe('ESRCH');
    expect(await dp.deleteRoute(v6('fc00::/64'))).toBe(false);
    await dp.addRoute(v6('fc00::/64'));
    expect(await dp.deleteRoute({ family: 6, dst: 'fc00::/64' })).toBe(true);
    expect(await dp.listRoutes()).toEqual([]);
  });

  it('delete matches the protocol: another owner\'s route is ESRCH and stays', async () => {
    const dp = fake();
    await dp.withProtocol(201).addRoute(v4('10.0.0.0/24'));
    expect(await one(dp, { op: 'delete', kind: 'route', object: v4('10.0.0.0/24') })).toBe('ESRCH');
    expect(await dp.listRoutes({ all: true })).toHaveLength(1);
  });

  it('delete without a metric takes the lowest metric first; with one, only that route', async () => {
    const dp = fake();
    await dp.addRoute(v6('fc00::/64'));
    await dp.addRoute(v6('fc00::/64', { metric: 7 }));
    await dp.addRoute(v6('fc00::/64', { metric: 9 }));
    expect(await dp.deleteRoute(v6('fc00::/64', { metric: 8 }))).toBe(false);
    expect(await dp.deleteRoute(v6('fc00::/64', { metric: 9 }))).toBe(true);
    expect(await dp.deleteRoute({ family: 6, dst: 'fc00::/64' })).toBe(true);
    expect(await dsts(dp)).toEqual(['fc00::/64 table 254 metric 1024']);
    await dp.addRoute(v4('10.0.0.0/24', { metric: 5 }));
    await dp.addRoute(v4('10.0.0.0/24', { metric: 9 }));
    expect(await dp.deleteRoute({ family: 4, dst: '10.0.0.0/24', metric: 0 })).toBe(true); // 0 = any, as in the kernel
    expect((await dp.listRoutes({ family: 4 })).map((r) => r.metric)).toEqual([9]);
  });

  it('IPv4 delete matches the route type; IPv6 ignores it', async () => {
    const dp = fake();
    await dp.addRoute(v4('10.0.0.0/24'));
    await dp.addRoute(v6('fc00::/64'));
    expect(await one(dp, { op: 'delete', kind: 'route', object: { family: 4, dst: '10.0.0.0/24', type: 'blackhole' } })).toBe('ESRCH');
    expect(await one(dp, { op: 'delete', kind: 'route', object: { family: 6, dst: 'fc00::/64', type: 'blackhole' } })).toBe('ok');
    expect(await one(dp, { op: 'delete', kind: 'route', object: { family: 4, dst: '10.0.0.0/24', type: 'unicast' } })).toBe('ok');
  });

  it('a route must reference an existing nexthop (EINVAL)', async () => {
    const dp = fake();
    expect(await one(dp, { op: 'add', kind: 'route', object: { family: 6, dst: 'fc00::/64', nhid: 9 } })).toBe('EINVAL');
    expect(await one(dp, { op: 'replace', kind: 'route', object: { family: 4, dst: '10.0.0.0/24', nhid: 9 } })).toBe('EINVAL');
    expect(await dp.listRoutes()).toEqual([]);
  });

  it('an IPv6 route cannot use an IPv4 nexthop; an IPv4 route can use an IPv6 one', async () => {
    const dp = fake();
    await dp.addNexthop(chainNh(4, 4));
    await dp.addNexthop({ id: 5, family: 4, blackhole: true });
    await dp.addNexthop(chainNh(6, 6));
    await dp.addNexthop({ id: 7, family: 6, dev: 'eth0' });
    const r = await dp.apply([
      { op: 'add', kind: 'route', object: { family: 6, dst: 'fc00:4::/64', nhid: 4 } },
      { op: 'add', kind: 'route', object: { family: 6, dst: 'fc00:5::/64', nhid: 5 } },
      { op: 'add', kind: 'route', object: { family: 6, dst: 'fc00:6::/64', nhid: 6 } },
      { op: 'add', kind: 'route', object: { family: 4, dst: '10.4.0.0/16', nhid: 4 } },
      { op: 'add', kind: 'route', object: { family: 4, dst: '10.6.0.0/16', nhid: 6 } },
      { op: 'add', kind: 'route', object: { family: 4, dst: '10.7.0.0/16', nhid: 7 } },
    ]);
    expect(codes(r)).toEqual(['EINVAL', 'EINVAL', 'ok', 'ok', 'ok', 'ok']);
  });

  it('lists a route with a nexthop as the kernel reports it: nhid only; blackhole when the nexthop is', async () => {
    const dp = fake();
    await dp.addNexthop(chainNh(1, 6));
    await dp.addNexthop({ id: 2, family: 6, blackhole: true });
    await dp.addRoute({ family: 6, dst: 'fc00:1::/64', nhid: 1 });
    await dp.addRoute({ family: 4, dst: '10.2.0.0/16', nhid: 2 });
    expect(await dp.listRoutes()).toEqual([
      { family: 4, dst: '10.2.0.0/16', table: 254, protocol: 200, metric: 0, type: 'blackhole', nhid: 2 },
      { family: 6, dst: 'fc00:1::/64', table: 254, protocol: 200, metric: 1024, nhid: 1 },
    ]);
  });

  it('reports an unknown device per op (ENODEV) and applies the others', async () => {
    const dp = fake();
    const r = await dp.apply([
      { op: 'add', kind: 'route', object: v6('fc00:1::/64', { dev: 'nope0' }) },
      { op: 'add', kind: 'route', object: v6('fc00:2::/64') },
      { op: 'add', kind: 'nexthop', object: { id: 1, family: 6, dev: 'nope1' } },
      { op: 'add', kind: 'route', object: v6('fc00:3::1/128', { encap: { type: 'seg6local', behavior: { action: 'End.DX2', oif: 'nope2' } } }) },
      { op: 'add', kind: 'rule', object: rule({ iif: 'nope3' }) }, // the kernel keeps it, detached
      { op: 'delete', kind: 'route', object: v6('fc00:2::/64', { dev: 'nope4' }) }, // deletes name no device
    ]);
    expect(codes(r)).toEqual(['ENODEV', 'ok', 'ENODEV', 'ENODEV', 'ok', 'ok']);
    const err = (r[0] as { error: NetlinkError }).error;
    expect(err).toBeInstanceOf(NetlinkError);
    expect(err.message).toContain('unknown interface nope0');
    expect(await dp.listRoutes()).toEqual([]);
    expect(await dp.listRules()).toHaveLength(1);
  });

  it('refuses a device on an IPv4 reject route; IPv6 points reject routes at lo', async () => {
    const dp = fake();
    expect(await one(dp, { op: 'add', kind: 'route', object: v4('10.0.0.0/24', { type: 'blackhole' }) })).toBe('EINVAL');
    expect(await one(dp, { op: 'add', kind: 'route', object: { family: 4, dst: '10.0.0.0/24', type: 'blackhole' } })).toBe('ok');
    await dp.addRoute(v6('fc00:1::/64', { type: 'blackhole' }));
    await dp.addRoute({ family: 6, dst: 'fc00:2::/64', type: 'unreachable', via: 'fc00::9' });
    expect((await dp.listRoutes({ family: 6 })).map((r) => [r.type, r.dev, r.via])).toEqual([
      ['blackhole', 'lo', undefined],
      ['unreachable', 'lo', undefined],
    ]);
  });

  it('stores an IPv6 route of protocol 0 as boot (3)', async () => {
    const dp = fake().withProtocol(0);
    await dp.addRoute(v6('fc00::/64'));
    await dp.addRoute(v4('10.0.0.0/24'));
    expect((await dp.listRoutes({ all: true })).map((r) => r.protocol)).toEqual([0, 3]);
    expect(await dp.deleteRoute(v6('fc00::/64'))).toBe(true); // protocol 0 on delete = any
  });

  it('needs a VRF device for End.DT4, End.DT46 and End.DT6 vrftable (EINVAL)', async () => {
    const dt = (dst: string, vrfTable: number, action: 'End.DT4' | 'End.DT46' = 'End.DT46'): DataplaneOp => ({
      op: 'add',
      kind: 'route',
      object: v6(dst, { encap: { type: 'seg6local', behavior: { action, vrfTable } } }),
    });
    const plain = fake();
    expect(codes(await plain.apply([dt('fc00::1/128', 100), dt('fc00::2/128', 100, 'End.DT4')]))).toEqual(['EINVAL', 'EINVAL']);
    const legacy = v6('fc00::3/128', { encap: { type: 'seg6local', behavior: { action: 'End.DT6', table: 100 } } });
    expect(await one(plain, { op: 'add', kind: 'route', object: legacy })).toBe('ok');
    const vrf = new FakeDataplane({ links: ['lo', 'eth0'], vrfTables: [100] });
    expect(codes(await vrf.apply([dt('fc00::1/128', 100), dt('fc00::2/128', 101)]))).toEqual(['ok', 'EINVAL']);
  });
});

describe('FakeDataplane: nexthops', () => {
  it('add is exclusive on the id; replace creates or replaces', async () => {
    const dp = fake();
    expect(await one(dp, { op: 'add', kind: 'nexthop', object: chainNh(1, 6) })).toBe('ok');
    expect(await one(dp, { op: 'add', kind: 'nexthop', object: chainNh(1, 4) })).toBe('EEXIST');
    await expect(dp.addNexthop(chainNh(1, 6))).rejects.toMatchObject({ code: 'EEXIST' });
    await dp.replaceNexthop({ id: 2, family: 6, dev: 'eth1', gateway: 'FE80::1' });
    await dp.replaceNexthop(chainNh(1, 6, ['fc00:c::1']));
    expect(await dp.listNexthops()).toEqual([
      { id: 1, family: 6, protocol: 200, dev: 'eth0', encap: { type: 'seg6', mode: 'encap', segments: ['fc00:c::1'] } },
      { id: 2, family: 6, protocol: 200, dev: 'eth1', gateway: 'fe80::1' },
    ]);
  });

  it('replace switches every referencing route at once', async () => {
    const dp = fake();
    await dp.addNexthop(chainNh(1, 6));
    await dp.addRoute({ family: 6, dst: 'fc00:1::/64', nhid: 1 });
    await dp.addRoute({ family: 4, dst: '10.1.0.0/16', nhid: 1 });
    const ops = dp.opsPerformed;
    await dp.replaceNexthop(chainNh(1, 6, ['fc00:d::1']));
    expect(dp.opsPerformed - ops).toBe(1);
    expect((await dp.getRoute('fc00:1::5'))?.nhid).toBe(1);
    expect((await dp.getRoute('10.1.2.3'))?.nhid).toBe(1);
    expect((await dp.listNexthops())[0]!.encap?.segments).toEqual(['fc00:d::1']);
  });

  it('refuses a replace to IPv4 while IPv6 routes use the nexthop (EINVAL), and leaves it as it was', async () => {
    const dp = fake();
    await dp.addNexthop(chainNh(1, 6));
    await dp.addRoute({ family: 6, dst: 'fc00:1::/64', nhid: 1 });
    expect(await one(dp, { op: 'replace', kind: 'nexthop', object: chainNh(1, 4) })).toBe('EINVAL');
    expect(await one(dp, { op: 'replace', kind: 'nexthop', object: { id: 1, family: 4, blackhole: true } })).toBe('EINVAL');
    expect((await dp.listNexthops())[0]).toMatchObject({ family: 6, encap: { segments: ['fc00:a::1', 'fc00:b::100'] } });
  });

  it('lets a nexthop used only by IPv4 routes change family both ways', async () => {
    const dp = fake();
    await dp.addNexthop(chainNh(2, 4));
    await dp.addRoute({ family: 4, dst: '10.2.0.0/16', nhid: 2 });
    expect(await one(dp, { op: 'replace', kind: 'nexthop', object: chainNh(2, 6) })).toBe('ok');
    expect(await one(dp, { op: 'replace', kind: 'nexthop', object: chainNh(2, 4) })).toBe('ok');
    expect(await dp.listRoutes()).toHaveLength(1);
  });

  it('delete of a missing id is ENOENT; deleteNexthop resolves false', async () => {
    const dp = fake();
    expect(await one(dp, { op: 'delete', kind: 'nexthop', object: { id: 77, family: 6 } })).toBe('ENOENT');
    expect(await dp.deleteNexthop({ id: 77 })).toBe(false);
  });

  it('delete takes along every route that uses the nexthop, in both families, and nothing else', async () => {
    const dp = fake();
    await dp.addNexthop(chainNh(1, 6));
    await dp.addNexthop(chainNh(2, 6));
    await dp.addRoute({ family: 6, dst: 'fc00:1::/64', nhid: 1 });
    await dp.addRoute({ family: 6, dst: 'fc00:1::/64', nhid: 2, metric: 5 });
    await dp.addRoute({ family: 4, dst: '10.1.0.0/16', nhid: 1, table: 100 });
    await dp.addRoute(v6('fc00:9::/64'));
    const ops = dp.opsPerformed;
    expect(await dp.deleteNexthop({ id: 1 })).toBe(true);
    expect(dp.opsPerformed - ops).toBe(1);
    expect((await dp.listRoutes()).map((r) => `${r.dst} ${r.nhid ?? r.dev}`)).toEqual(['fc00:1::/64 2', 'fc00:9::/64 eth0']);
  });

  it('deletes by id whoever owns it (the kernel matches nothing else on nexthop delete)', async () => {
    const dp = fake();
    await dp.withProtocol(201).addNexthop(chainNh(1, 6));
    expect(await dp.deleteNexthop({ id: 1 })).toBe(true);
    expect(await dp.listNexthops({ all: true })).toEqual([]);
  });
});

describe('FakeDataplane: rules', () => {
  it('add of an identical rule is EEXIST; other tables and owners coexist', async () => {
    const dp = fake();
    const src = rule({ src: '2001:db8::/64' });
    expect(await one(dp, { op: 'add', kind: 'rule', object: src })).toBe('ok');
    expect(await one(dp, { op: 'add', kind: 'rule', object: { ...src, src: '2001:DB8:0::/64' } })).toBe('EEXIST');
    expect(await one(dp, { op: 'add', kind: 'rule', object: { ...src, table: 101 } })).toBe('ok');
    expect(await one(dp, { op: 'add', kind: 'rule', object: { ...src, iif: 'eth0' } })).toBe('ok');
    expect(await one(dp, { op: 'add', kind: 'rule', object: { ...src, src: '2001:db8::1/64' } })).toBe('ok'); // host bits kept
    await dp.withProtocol(201).addRule(src);
    await expect(dp.addRule(src)).rejects.toMatchObject({ code: 'EEXIST' });
    expect((await dp.listRules({ all: true })).filter((r) => r.priority === 100)).toHaveLength(5);
  });

  it('add without src/dst collides with a rule that has them (the kernel wildcards what is not given)', async () => {
    const dp = fake();
    await dp.addRule(rule({ src: '2001:db8::/64' }));
    expect(await one(dp, { op: 'add', kind: 'rule', object: rule() })).toBe('EEXIST');
    expect(await one(dp, { op: 'add', kind: 'rule', object: rule({ dst: '2001:db8:ff::/64' }) })).toBe('ok');
  });

  it('delete of a missing rule, or of another owner\'s, is ENOENT; deleteRule resolves false', async () => {
    const dp = fake();
    await dp.withProtocol(201).addRule(rule());
    expect(await one(dp, { op: 'delete', kind: 'rule', object: rule() })).toBe('ENOENT');
    expect(await dp.deleteRule(rule({ table: 102 }))).toBe(false);
    expect(await dp.listRules({ all: true, family: 6 })).toHaveLength(3);
  });

  it('delete naming fewer selectors takes the first rule that matches them', async () => {
    const dp = fake();
    await dp.addRule(rule({ src: '2001:db8::/64', ipproto: 6, dport: { start: 80, end: 80 } }));
    await dp.addRule(rule({ dst: '2001:db8:ff::/64' }));
    expect(await dp.deleteRule(rule())).toBe(true);
    expect((await dp.listRules()).map((r) => r.dst ?? r.src)).toEqual(['2001:db8:ff::/64']);
    expect(await dp.deleteRule(rule({ iif: 'eth0' }))).toBe(false);
  });

  it('keeps the kernel order: by priority, then insertion; drops zero-length prefixes', async () => {
    const dp = fake();
    await dp.addRule(rule({ priority: 200 }));
    await dp.addRule(rule({ priority: 100, iif: 'eth1' }));
    await dp.addRule(rule({ priority: 100, iif: 'eth0', src: '::/0' }));
    await dp.addRule(rule({ family: 4, priority: 300 }));
    expect((await dp.listRules({ all: true })).map((r) => `${r.family} ${r.priority} ${r.iif ?? ''} ${r.src ?? ''}`)).toEqual([
      '4 0  ',
      '4 300  ',
      '4 32766  ',
      '4 32767  ',
      '6 0  ',
      '6 100 eth1 ',
      '6 100 eth0 ',
      '6 200  ',
      '6 32766  ',
    ]);
  });
});

describe('FakeDataplane: getRoute and counters', () => {
  it('finds the longest prefix in the table (main by default), lowest metric first', async () => {
    const dp = fake();
    await dp.addRoute(v6('fc00::/16'));
    await dp.addRoute(v6('fc00:1::/64', { metric: 10 }));
    await dp.addRoute(v6('fc00:1::/64', { dev: 'eth1', metric: 5 }));
    await dp.addRoute(v6('::/0', { table: 100 }));
    await dp.addRoute(v4('10.0.0.0/8'));
    await dp.addRoute(v4('0.0.0.0/0', { dev: 'eth1' }));
    expect(await dp.getRoute('fc00:1::77')).toMatchObject({ dst: 'fc00:1::/64', dev: 'eth1', metric: 5 });
    expect(await dp.getRoute('fc00:2::1')).toMatchObject({ dst: 'fc00::/16' });
    expect(await dp.getRoute('fd00::1')).toBeUndefined();
    expect(await dp.getRoute('fd00::1', 100)).toMatchObject({ dst: '::/0', table: 100 });
    expect(await dp.getRoute('fc00:1::77', 101)).toBeUndefined();
    expect(await dp.getRoute('10.1.2.3')).toMatchObject({ dst: '10.0.0.0/8' });
    expect(await dp.getRoute('192.0.2.1')).toMatchObject({ dst: '0.0.0.0/0' });
  });

  it('answers for reject routes as the kernel does: unreachable none, blackhole EINVAL, prohibit EACCES', async () => {
    const dp = fake();
    await dp.addRoute({ family: 6, dst: 'fc00:1::/64', type: 'unreachable' });
    await dp.addRoute({ family: 6, dst: 'fc00:2::/64', type: 'blackhole' });
    await dp.addRoute({ family: 4, dst: '10.3.0.0/16', type: 'prohibit' });
    await dp.addNexthop({ id: 1, family: 6, blackhole: true });
    await dp.addRoute({ family: 6, dst: 'fc00:4::/64', nhid: 1 });
    await dp.addRoute(v6('fc00::/16')); // a shorter prefix does not win over a reject route
    expect(await dp.getRoute('fc00:1::1')).toBeUndefined();
    await expect(dp.getRoute('fc00:2::1')).rejects.toMatchObject({ code: 'EINVAL' });
    await expect(dp.getRoute('10.3.0.1')).rejects.toMatchObject({ code: 'EACCES' });
    await expect(dp.getRoute('fc00:4::1')).rejects.toMatchObject({ code: 'EINVAL' });
  });

  it('reports seg6local counters, raised by addTraffic, in getRoute and listings', async () => {
    const dp = fake();
    await dp.addRoute(sid('fc00:4::4/128'));
    await dp.addRoute(sid('fc00:4::5/128', false));
    expect((await dp.getRoute('fc00:4::4'))?.encap).toEqual({
      type: 'seg6local',
      behavior: { action: 'End.DX4', nh4: '0.0.0.0' },
      count: true,
      counters: { packets: 0n, bytes: 0n, errors: 0n },
    });
    expect(dp.addTraffic('FC00:4:0::4', 3, 504)).toBe(true);
    expect(dp.addTraffic('fc00:4::4', 1, 100, 1)).toBe(true);
    expect(dp.addTraffic('fc00:4::5', 1, 100)).toBe(false); // not counted
    expect(dp.addTraffic('fc00:4::6', 1, 100)).toBe(false); // no such SID
    const want = { packets: 4n, bytes: 604n, errors: 1n };
    expect((await dp.getRoute('fc00:4::4'))?.encap).toMatchObject({ counters: want });
    const listed = await dp.listRoutes();
    expect(listed[0]!.encap).toMatchObject({ counters: want });
    expect(listed[1]!.encap).not.toHaveProperty('counters');
  });

  it('counts traffic on the main-table SID when the same SID is in several tables', async () => {
    const dp = fake();
    await dp.addRoute({ ...sid('fc00::1/128'), table: 10 });
    await dp.addRoute(sid('fc00::1/128'));
    dp.addTraffic('fc00::1', 2, 200);
    expect((await dp.getRoute('fc00::1'))?.encap).toMatchObject({ counters: { packets: 2n } });
    expect((await dp.getRoute('fc00::1', 10))?.encap).toMatchObject({ counters: { packets: 0n } });
  });

  it('restarts the counters when the route is replaced', async () => {
    const dp = fake();
    await dp.addRoute(sid('fc00:4::4/128'));
    dp.addTraffic('fc00:4::4', 3, 504);
    await dp.replaceRoute(sid('fc00:4::4/128'));
    expect((await dp.getRoute('fc00:4::4'))?.encap).toMatchObject({ counters: { packets: 0n, bytes: 0n } });
  });
});

describe('FakeDataplane: tunnel source, links, kernel operation count', () => {
  it('keeps the tunnel source, default ::', async () => {
    const dp = fake();
    expect(await dp.getTunnelSource()).toBe('::');
    await dp.setTunnelSource('FC00:1:0::1');
    expect(await dp.getTunnelSource()).toBe('fc00:1::1');
    await expect(dp.setTunnelSource('10.0.0.1')).rejects.toThrow(/not an IPv6 address/);
  });

  it('lists the links it was given, indexed from 1', async () => {
    expect(await fake().links()).toEqual([
      { index: 1, name: 'lo' },
      { index: 2, name: 'eth0' },
      { index: 3, name: 'eth1' },
    ]);
    expect(await new FakeDataplane().links()).toEqual([{ index: 1, name: 'lo' }]);
  });

  it('counts successful mutations only, shared by every view of the namespace', async () => {
    const dp = fake();
    const r = await dp.apply([
      { op: 'add', kind: 'route', object: v6('fc00::/64') },
      { op: 'add', kind: 'route', object: v6('fc00::/64') },
      { op: 'delete', kind: 'nexthop', object: { id: 5, family: 6 } },
      { op: 'add', kind: 'rule', object: rule() },
    ]);
    expect(codes(r)).toEqual(['ok', 'EEXIST', 'ENOENT', 'ok']);
    expect(dp.opsPerformed).toBe(2);
    await dp.setTunnelSource('fc00::1');
    await dp.withProtocol(201).addRoute(v6('fc00:1::/64'));
    await dp.listRoutes();
    await dp.getRoute('fc00::1');
    expect(dp.opsPerformed).toBe(4);
  });
});
