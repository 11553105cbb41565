/**
 * The netns runtime on a real kernel. A node namespace with a client and a server attached:
 *
 *   client (c0 10.10.1.2, fd10:1::2) ── n0 [node] n1 ── server (s0 10.10.2.2, fd10:2::2)
 *                                      │          │
 *                              sfcXXXXi│          │sfcXXXXo   (the instance's legs)
 *                                      └─[instance]┘
 *
 * The node steers what arrives from the client into the instance's in leg (`ip rule iif n0 lookup
 * 200`, table 200: default via the in leg); the instance forwards it out of its out leg, back into
 * the node, which delivers it to the server. Replies go straight back. A responder is reached by
 * routing arbitrary destinations (198.51.100.0/24, 2001:db8:77::/64) into its leg.
 *
 * The runtime runs in this process with `nodeNs` (host-side legs in the node namespace); one test
 * runs it as the agent does, inside the node namespace under `ip netns exec`, in two successive
 * processes (the second adopts what the first made). The node name starts with `t-<pid>` so instance
 * namespaces (`sfc-<node>-<id>`) are unique to this run; everything is removed even on failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../src/agent/functions/function-spec.js';
import { nftRuleset } from '../../src/agent/functions/nft-ruleset.js';
import type { InstanceSpec } from '../../src/agent/intent/node-intent.js';
import type { InstanceEvent, InstanceStatus } from '../../src/agent/runtimes/runtime.js';
import { NetnsRuntime } from '../../src/agent/runtimes/netns/index.js';
import { nodeScript } from '../../src/lab/node-script.js';
import { createNetns, deleteAllNetns, ip, ipn, requireRoot, sh, veth } from '../support/netns.js';

const NODE = `t-${process.pid}rt`; // instance namespaces sfc-t-<pid>rt.<id>: apart from the support's sfc-t-<pid>-<tag>-<n>
const PREFIX = `sfc-${NODE}.`;
let node: string;
let client: string;
let server: string;
let stateDir: string;
const runtimes: NetnsRuntime[] = [];

function runtime(extra: { poolSize?: number; pollMs?: number; shells?: number; nodeBinary?: string } = {}): NetnsRuntime {
  const rt = new NetnsRuntime({
    node: NODE,
    stateDir,
    nodeNs: node,
    pollMs: extra.pollMs ?? 100,
    poolSize: extra.poolSize ?? 0,
    ...(extra.shells !== undefined ? { shells: extra.shells } : {}),
    ...(extra.nodeBinary !== undefined ? { nodeBinary: extra.nodeBinary } : {}),
  });
  runtimes.push(rt);
  return rt;
}

const spec = (id: string, slot: number, fn: FunctionSpec, legs: 1 | 2 = 2): InstanceSpec => ({ id, slot, legs, sids: {}, function: fn });

/** Pings from ns; IPv6 from the client's main address unless `-I` says otherwise (it has a second one). */
function ping(ns: string, dst: string, opts: string[] = [], count = 3): boolean {
  const src = dst.includes(':') && !opts.includes('-I') ? ['-I', 'fd10:1::2'] : [];
  try {
    execFileSync('ip', ['netns', 'exec', ns, 'ping', '-q', '-n', '-c', String(count), '-i', '0.05', '-W', '1', ...src, ...opts, dst], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** First line a TCP server sends, read from inside ns (Node, since the machines have no nc). */
function tcpBanner(ns: string, host: string, port: number): string {
  const js = [
    `const s = require('net').connect({ host: ${JSON.stringify(host)}, port: ${port} });`,
    "s.setTimeout(3000, () => { console.error('timeout'); process.exit(2); });",
    's.on(\'error\', (e) => { console.error(e.message); process.exit(1); });',
    "let b = ''; let sent = false;",
    "s.on('data', (d) => {",
    "  b += d;",
    "  if (!sent && b.includes('\\n')) { sent = true; s.write('ping\\n'); }",
    "  if (sent && b.endsWith('ping\\n')) { console.log(b.split('\\n')[0] + ' echo=true'); s.end(); }",
    '});',
  ].join('\n');
  return execFileSync('ip', ['netns', 'exec', ns, process.execPath, '-e', js], { encoding: 'utf8', stdio: 'pipe', timeout: 10_000 }).trim();
}

/** Sends traffic from the client into this instance's in leg (both families). */
function steer(att: InstanceStatus['attachment']): void {
  ipn(node, ['route', 'replace', 'default', 'via', att.in4, 'dev', att.inDev, 'table', '200']);
  ipn(node, ['-6', 'route', 'replace', 'default', 'via', att.in6, 'dev', att.inDev, 'table', '200']);
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const namespaces = (): string[] =>
  ip(['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(PREFIX));

const nodeLinks = (): string[] =>
  ipn(node, ['-o', 'link', 'show'])
    .split('\n')
    .map((l) => l.split(': ')[1]?.split('@')[0] ?? '')
    .filter((n) => n.startsWith('sfc'));

const record = (id: string): { keeper?: { pid: number } } => JSON.parse(readFileSync(join(stateDir, `${id}.json`), 'utf8'));

function sweep(): void {
  for (const n of namespaces()) {
    try {
      ip(['netns', 'del', n]);
    } catch {
      // gone
    }
  }
}

function killKeepers(): void {
  // Responder keepers are detached: end any this run left (they are found by their state dir).
  try {
    execFileSync('pkill', ['-KILL', '-f', `${stateDir}/responder.cjs`], { stdio: 'ignore' });
  } catch {
    // none
  }
}

beforeAll(() => {
  requireRoot();
  stateDir = mkdtempSync(join(tmpdir(), 'sfc-netns-rt-'));
  node = createNetns('node');
  client = createNetns('client');
  server = createNetns('server');
  sh(node, ['sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0', 'net.ipv6.conf.default.accept_dad=0']);
  veth(client, 'c0', 'n0', node);
  veth(server, 's0', 'n1', node);
  ipn(client, ['addr', 'add', '10.10.1.2/24', 'dev', 'c0']);
  ipn(client, ['addr', 'add', 'fd10:1::2/64', 'dev', 'c0', 'nodad']);
  ipn(client, ['addr', 'add', 'fd10:1::99/64', 'dev', 'c0', 'nodad']);
  ipn(client, ['route', 'add', 'default', 'via', '10.10.1.1']);
  ipn(client, ['-6', 'route', 'add', 'default', 'via', 'fd10:1::1']);
  ipn(server, ['addr', 'add', '10.10.2.2/24', 'dev', 's0']);
  ipn(server, ['addr', 'add', 'fd10:2::2/64', 'dev', 's0', 'nodad']);
  ipn(server, ['route', 'add', 'default', 'via', '10.10.2.1']);
  ipn(server, ['-6', 'route', 'add', 'default', 'via', 'fd10:2::1']);
  ipn(node, ['addr', 'add', '10.10.1.1/24', 'dev', 'n0']);
  ipn(node, ['addr', 'add', 'fd10:1::1/64', 'dev', 'n0', 'nodad']);
  ipn(node, ['addr', 'add', '10.10.2.1/24', 'dev', 'n1']);
  ipn(node, ['addr', 'add', 'fd10:2::1/64', 'dev', 'n1', 'nodad']);
  ipn(node, ['rule', 'add', 'pref', '1000', 'iif', 'n0', 'lookup', '200']);
  ipn(node, ['-6', 'rule', 'add', 'pref', '1000', 'iif', 'n0', 'lookup', '200']);
});

afterEach(async () => {
  for (const rt of runtimes.splice(0)) await rt.close().catch(() => undefined);
  // A fresh runtime removes whatever the test left (it adopts the records), then a sweep by prefix.
  const cleaner = new NetnsRuntime({ node: NODE, stateDir, nodeNs: node, pollMs: 0 });
  try {
    for (const s of await cleaner.list()) await cleaner.destroy(s.id);
  } finally {
    await cleaner.close();
    killKeepers();
    sweep();
  }
});

afterAll(() => {
  killKeepers();
  sweep();
  deleteAllNetns();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('netns runtime: functions', () => {
  it('firewall: allowed traffic passes, denied traffic is dropped and counted', async () => {
    const rt = runtime();
    const fw = await rt.spawn(
      spec('fw1', 1, {
        type: 'firewall',
        config: {
          defaultAction: 'accept',
          rules: [
            { action: 'drop', protocol: 'icmp', dscp: 46 },
            { action: 'drop', srcPrefixes: ['fd10:1::99/128', '10.99.0.0/16'] },
          ],
        },
      }),
    );
    expect(fw).toMatchObject({ id: 'fw1', state: 'running', attachment: { inDev: 'sfc0001i', outDev: 'sfc0001o', in4: '169.254.0.10', in6: 'fd53:6663:0:2::2' } });
    steer(fw.attachment);

    expect(ping(client, '10.10.2.2')).toBe(true);
    expect(ping(client, 'fd10:2::2')).toBe(true);
    expect(await rt.counters('fw1')).toEqual({ rule0: { packets: 0, bytes: 0 }, rule1: { packets: 0, bytes: 0 }, default: { packets: 6, bytes: expect.any(Number) } });

    expect(ping(client, '10.10.2.2', ['-Q', '184'])).toBe(false); // TOS 0xb8 = DSCP 46 (EF)
    expect(ping(client, 'fd10:2::2', ['-I', 'fd10:1::99'])).toBe(false);
    const c = await rt.counters('fw1');
    expect(c.rule0!.packets).toBe(3);
    expect(c.rule1!.packets).toBe(3);
    expect(c.default!.packets).toBe(6);
  });

  it('firewall: reconfigure swaps the ruleset in place (same namespace, same legs)', async () => {
    const rt = runtime();
    const fw = await rt.spawn(spec('fw2', 2, { type: 'firewall' }));
    steer(fw.attachment);
    const inode = ipn(node, ['link', 'show', 'sfc0002i']);
    expect(ping(client, '10.10.2.2')).toBe(true);
    const again = await rt.reconfigure(spec('fw2', 2, { type: 'firewall', config: { defaultAction: 'drop', rules: [{ action: 'accept', protocol: 'icmpv6' }] } }));
    expect(again.state).toBe('running');
    expect(ipn(node, ['link', 'show', 'sfc0002i'])).toBe(inode);
    expect(ping(client, '10.10.2.2')).toBe(false);
    expect(ping(client, 'fd10:2::2')).toBe(true);
    expect(await rt.counters('fw2')).toMatchObject({ rule0: { packets: 3 }, default: { packets: 3 } });
  });

  it('nat: masquerade rewrites the source to the out leg address, replies come back through it', async () => {
    const rt = runtime();
    const nat = await rt.spawn(spec('nat1', 3, { type: 'nat', config: { mode: 'masquerade' } }));
    steer(nat.attachment);
    // The server counts what arrives from the leg space (sources NAT rewrote).
    sh(server, ['nft', 'add table inet t; add chain inet t in { type filter hook input priority 0; }; add rule inet t in ip saddr 169.254.0.0/16 counter']);
    expect(ping(client, '10.10.2.2', [], 4)).toBe(true);
    const seen = sh(server, ['nft', 'list', 'chain', 'inet', 't', 'in']);
    expect(seen).toMatch(/ip saddr 169\.254\.0\.0\/16 counter packets 4 /);
    expect((await rt.counters('nat1')).nat!.packets).toBe(1); // one flow: the nat hook sees its first packet
    expect((await rt.counters('nat1')).forwarded!.packets).toBe(8); // requests out, replies back
    sh(server, ['nft', 'delete', 'table', 'inet', 't']);
  });

  it('nat snat and monitor load and forward', async () => {
    const rt = runtime();
    const snat = await rt.spawn(spec('snat1', 4, { type: 'nat', config: { mode: 'snat', toAddress: '2001:db8::1' } }, 1));
    expect(snat.attachment.outDev).toBe('sfc0004i');
    const mon = await rt.spawn(spec('mon1', 5, { type: 'monitor' }));
    steer(mon.attachment);
    expect(ping(client, '10.10.2.2')).toBe(true);
    expect(ping(client, 'fd10:2::2', [], 2)).toBe(true);
    expect(await rt.counters('mon1')).toMatchObject({ l4_icmp: { packets: 3 }, l4_icmpv6: { packets: 2 }, l4_tcp: { packets: 0 } });
  });

  it('responder: answers ping and TCP for any destination routed to it', async () => {
    const rt = runtime();
    const r = await rt.spawn(spec('resp1', 6, { type: 'responder', config: { tcpPorts: [8080, 9090] } }, 1));
    ipn(node, ['route', 'add', '198.51.100.0/24', 'via', r.attachment.in4, 'dev', r.attachment.inDev]);
    ipn(node, ['-6', 'route', 'add', '2001:db8:77::/64', 'via', r.attachment.in6, 'dev', r.attachment.inDev]);
    try {
      expect(ping(client, '198.51.100.7')).toBe(true);
      expect(ping(client, '198.51.100.200')).toBe(true);
      expect(ping(client, '2001:db8:77::7')).toBe(true);
      // After decapsulation the inner destination is the customer server's address: it is answered as is.
      expect(tcpBanner(client, '198.51.100.7', 8080)).toBe('sfc-responder resp1 198.51.100.7 8080 echo=true');
      expect(tcpBanner(client, '2001:db8:77::7', 9090)).toBe('sfc-responder resp1 2001:db8:77::7 9090 echo=true');
      expect((await rt.counters('resp1')).l4_icmp!.packets).toBeGreaterThanOrEqual(6);

      await rt.reconfigure(spec('resp1', 6, { type: 'responder', config: { tcpPorts: [7070] } }, 1));
      expect(tcpBanner(client, '198.51.100.9', 7070)).toBe('sfc-responder resp1 198.51.100.9 7070 echo=true');
      expect(() => tcpBanner(client, '198.51.100.9', 8080)).toThrow();
    } finally {
      ipn(node, ['route', 'del', '198.51.100.0/24']);
      ipn(node, ['-6', 'route', 'del', '2001:db8:77::/64']);
    }
  });
});

describe('netns runtime: exits, adoption, destroy', () => {
  it('killing the keeper gives exactly one exited event', async () => {
    const rt = runtime({ pollMs: 50 });
    const events: InstanceEvent[] = [];
    rt.onEvent((e) => events.push(e));
    await rt.spawn(spec('resp2', 7, { type: 'responder', config: { tcpPorts: [8080] } }, 1));
    const pid = record('resp2').keeper!.pid;
    expect(sh(`${PREFIX}resp2`, ['ip', 'netns', 'pids', `${PREFIX}resp2`]).split('\n')).toContain(String(pid));
    process.kill(pid, 'SIGKILL');
    await until('an exited event', () => events.length > 0);
    await new Promise((r) => setTimeout(r, 300)); // several polls later: still one
    expect(events).toEqual([{ type: 'exited', id: 'resp2', reason: expect.stringMatching(new RegExp(`^keeper process ${pid} exited`)) }]);
    expect((await rt.list()).find((s) => s.id === 'resp2')).toMatchObject({ state: 'exited' });
  });

  it('deleting the namespace by hand gives an exited event', async () => {
    const rt = runtime({ pollMs: 0 }); // inotify on /run/netns alone
    const events: InstanceEvent[] = [];
    rt.onEvent((e) => events.push(e));
    await rt.spawn(spec('fw3', 8, { type: 'firewall' }));
    ip(['netns', 'del', `${PREFIX}fw3`]);
    await until('an exited event', () => events.length > 0, 2000);
    expect(events).toEqual([{ type: 'exited', id: 'fw3', reason: `namespace ${PREFIX}fw3 was deleted` }]);
    expect(await rt.destroy('fw3')).toBe(true); // removes the record
    expect(await rt.list()).toEqual([]);
  });

  it('a new runtime adopts running instances without re-spawning them, and sees their exits', async () => {
    const a = runtime();
    const specs = [spec('fw4', 9, { type: 'firewall', config: { defaultAction: 'drop' } }), spec('resp3', 10, { type: 'responder', config: { tcpPorts: [8080] } }, 1)];
    for (const s of specs) await a.spawn(s);
    const pid = record('resp3').keeper!.pid;
    const inode = execFileSync('stat', ['-L', '-c', '%i', `/run/netns/${PREFIX}fw4`], { encoding: 'utf8' });
    await a.close(); // the agent goes away; its instances and keepers stay

    const b = runtime({ pollMs: 50 });
    const events: InstanceEvent[] = [];
    b.onEvent((e) => events.push(e));
    const listed = await b.list();
    expect(listed.map((s) => [s.id, s.state]).sort()).toEqual([
      ['fw4', 'running'],
      ['resp3', 'running'],
    ]);
    expect(listed.find((s) => s.id === 'fw4')?.attachment).toEqual({ inDev: 'sfc0009i', outDev: 'sfc0009o', in4: '169.254.0.74', in6: 'fd53:6663:0:12::2' });
    // Spawning what is already there is a no-op (same namespace).
    await b.spawn(specs[0]!);
    expect(execFileSync('stat', ['-L', '-c', '%i', `/run/netns/${PREFIX}fw4`], { encoding: 'utf8' })).toBe(inode);
    expect(record('resp3').keeper!.pid).toBe(pid);
    // Its keeper is not b's child: the periodic check notices its end.
    process.kill(pid, 'SIGKILL');
    await until('an exited event', () => events.length > 0);
    expect(events).toEqual([{ type: 'exited', id: 'resp3', reason: `keeper process ${pid} exited` }]);
  });

  it('as the agent runs it (ip netns exec, no nodeNs): namespaces are visible outside and adopted by the next process', async () => {
    const worker = nodeScript(import.meta.url, '../bench/agent-worker');
    const run = (mode: string, opts: object): { statuses: InstanceStatus[] } => {
      const out = execFileSync('ip', ['netns', 'exec', node, ...worker, mode, JSON.stringify({ node: NODE, stateDir, ...opts })], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return JSON.parse(out.trim().split('\n').pop()!) as { statuses: InstanceStatus[] };
    };
    run('spawn', { specs: [spec('fw5', 11, { type: 'firewall' }), spec('resp6', 18, { type: 'responder', config: { tcpPorts: [8080] } }, 1)] });
    // From this (host) mount namespace the instance is a real namespace, not an empty file.
    expect(sh(`${PREFIX}fw5`, ['ip', '-br', 'addr', 'show', 'eth0'])).toContain('169.254.0.90/30');
    // The worker has exited; the responder's keeper (detached) has not.
    const pid = record('resp6').keeper!.pid;
    expect(sh(`${PREFIX}resp6`, ['ip', 'netns', 'pids', `${PREFIX}resp6`]).split('\n')).toContain(String(pid));
    expect(
      run('list', {})
        .statuses.map((s) => [s.id, s.state])
        .sort(),
    ).toEqual([
      ['fw5', 'running'],
      ['resp6', 'running'],
    ]);
    run('destroy-all', {});
    expect(namespaces()).toEqual([]);
    await until('the keeper to end', () => !existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z'));
  });

  it('a record whose spawn did not complete is adopted as exited, and destroy cleans it up', async () => {
    const a = runtime();
    await a.spawn(spec('fw10', 19, { type: 'firewall' }));
    await a.close();
    // As if the agent had died between creating the namespace and finishing the spawn.
    const file = join(stateDir, 'fw10.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ready: false }));
    const b = runtime();
    expect(await b.list()).toMatchObject([{ id: 'fw10', state: 'exited', reason: expect.stringMatching(/did not complete/) }]);
    expect(await b.destroy('fw10')).toBe(true);
    expect(namespaces()).toEqual([]);
    expect(nodeLinks()).toEqual([]);
  });

  it('generated rulesets load: a range of firewall configs through nft -c', () => {
    const configs: FunctionSpec[] = [
      { type: 'firewall', config: { defaultAction: 'drop', rules: [] } },
      { type: 'firewall', config: { rules: [{ action: 'accept', protocol: 'udp', srcPorts: [{ start: 1, end: 1023 }, { start: 500, end: 2000 }], dstPorts: [{ start: 4500, end: 4500 }] }] } },
      { type: 'firewall', config: { rules: [{ action: 'drop', srcPrefixes: ['0.0.0.0/0', '::/0'], dstPrefixes: ['10.1.2.3/8', '10.1.0.0/16', '2001:db8::1/64'] }] } },
      { type: 'firewall', config: { rules: [{ action: 'drop', protocol: 'icmpv6', dscp: 0 }, { action: 'accept', dscp: 63, dstPrefixes: ['192.0.2.1'] }] } },
      { type: 'firewall', config: { rules: [{ action: 'drop', srcPrefixes: ['10.0.0.0/8'], dstPrefixes: ['2001:db8::/32'] }] } },
      { type: 'nat', config: { mode: 'snat', toAddress: '198.51.100.1' } },
      { type: 'responder' },
    ];
    for (const fn of configs) {
      for (const replace of [false, true]) {
        const text = nftRuleset(fn, { in: 'eth0', out: 'eth1' }, { replace });
        expect(() => execFileSync('ip', ['netns', 'exec', node, 'nft', '-c', '-f', '-'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] }), text).not.toThrow();
      }
    }
  });

  it('destroy removes the namespace, the legs, the keeper and the record; twice is fine', async () => {
    const rt = runtime();
    await rt.spawn(spec('fw6', 12, { type: 'firewall' }));
    await rt.spawn(spec('resp4', 13, { type: 'responder', config: { tcpPorts: [8080] } }, 1));
    const pid = record('resp4').keeper!.pid;
    expect(nodeLinks()).toEqual(expect.arrayContaining(['sfc000ci', 'sfc000co', 'sfc000di']));
    expect(await rt.destroy('fw6')).toBe(true);
    expect(await rt.destroy('resp4')).toBe(true);
    expect(namespaces()).toEqual([]);
    expect(nodeLinks()).toEqual([]);
    expect(existsSync(join(stateDir, 'fw6.json'))).toBe(false);
    expect(existsSync(join(stateDir, 'resp4.json'))).toBe(false);
    await until('the keeper to end', () => !existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z'));
    expect(await rt.destroy('fw6')).toBe(false);
    expect(await rt.list()).toEqual([]);
  });

  it('warm pool: spawns claim pre-made namespaces; close removes the pool', async () => {
    const rt = runtime({ poolSize: 2 });
    await rt.warm();
    expect(rt.poolReady).toBe(2);
    expect(namespaces().filter((n) => n.includes('.pool'))).toHaveLength(2);
    const fw = await rt.spawn(spec('fw7', 14, { type: 'firewall', config: { rules: [{ action: 'drop', protocol: 'icmpv6' }] } }));
    const r = await rt.spawn(spec('resp5', 15, { type: 'responder', config: { tcpPorts: [8080] } }, 1));
    expect(rt.poolReady).toBe(0);
    expect(namespaces().sort()).toEqual([`${PREFIX}fw7`, `${PREFIX}resp5`]);
    expect(nodeLinks().sort()).toEqual(['sfc000ei', 'sfc000eo', 'sfc000fi']);
    steer(fw.attachment);
    expect(ping(client, '10.10.2.2')).toBe(true);
    expect(ping(client, 'fd10:2::2')).toBe(false);
    expect((await rt.counters('fw7')).rule0!.packets).toBe(3);
    ipn(node, ['route', 'add', '198.51.100.0/24', 'via', r.attachment.in4, 'dev', r.attachment.inDev]);
    try {
      expect(tcpBanner(client, '198.51.100.3', 8080)).toBe('sfc-responder resp5 198.51.100.3 8080 echo=true');
    } finally {
      ipn(node, ['route', 'del', '198.51.100.0/24']);
    }
    await until('the pool to refill', () => rt.poolReady === 2);
    for (const id of ['fw7', 'resp5']) await rt.destroy(id);
    await rt.close();
    expect(namespaces()).toEqual([]);
    expect(nodeLinks()).toEqual([]);
  });

  it('refuses invalid specs and slot clashes with a reason', async () => {
    const rt = runtime();
    await expect(rt.spawn(spec('Bad_Id', 1, { type: 'firewall' }))).rejects.toThrow(/id: must match/);
    await expect(rt.spawn(spec('x', 1, { type: 'nat', config: { mode: 'snat', toAddress: 'nope' } } as FunctionSpec))).rejects.toThrow(/function.config.toAddress/);
    await rt.spawn(spec('fw8', 16, { type: 'firewall' }));
    await expect(rt.spawn(spec('fw9', 16, { type: 'firewall' }))).rejects.toMatchObject({ reason: 'CONFLICT' });
    await expect(rt.reconfigure(spec('nope', 17, { type: 'firewall' }))).rejects.toMatchObject({ reason: 'NOT_FOUND' });
  });
});

describe('netns runtime: concurrent operations (the reconciler overlaps up to --spawn-concurrency)', () => {
  const hostLegs = (slot: number, legs: 1 | 2): string[] => {
    const hex = slot.toString(16).padStart(4, '0');
    return legs === 2 ? [`sfc${hex}i`, `sfc${hex}o`] : [`sfc${hex}i`];
  };
  const firewalls = Array.from({ length: 8 }, (_, i) => spec(`cfw${i}`, 40 + i, { type: 'firewall' }));
  const responders = [spec('cresp0', 48, { type: 'responder', config: { tcpPorts: [8080] } }, 1), spec('cresp1', 49, { type: 'responder', config: { tcpPorts: [8081] } }, 1)];

  it('spawns, reconfigures and destroys ten instances at once: each its own namespace, legs and record', async () => {
    const rt = runtime({ shells: 4 });
    const all = [...firewalls, ...responders];
    const statuses = await Promise.all(all.map((s) => rt.spawn(s)));
    expect(statuses.map((s) => s.state)).toEqual(all.map(() => 'running'));
    expect(namespaces().sort()).toEqual(all.map((s) => `${PREFIX}${s.id}`).sort());
    expect(nodeLinks().sort()).toEqual(all.flatMap((s) => hostLegs(s.slot, s.legs)).sort());
    for (const s of all) expect(JSON.parse(readFileSync(join(stateDir, `${s.id}.json`), 'utf8'))).toMatchObject({ ready: true, spec: { id: s.id, slot: s.slot } });
    expect((await rt.list()).filter((s) => s.state === 'running')).toHaveLength(10);

    // Traffic crosses one of them; then every firewall is reconfigured at once to drop ICMP.
    steer(statuses[3]!.attachment);
    expect(ping(client, '10.10.2.2')).toBe(true);
    const drop: FunctionSpec = { type: 'firewall', config: { rules: [{ action: 'drop', protocol: 'icmp' }] } };
    await Promise.all(firewalls.map((s) => rt.reconfigure({ ...s, function: drop })));
    expect(ping(client, '10.10.2.2', [], 2)).toBe(false);
    expect((await rt.counters('cfw3')).rule0!.packets).toBe(2);

    const pids = responders.map((s) => record(s.id).keeper!.pid);
    expect(await Promise.all(all.map((s) => rt.destroy(s.id)))).toEqual(all.map(() => true));
    expect(namespaces()).toEqual([]);
    expect(nodeLinks()).toEqual([]);
    for (const s of all) expect(existsSync(join(stateDir, `${s.id}.json`))).toBe(false);
    for (const pid of pids) await until(`keeper ${pid} to end`, () => !existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z'));
    expect(await rt.list()).toEqual([]);
  });

  it('two concurrent spawns into one slot: exactly one wins, the other is a CONFLICT and leaves nothing', async () => {
    const rt = runtime({ shells: 4 });
    const outcomes = await Promise.allSettled([rt.spawn(spec('cx1', 50, { type: 'monitor' })), rt.spawn(spec('cx2', 50, { type: 'monitor' }))]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ reason: 'CONFLICT' });
    const winner = (outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<InstanceStatus>).value.id;
    expect(namespaces()).toEqual([`${PREFIX}${winner}`]);
    expect(nodeLinks().sort()).toEqual(hostLegs(50, 2));
    expect((await rt.list()).map((s) => s.id)).toEqual([winner]);
  });

  it('spawns that fail amid concurrent ones clean up after themselves only', async () => {
    // Responders cannot start (no such node binary); the monitors spawned beside them are unaffected.
    const rt = runtime({ shells: 4, nodeBinary: '/nonexistent/node' });
    const monitors = Array.from({ length: 4 }, (_, i) => spec(`cmon${i}`, 52 + i, { type: 'monitor' }));
    const failing = [spec('cbad0', 56, { type: 'responder' }, 1), spec('cbad1', 57, { type: 'responder' }, 2)];
    const outcomes = await Promise.allSettled([...failing.slice(0, 1), ...monitors, ...failing.slice(1)].map((s) => rt.spawn(s)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({ reason: 'RUNTIME_FAILED' });
    expect(namespaces().sort()).toEqual(monitors.map((s) => `${PREFIX}${s.id}`).sort());
    expect(nodeLinks().sort()).toEqual(monitors.flatMap((s) => hostLegs(s.slot, 2)).sort());
    for (const s of failing) expect(existsSync(join(stateDir, `${s.id}.json`))).toBe(false);
    expect((await rt.list()).map((s) => s.id).sort()).toEqual(monitors.map((s) => s.id));
  });
});
