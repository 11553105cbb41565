/**
 * The dynamic SR proxy (bpf/sr_proxy.c + src/agent/proxy/dynamic) with real traffic, in
 * throwaway namespaces (test/support/micro-topology.ts plus two function instances):
 *
 *   client ─ edge ══ fnhost ══ egress ─ server          fnhost: fw (slot 1), ids (slot 2)
 *                     │   │                             each: in leg sfc000Xi → eth0,
 *                    fw  ids                                  out leg eth1 → sfc000Xo
 *
 * SIDs on fnhost: fw fc00:2::a4 (End.DX4) / fc00:2::a6 (End.DX6), ids fc00:2::b4 / fc00:2::b6,
 * all proxied dynamically; egress decaps at fc00:3::d4 / fc00:3::d6; replies come back to the
 * edge's fc00:1::d4 / fc00:1::d6 without functions. The edge holds the FULL segment list in one
 * nexthop per family; the chains FW→IDS, IDS→FW, IDS only and bypass are switched by replacing
 * those two nexthops only, and fnhost's configuration must stay byte-identical throughout.
 * Runs once per return hook (`lwt`: encap bpf routes, offloads off on the functions' transmit
 * legs; `tc`: a filter on the return legs, offloads kept). Pins go under
 * /sys/fs/bpf/sfc/t-<pid>-fnhost-<hook> and are removed even on failure.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LegStats, ReturnHook } from '../../src/agent/proxy/dynamic/layout.js';
import { DynamicProxyLoader, netnsRunner } from '../../src/agent/proxy/dynamic/loader.js';
import { dynamicProxyTable, transmitLegOffloadsOff } from '../../src/agent/proxy/dynamic/commands.js';
import { instanceLegs, type InstanceLegs, LEG_SPACE } from '../../src/agent/plan/leg-addressing.js';
import { ipn, nsExec, vethPair } from '../../src/lab/netns.js';
import { ping } from '../../src/lab/ping.js';
import { type NodeName, buildMicroTopology, destroyMicroTopology } from '../support/micro-topology.js';
import { createNetns, deleteNetns, requireRoot } from '../support/netns.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Fn {
  readonly name: 'fw' | 'ids';
  readonly slot: number;
  readonly dx4: string;
  readonly dx6: string;
  ns: string;
  legs: InstanceLegs;
}
const EGRESS = { dx4: 'fc00:3::d4', dx6: 'fc00:3::d6' };

describe.each(['lwt', 'tc'] as const satisfies readonly ReturnHook[])('dynamic SR proxy (eBPF, End.AD), return hook %s, with real traffic', (hook) => {
  const FW: Fn = { name: 'fw', slot: 1, dx4: 'fc00:2::a4', dx6: 'fc00:2::a6', ns: '', legs: instanceLegs(1, 2) };
  const IDS: Fn = { name: 'ids', slot: 2, dx4: 'fc00:2::b4', dx6: 'fc00:2::b6', ns: '', legs: instanceLegs(2, 2) };
  const CHAINS: Record<string, Fn[]> = { 'FW→IDS': [FW, IDS], 'IDS→FW': [IDS, FW], 'IDS only': [IDS], bypass: [] };

  let ns: Record<NodeName, string> | undefined;
  let proxy: DynamicProxyLoader | undefined;
  const pinDir = `/sys/fs/bpf/sfc/t-${process.pid}-fnhost-${hook}`;
  process.on('exit', () => rmSync(pinDir, { recursive: true, force: true }));

  /** The edge's chain: one nexthop per family with the full list, replaced to switch. */
  async function setChain(fns: Fn[], verb: 'add' | 'replace' = 'replace', mode: 'encap' | 'encap.red' = 'encap'): Promise<void> {
    const v4 = [...fns.map((f) => f.dx4), EGRESS.dx4].join(',');
    const v6 = [...fns.map((f) => f.dx6), EGRESS.dx6].join(',');
    await run('ip', ['-n', ns!.edge, 'nexthop', verb, 'id', '1', 'encap', 'seg6', 'mode', mode, 'segs', v4, 'dev', 'e0']);
    await run('ip', ['-n', ns!.edge, '-6', 'nexthop', verb, 'id', '2', 'encap', 'seg6', 'mode', mode, 'segs', v6, 'dev', 'e0']);
  }

  /** Everything configured on fnhost: routes, rules, nexthops, tc filters (counters left out). */
  function fnhostConfig(): string {
    const parts = [['-d', '-4', 'route', 'show', 'table', 'all'], ['-d', '-6', 'route', 'show', 'table', 'all'], ['-4', 'rule', 'show'], ['-6', 'rule', 'show'], ['nexthop', 'show']].map((a) =>
      ipn(ns!.fnhost, a),
    );
    for (const dev of ['f0', 'f1', FW.legs.out!.hostDev, IDS.legs.out!.hostDev]) {
      try {
        parts.push(nsExec(ns!.fnhost, ['tc', 'filter', 'show', 'dev', dev, 'ingress']));
      } catch {
        parts.push(`${dev}: no clsact`);
      }
    }
    return parts.join('\n----\n');
  }

  /** The SID's End.DX4/DX6 packet counter (`count`). */
  function sidPackets(sid: string): number {
    const out = ipn(ns!.fnhost, ['-s', '-6', 'route', 'show', `${sid}/128`]);
    const m = /packets (\d+)/.exec(out);
    if (!m) throw new Error(`no counters on ${sid}: ${out}`);
    return Number(m[1]);
  }

  async function legStats(): Promise<Map<number, LegStats>> {
    return proxy!.stats();
  }

  /** A two-leg SR-unaware instance by hand, as the agent's netns runtime makes one (docs/agent.md). */
  function makeInstance(f: Fn): void {
    f.ns = createNetns(f.name);
    const host = ns!.fnhost;
    // Before the legs exist, so they inherit it: no DAD (a tentative link-local stalls IPv6 forwarding for ~2 s).
    nsExec(f.ns, ['sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    for (const leg of [f.legs.in, f.legs.out!]) {
      vethPair({ ns: host, name: leg.hostDev }, { ns: f.ns, name: leg.instanceDev });
      ipn(host, ['addr', 'add', `${leg.host4}/${leg.len4}`, 'dev', leg.hostDev]);
      ipn(host, ['-6', 'addr', 'add', `${leg.host6}/${leg.len6}`, 'dev', leg.hostDev, 'nodad']);
      ipn(f.ns, ['addr', 'add', `${leg.instance4}/${leg.len4}`, 'dev', leg.instanceDev]);
      ipn(f.ns, ['-6', 'addr', 'add', `${leg.instance6}/${leg.len6}`, 'dev', leg.instanceDev, 'nodad']);
    }
    ipn(f.ns, ['route', 'add', 'default', 'via', f.legs.out!.host4, 'dev', f.legs.out!.instanceDev]);
    ipn(f.ns, ['-6', 'route', 'add', 'default', 'via', f.legs.out!.host6, 'dev', f.legs.out!.instanceDev]);
    // The function's transmit leg: no GSO packets towards the lwt return program (tc keeps them).
    if (hook === 'lwt') nsExec(f.ns, transmitLegOffloadsOff(f.legs.out!.instanceDev));
    // fnhost: the instance's End.DX4/DX6 SIDs with the host routes they need (as plan-node.ts).
    const inLeg = f.legs.in;
    ipn(host, ['route', 'add', `${inLeg.instance4}/32`, 'via', inLeg.instance4, 'dev', inLeg.hostDev]);
    ipn(host, ['-6', 'route', 'add', `${inLeg.instance6}/128`, 'via', inLeg.instance6, 'dev', inLeg.hostDev]);
    ipn(host, ['-6', 'route', 'add', `${f.dx4}/128`, 'encap', 'seg6local', 'action', 'End.DX4', 'nh4', inLeg.instance4, 'count', 'dev', inLeg.hostDev]);
    ipn(host, ['-6', 'route', 'add', `${f.dx6}/128`, 'encap', 'seg6local', 'action', 'End.DX6', 'nh6', inLeg.instance6, 'count', 'dev', inLeg.hostDev]);
  }

  beforeAll(async () => {
    requireRoot();
    ns = buildMicroTopology();
    const { client, edge, fnhost, egress, server } = ns;
    // IPv6 customer side (the micro topology is IPv4 on the server side) and the return path.
    ipn(client, ['-6', 'route', 'add', 'fd00:2::/64', 'via', 'fd00:1::1']);
    ipn(egress, ['-6', 'addr', 'add', 'fd00:2::1/64', 'dev', 'g1', 'nodad']);
    ipn(server, ['-6', 'addr', 'add', 'fd00:2::2/64', 'dev', 's0', 'nodad']);
    ipn(server, ['-6', 'route', 'add', 'default', 'via', 'fd00:2::1']);
    ipn(edge, ['sr', 'tunsrc', 'set', 'fc00:e1::1']);
    ipn(egress, ['sr', 'tunsrc', 'set', 'fc00:e2::2']);
    ipn(edge, ['-6', 'route', 'add', 'fc00:1::d4/128', 'encap', 'seg6local', 'action', 'End.DX4', 'nh4', '0.0.0.0', 'dev', 'e0']);
    ipn(edge, ['-6', 'route', 'add', 'fc00:1::d6/128', 'encap', 'seg6local', 'action', 'End.DX6', 'nh6', '::', 'dev', 'e0']);
    ipn(egress, ['-6', 'route', 'add', `${EGRESS.dx4}/128`, 'encap', 'seg6local', 'action', 'End.DX4', 'nh4', '0.0.0.0', 'count', 'dev', 'g0']);
    ipn(egress, ['-6', 'route', 'add', `${EGRESS.dx6}/128`, 'encap', 'seg6local', 'action', 'End.DX6', 'nh6', '::', 'count', 'dev', 'g0']);
    ipn(egress, ['route', 'add', '10.1.0.0/24', 'encap', 'seg6', 'mode', 'encap', 'segs', 'fc00:1::d4', 'dev', 'g0']);
    ipn(egress, ['-6', 'route', 'add', 'fd00:1::/64', 'encap', 'seg6', 'mode', 'encap', 'segs', 'fc00:1::d6', 'dev', 'g0']);

    makeInstance(FW);
    makeInstance(IDS);
    // The proxy's shared leg-space rules (the static proxy's shared objects, docs/agent.md).
    ipn(fnhost, ['-4', 'rule', 'add', 'priority', '4000', 'to', LEG_SPACE[4], 'lookup', 'main', 'protocol', '200']);
    ipn(fnhost, ['-6', 'rule', 'add', 'priority', '4000', 'to', LEG_SPACE[6], 'lookup', 'main', 'protocol', '200']);

    proxy = new DynamicProxyLoader({ node: `t-${process.pid}-fnhost-${hook}`, run: netnsRunner(fnhost), returnHook: hook });
    expect(proxy.pins.dir).toBe(pinDir);
    await proxy.load();
    for (const dev of ['f0', 'f1']) await proxy.attach(dev);
    for (const f of [FW, IDS]) {
      await proxy.addLeg({ id: f.slot, returnDev: f.legs.out!.hostDev });
      await proxy.addSid(f.dx4, f.slot);
      await proxy.addSid(f.dx6, f.slot);
    }

    await setChain(CHAINS['FW→IDS']!, 'add');
    ipn(edge, ['route', 'add', '10.2.0.0/24', 'nhid', '1']);
    ipn(edge, ['-6', 'route', 'add', 'fd00:2::/64', 'nhid', '2']);
  }, 60_000);

  afterAll(async () => {
    try {
      if (proxy) await proxy.cleanup();
    } finally {
      rmSync(pinDir, { recursive: true, force: true });
      for (const f of [FW, IDS]) if (f.ns) deleteNetns(f.ns);
      if (ns) destroyMicroTopology(ns);
    }
  });

    it('loads once: a second load finds the pins, re-attaching replaces the filter (never a second one)', async () => {
      expect(await proxy!.load()).toBe('present');
      await proxy!.attach('f0');
      const filters = nsExec(ns!.fnhost, ['tc', 'filter', 'show', 'dev', 'f0', 'ingress']);
      expect(filters.match(/handle 0x53fc /g)).toHaveLength(1);
      expect(await proxy!.attachedTo('f0')).toBe(true);
      expect(await proxy!.sids()).toEqual(
        new Map([
          [FW.dx4, 1],
          [FW.dx6, 1],
          [IDS.dx4, 2],
          [IDS.dx6, 2],
        ]),
      );
    });

    it('IPv4 and IPv6 through FW→IDS: both SIDs count, both legs cache and re-encapsulate, two functions on one host', async () => {
      const before = await legStats();
      const c0 = [FW.dx4, IDS.dx4, FW.dx6, IDS.dx6].map(sidPackets);
      const r4 = await ping(ns!.client, '10.2.0.2', { count: 20, rate: 100 });
      const r6 = await ping(ns!.client, 'fd00:2::2', { count: 20, rate: 100 });
      expect([r4.received, r6.received]).toEqual([20, 20]);
      expect([FW.dx4, IDS.dx4, FW.dx6, IDS.dx6].map(sidPackets).map((n, i) => n - c0[i]!)).toEqual([20, 20, 20, 20]);
      const after = await legStats();
      for (const f of [FW, IDS]) {
        const d = (k: keyof LegStats) => after.get(f.slot)![k] - before.get(f.slot)![k];
        expect(d('inPackets')).toBe(40n);
        expect(d('outPackets')).toBe(40n);
        expect(d('outBytes')).toBe(d('inBytes'));
        expect(after.get(f.slot)!.cacheMisses + after.get(f.slot)!.inErrors + after.get(f.slot)!.outErrors).toBe(0n);
      }
      // What each leg cached: the rest of the chain after its function.
      expect((await proxy!.cached(FW.slot, 4))?.remaining).toEqual([IDS.dx4, EGRESS.dx4]);
      expect((await proxy!.cached(IDS.slot, 4))?.remaining).toEqual([EGRESS.dx4]);
      expect((await proxy!.cached(FW.slot, 6))?.remaining).toEqual([IDS.dx6, EGRESS.dx6]);
      const fw6 = await proxy!.cached(FW.slot, 6);
      expect(fw6?.segments).toEqual([FW.dx6, IDS.dx6, EGRESS.dx6]);
      expect(fw6?.source).toBe('fc00:e1::1');
    });

    it('switches FW→IDS, IDS→FW, IDS only, bypass by replacing only the edge nexthops; fnhost stays byte-identical', async () => {
      const config = fnhostConfig();
      const expectations: [string, Fn[]][] = [
        ['IDS→FW', [IDS, FW]],
        ['IDS only', [IDS]],
        ['bypass', []],
        ['FW→IDS', [FW, IDS]],
      ];
      for (const [name, fns] of expectations) {
        await setChain(fns);
        const c0 = [FW, IDS].map((f) => sidPackets(f.dx4));
        const r = await ping(ns!.client, '10.2.0.2', { count: 10, rate: 100 });
        expect(r.received, name).toBe(10);
        const d = [FW, IDS].map((f, i) => sidPackets(f.dx4) - c0[i]!);
        expect(d, name).toEqual([FW, IDS].map((f) => (fns.includes(f) ? 10 : 0)));
        // The cache follows the packets: the first function's leg now continues to the second.
        if (fns.length === 2) expect((await proxy!.cached(fns[0]!.slot, 4))?.remaining, name).toEqual([fns[1]!.dx4, EGRESS.dx4]);
        if (fns.length >= 1) expect((await proxy!.cached(fns.at(-1)!.slot, 4))?.remaining, name).toEqual([EGRESS.dx4]);
      }
      expect(fnhostConfig()).toBe(config);
    });

    it('loses 0 packets at 1000 pps (IPv4 and IPv6) while the chain switches every 250 ms', async () => {
      const config = fnhostConfig();
      const before = await legStats();
      const pings = [ping(ns!.client, '10.2.0.2', { count: 3000, rate: 1000 }), ping(ns!.client, 'fd00:2::2', { count: 3000, rate: 1000 })];
      await sleep(200);
      const order = ['IDS→FW', 'IDS only', 'bypass', 'FW→IDS', 'IDS→FW', 'bypass', 'IDS only', 'FW→IDS'];
      for (const name of order) {
        await setChain(CHAINS[name]!);
        await sleep(250);
      }
      const [r4, r6] = await Promise.all(pings);
      expect([r4!.transmitted, r6!.transmitted]).toEqual([3000, 3000]);
      expect([r4!.lost, r6!.lost]).toEqual([0, 0]);
      expect(fnhostConfig()).toBe(config);
      const after = await legStats();
      for (const f of [FW, IDS]) {
        expect(after.get(f.slot)!.inPackets).toBeGreaterThan(before.get(f.slot)!.inPackets);
        expect(after.get(f.slot)!.cacheUpdates).toBeGreaterThan(before.get(f.slot)!.cacheUpdates);
        expect(after.get(f.slot)!.cacheMisses).toBe(0n);
      }
    });

    it('works with a reduced SRH at the edge (encap.red: the first SID only in the DA)', async () => {
      await setChain(CHAINS['FW→IDS']!, 'replace', 'encap.red');
      try {
        const c0 = [FW.dx4, IDS.dx4, FW.dx6, IDS.dx6].map(sidPackets);
        const r4 = await ping(ns!.client, '10.2.0.2', { count: 10, rate: 100 });
        const r6 = await ping(ns!.client, 'fd00:2::2', { count: 10, rate: 100 });
        expect([r4.received, r6.received]).toEqual([10, 10]);
        expect([FW.dx4, IDS.dx4, FW.dx6, IDS.dx6].map(sidPackets).map((n, i) => n - c0[i]!)).toEqual([10, 10, 10, 10]);
        expect((await proxy!.cached(FW.slot, 4))?.remaining).toEqual([IDS.dx4, EGRESS.dx4]);
      } finally {
        await setChain(CHAINS['FW→IDS']!);
      }
    });

    it(`carries TCP through two functions (iperf3, 3 s; offloads ${hook === 'lwt' ? 'off' : 'on'})`, async () => {
      await setChain(CHAINS['FW→IDS']!);
      const server = spawn('ip', ['netns', 'exec', ns!.server, 'iperf3', '-s', '-1', '-B', '10.2.0.2'], { stdio: 'ignore' });
      try {
        await sleep(300);
        const before = await legStats();
        const { stdout } = await run('ip', ['netns', 'exec', ns!.client, 'iperf3', '-c', '10.2.0.2', '-t', '3', '-J'], { maxBuffer: 16 << 20 });
        const result = JSON.parse(stdout) as { error?: string; end: { sum_received: { bits_per_second: number; bytes: number } } };
        expect(result.error).toBeUndefined();
        expect(result.end.sum_received.bits_per_second).toBeGreaterThan(0);
        process.stderr.write(`dynamic proxy (${hook}), TCP through 2 functions: ${(result.end.sum_received.bits_per_second / 1e9).toFixed(2)} Gbit/s\n`);
        const after = await legStats();
        for (const f of [FW, IDS]) {
          expect(after.get(f.slot)!.outBytes - before.get(f.slot)!.outBytes).toBeGreaterThan(BigInt(result.end.sum_received.bytes));
          expect(after.get(f.slot)!.outErrors).toBe(0n);
        }
      } finally {
        server.kill();
      }
    });

    it(
      hook === 'lwt'
        ? 'needs TSO/GSO off on the transmit legs: with GSO on, the push fails and TCP stalls (out_errors rise)'
        : 'keeps TSO/GSO on the transmit legs: GSO packets are re-encapsulated whole (mean packet > MTU, no errors)',
      async () => {
        const dev = FW.legs.out!.instanceDev;
        nsExec(FW.ns, ['ethtool', '-K', dev, 'tso', 'on', 'gso', 'on']);
        const server = spawn('ip', ['netns', 'exec', ns!.server, 'iperf3', '-s', '-1', '-B', '10.2.0.2'], { stdio: 'ignore' });
        try {
          await sleep(300);
          const before = (await legStats()).get(FW.slot)!;
          await run('ip', ['netns', 'exec', ns!.client, 'iperf3', '-c', '10.2.0.2', '-t', '1', '-J'], { maxBuffer: 16 << 20 }).catch(() => undefined);
          const after = (await legStats()).get(FW.slot)!;
          if (hook === 'lwt') {
            expect(after.outErrors - before.outErrors).toBeGreaterThan(0n);
          } else {
            expect(after.outErrors - before.outErrors).toBe(0n);
            expect((after.outBytes - before.outBytes) / (after.outPackets - before.outPackets)).toBeGreaterThan(1500n);
          }
        } finally {
          server.kill();
          if (hook === 'lwt') nsExec(FW.ns, transmitLegOffloadsOff(dev));
        }
      },
    );

    it('cleanup removes the filters, rules, routes, mark rule and pins (and is idempotent)', async () => {
      await proxy!.cleanup();
      await proxy!.cleanup();
      const config = fnhostConfig();
      expect(config).not.toMatch(/sfc_proxy|0x53fc/);
      for (const f of [FW, IDS]) expect(config).not.toContain(String(dynamicProxyTable(f.slot)));
      expect(proxy!.pinned()).toBe(false);
      expect(existsSync(pinDir)).toBe(false);
      // Traffic through the functions has nowhere to return to now; bypass still works.
      await setChain([]);
      expect((await ping(ns!.client, '10.2.0.2', { count: 5, rate: 100 })).received).toBe(5);
    });
});
