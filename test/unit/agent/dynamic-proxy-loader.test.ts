/**
 * The dynamic proxy loader's decisions against a small in-memory model of bpftool, tc and ip
 * (the privileged test runs the real ones): idempotent load/attach/addLeg, delete + add of leg
 * routes after a fresh load, and a cleanup that leaves nothing. Pins are plain files in a temp dir.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamicProxyLoader } from '../../../src/agent/proxy/dynamic/loader.js';
import { FakeKernel } from './fake-bpf-kernel.js';
import { MAPS, PROGRAMS } from '../../../src/agent/proxy/dynamic/layout.js';
import { dynamicProxyTable } from '../../../src/agent/proxy/dynamic/commands.js';

let dir: string;
let kernel: FakeKernel;
const leg = { id: 1, returnDev: 'sfc0001o' };
const T = String(dynamicProxyTable(1));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sfc-dynproxy-unit-'));
  kernel = new FakeKernel();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const loader = (returnHook: 'lwt' | 'tc' = 'lwt') => new DynamicProxyLoader({ node: 'fn1', bpffs: dir, object: '/obj/sr_proxy.o', run: kernel.run, returnHook });

describe('DynamicProxyLoader', () => {
  it('loads and pins once, with the mark rule; a second load (or a restarted agent) finds the pins', async () => {
    const l = loader();
    expect(await l.load()).toBe('loaded');
    expect(kernel.log).toContain(`bpftool prog loadall /obj/sr_proxy.o ${dir}/sfc/fn1/prog pinmaps ${dir}/sfc/fn1/map`);
    expect(kernel.rules).toEqual([{ family: '-6', priority: 3980, iif: undefined, fwmark: '0x53fc0000', table: 'main' }]);
    expect(l.pinned()).toBe(true);
    kernel.log.length = 0;
    expect(await loader().load()).toBe('present');
    expect(kernel.log.filter((x) => !x.startsWith('mount'))).toEqual([]);
  });

  it('attaches with one filter per device, whatever the number of attaches', async () => {
    const l = loader();
    await l.load();
    await l.attach('f0');
    await l.attach('f0');
    expect(kernel.filters.get('f0')).toHaveLength(1);
    expect(kernel.log.filter((x) => x.startsWith('tc qdisc add'))).toHaveLength(1);
    expect(await l.attachedTo('f0')).toBe(true);
    expect(await l.detach('f0')).toBe(true);
    expect(kernel.qdiscs.has('f0')).toBe(false);
    expect(await l.detach('f0')).toBe(false);
  });

  it('wires a leg idempotently: map entries, one rule and one route per family', async () => {
    await loader().load();
    const l = loader(); // a restarted agent: pins present, not reloaded
    await l.load();
    await l.addLeg(leg);
    kernel.log.length = 0;
    await l.addLeg(leg);
    expect(kernel.log.filter((x) => x.startsWith('ip '))).toEqual([]);
    expect(kernel.rules.filter((r) => r.iif === 'sfc0001o').map((r) => [r.family, r.priority, r.table])).toEqual([
      ['-4', 4150, T],
      ['-6', 4150, T],
    ]);
    expect(kernel.routes).toEqual([
      { family: '-4', table: T, dst: 'default' },
      { family: '-6', table: T, dst: 'default' },
    ]);
    expect(kernel.maps.get(MAPS.legs)).toEqual(new Map([['07000000', '0100000000000000']]));
    expect(kernel.maps.get(MAPS.stats)!.has('01000000')).toBe(true);
  });

  it('after a fresh load, re-points existing leg routes by delete + add (replace would keep the old program)', async () => {
    const old = loader();
    await old.load();
    await old.addLeg(leg);
    rmSync(`${dir}/sfc/fn1`, { recursive: true }); // pins lost: the next load is a fresh one
    const l = loader();
    expect(await l.load()).toBe('loaded');
    kernel.log.length = 0;
    await l.addLeg(leg);
    const routeOps = kernel.log.filter((x) => x.includes(' route '));
    expect(routeOps.map((x) => x.split(' ').slice(0, 4).join(' '))).toEqual(['ip -4 route del', 'ip -4 route add', 'ip -6 route del', 'ip -6 route add']);
  });

  it('with the tc return hook: a filter on the return leg, no rule, route or mark rule; switching hooks cleans the other', async () => {
    const lwt = loader();
    await lwt.load();
    await lwt.addLeg(leg);
    const tc = loader('tc');
    await tc.load();
    await tc.addLeg(leg);
    await tc.addLeg(leg);
    expect(kernel.filters.get('sfc0001o')).toEqual([{ pref: 21500, handle: '0x53fc', name: PROGRAMS.returnTc }]);
    expect(kernel.rules.filter((r) => r.iif !== undefined)).toEqual([]);
    expect(kernel.routes).toEqual([]);
    expect(await tc.attachedTo('sfc0001o', PROGRAMS.returnTc)).toBe(true);
    await lwt.addLeg(leg); // and back
    expect(kernel.filters.get('sfc0001o')).toEqual([]);
    expect(kernel.routes).toHaveLength(2);
    await tc.addLeg(leg);
    await tc.removeLeg(leg);
    expect(kernel.qdiscs.has('sfc0001o')).toBe(false);
    expect(kernel.maps.get(MAPS.legs)!.size).toBe(0);
  });

  it('adds, lists and removes proxied SIDs', async () => {
    const l = loader();
    await l.load();
    await l.addSid('fc00:2::a4', 1);
    await l.addSid('fc00:2::a6', 1);
    expect(await l.sids()).toEqual(
      new Map([
        ['fc00:2::a4', 1],
        ['fc00:2::a6', 1],
      ]),
    );
    expect(await l.removeSid('fc00:2::a4')).toBe(true);
    expect(await l.removeSid('fc00:2::a4')).toBe(false);
    expect(await l.cached(1, 4)).toBeUndefined();
  });

  it('removes a leg entirely, then cleanup leaves no filter, rule, route or pin', async () => {
    const l = loader();
    await l.load();
    await l.attach('f0');
    await l.addLeg(leg);
    await l.addLeg({ id: 2, returnDev: 'f0' });
    await l.removeLeg(leg);
    expect(kernel.rules.some((r) => r.iif === 'sfc0001o')).toBe(false);
    expect(kernel.routes.some((r) => r.table === T)).toBe(false);
    expect([...kernel.maps.get(MAPS.legs)!.values()]).toEqual(['0200000000000000']);
    await l.cleanup();
    await l.cleanup();
    expect(kernel.rules).toEqual([]);
    expect(kernel.routes).toEqual([]);
    expect(kernel.filters.get('f0')).toEqual([]);
    expect(existsSync(`${dir}/sfc`)).toBe(false);
  });
});
