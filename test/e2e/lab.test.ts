/**
 * The product end to end in an sfclab lab (topology/demo.clab.yml under another lab name): the
 * controller and five agents as real processes, chains applied over gRPC, and real packets (ping,
 * TCP) through real function instances. What the issue promises, one test each: traversal order
 * by per-SID counters, firewall drops, NAT as seen at the server, deletion everywhere, hitless
 * reconfiguration and agent restarts at 1000 pps, instance repair, and a dead agent reported.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Chain, ChainFunction, ChainSpec } from '../../src/model/chain.js';
import { listNamespaces } from '../../src/lab/netns.js';
import { ping, startPing } from '../../src/lab/ping.js';
import type { LabSession } from '../../src/lab/sfclab/lab-session.js';
import { DEMO_ROLE_NODES, useDemoLab } from '../support/demo-lab.js';
import { instanceNamespacePrefix } from '../../src/lab/sfclab/lab-layout.js';
import { tcpConnect } from '../../src/lab/tcp-connect.js';
import { tcpTransfer } from '../../src/lab/tcp-transfer.js';
import { ownedState } from '../support/owned-state.js';

const LAB = `t-e2e${process.pid % 10000}`;
const ROLE_NODES = DEMO_ROLE_NODES;
let lab: LabSession;

const SERVER = '10.2.0.2';
const monitor = (name: string, node: string): ChainFunction => ({ name, type: 'monitor', placement: { node } });
const telnetWall = (node: string): ChainFunction => ({
  name: 'fw',
  type: 'firewall',
  placement: { node },
  config: { rules: [{ action: 'drop', protocol: 'tcp', dstPorts: [{ start: 23, end: 23 }] }] },
});
const spec = (functions: readonly ChainFunction[]): ChainSpec => ({
  ingress: { node: 'edge1', match: { destinations: ['10.2.0.0/24'] } },
  egress: { node: 'edge2' },
  functions,
});

/** Packets each function's IPv4 SID counted. */
function counts(chain: Chain): Record<string, number> {
  return Object.fromEntries(chain.status.instances.map((i) => [i.function, lab.sidPackets(i.node, i.sids.dx4!)]));
}
const delta = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => Object.fromEntries(Object.keys(b).map((k) => [k, b[k]! - (a[k] ?? 0)]));

/** Everything the agents own on a node: routes, nexthops and rules with protocol 200. */
const owned = (node: string): string => ownedState(lab.ns(node));

async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const nat: ChainFunction = { name: 'nat', type: 'nat', placement: { node: 'fn1' }, config: { mode: 'snat', toAddress: '203.0.113.1' } };

/** The chain most tests share (re-applying an unchanged spec changes nothing). */
const applyNatChain = (): Promise<Chain> => lab.apply({ name: 'nat', spec: spec([telnetWall('fn1'), nat, monitor('mon', 'fn2')]) });


const session = useDemoLab(LAB);
beforeAll(() => {
  lab = session();
});

describe('sfclab lab, end to end', () => {
  it('the site routing underlay carries plain traffic both ways before any chain exists', async () => {
    expect((await ping(lab.ns('client'), SERVER, { count: 10, rate: 100 })).lost).toBe(0);
    expect((await ping(lab.ns('client'), '2001:db8:2::2', { count: 10, rate: 100 })).lost).toBe(0);
  });

  it('per-SID counters prove the traversal order, and the firewall drops what it denies', async () => {
    let chain = await lab.apply({ name: 'order', spec: spec([monitor('a', 'fn1'), telnetWall('fn1'), monitor('b', 'fn2')]) });
    let c0 = counts(chain);
    expect((await ping(lab.ns('client'), SERVER, { count: 20, rate: 100 })).lost).toBe(0);
    expect(delta(c0, counts(chain))).toEqual({ a: 20, fw: 20, b: 20 });

    // Telnet SYNs: counted before the firewall, never after it.
    c0 = counts(chain);
    expect(await tcpConnect(lab.ns('client'), SERVER, 23, 1500), 'telnet through [a, fw, b]').toBe('timeout');
    let d = delta(c0, counts(chain));
    expect(d.a).toBeGreaterThan(0);
    expect(d.fw).toBe(d.a);
    expect(d.b).toBe(0);
    // An allowed port crosses all three and the server's refusal comes back (site routing).
    expect(await tcpConnect(lab.ns('client'), SERVER, 80)).toBe('ECONNREFUSED');

    // Firewall first: now `a` sees nothing of the telnet attempts either.
    chain = await lab.apply({ name: 'order', spec: spec([telnetWall('fn1'), monitor('a', 'fn1'), monitor('b', 'fn2')]) });
    c0 = counts(chain);
    expect(await tcpConnect(lab.ns('client'), SERVER, 23, 1500), 'telnet through [fw, a, b]').toBe('timeout');
    d = delta(c0, counts(chain));
    expect(d, JSON.stringify(d)).toMatchObject({ a: 0, b: 0 });
    expect(d.fw).toBeGreaterThan(0);
  });

  afterEach(async () => {
    // Each test starts from its own chains: one failure must not leak into the next test.
    await lab.delete('order');
  });

  it('NAT rewrites the source as the server sees it, and replies find their way back through it', async () => {
    await applyNatChain();
    expect((await ping(lab.ns('client'), SERVER, { count: 20, rate: 100 })).lost).toBe(0);
    const tcp = await tcpTransfer({ server: { ns: lab.ns('server'), address: SERVER }, clientNs: lab.ns('client'), bytes: 1 << 20 });
    expect(tcp.bytes).toBe(1 << 20);
    expect(tcp.peer).toBe('203.0.113.1');
  });

  it('reconfiguring while 1000 pps flow loses no packet: insert, reorder, remove', async () => {
    await applyNatChain();
    for (const functions of [
      [telnetWall('fn1'), monitor('ids', 'fn2'), nat, monitor('mon', 'fn2')],
      [monitor('ids', 'fn2'), telnetWall('fn1'), nat, monitor('mon', 'fn2')],
      [monitor('ids', 'fn2'), telnetWall('fn1'), nat],
    ]) {
      const traffic = startPing(lab.ns('client'), SERVER, 1000);
      await new Promise((r) => setTimeout(r, 300));
      await lab.apply({ name: 'nat', spec: spec(functions) });
      await new Promise((r) => setTimeout(r, 1000));
      const p = await traffic.stop();
      expect(p.transmitted).toBeGreaterThan(800);
      expect(p.lost, functions.map((f) => f.name).join(' → ')).toBe(0);
    }
  });

  it('an agent restart (SIGTERM, then kill -9) loses no packet', async () => {
    await applyNatChain();
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const traffic = startPing(lab.ns('client'), SERVER, 1000);
      await new Promise((r) => setTimeout(r, 200));
      await lab.stopAgent('fn1', signal);
      await lab.startAgent('fn1');
      await new Promise((r) => setTimeout(r, 2500)); // a resync of the restarted agent
      const p = await traffic.stop();
      expect(p.lost, signal).toBe(0);
    }
  });

  it('a killed instance is respawned and the chain repaired', async () => {
    const before = await applyNatChain();
    const victim = before.status.instances.find((i) => i.function === 'fw')!;
    const victimNs = `${instanceNamespacePrefix(LAB, victim.node)}${victim.id}`;
    execFileSync('ip', ['netns', 'del', victimNs]);
    // The agent notices at once (it watches /run/netns) and brings the instance back under its
    // name. No outage is asserted: the respawn may beat any probe.
    await eventually('the firewall instance to be back', () => (listNamespaces(victimNs).length === 1 ? true : undefined));
    await eventually('traffic through the chain again', async () => ((await ping(lab.ns('client'), SERVER, { count: 5, rate: 50 })).lost === 0 ? true : undefined));
    // The status follows the agent's events: InstanceExited, then Ready again once it runs.
    await eventually('chain nat Ready again', async () => ((await lab.client.getChain('nat')).status.conditions.find((x) => x.type === 'Ready')?.status === 'True' ? true : undefined));
  });

  it('a dead agent turns its chains NotReady with a reason, and its return makes them Ready', async () => {
    await applyNatChain();
    await lab.stopAgent('fn2', 'SIGKILL');
    const notReady = await eventually('chain nat NotReady', async () => {
      const r = (await lab.client.getChain('nat')).status.conditions.find((x) => x.type === 'Ready');
      return r?.status === 'False' ? r : undefined;
    });
    expect(`${notReady.reason}: ${notReady.message}`).toMatch(/fn2/);
    expect(notReady.reason).toMatch(/Node(NotReady|Unreachable)/);
    await lab.startAgent('fn2');
    await eventually('chain nat Ready again', async () => ((await lab.client.getChain('nat')).status.conditions.find((x) => x.type === 'Ready')?.status === 'True' ? true : undefined));
  });

  it('deleting a chain removes its state on every node', async () => {
    await applyNatChain();
    await lab.delete('nat');
    await eventually('no owned state left on any node', () => (ROLE_NODES.every((n) => owned(n) === '') ? true : undefined)).catch((e: Error) => {
      throw new Error(`${e.message}: ${ROLE_NODES.map((n) => `${n}: ${owned(n)}`).join('\n')}`);
    });
    for (const n of ROLE_NODES) expect(owned(n), n).toBe('');
    for (const n of ROLE_NODES) expect(listNamespaces(instanceNamespacePrefix(LAB, n)).filter((x) => !x.includes('..pool'))).toEqual([]);
    // The underlay's own routes stay: plain traffic still flows.
    expect((await ping(lab.ns('client'), SERVER, { count: 5, rate: 50 })).lost).toBe(0);
  });
});
