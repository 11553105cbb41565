/**
 * The NAT return path on the real kernel: one chain client → (firewall, nat snat 203.0.113.1,
 * monitor) → server and no return chain. Replies to 203.0.113.1 come back through the NAT
 * instance (the egress steers them to its return SID; conntrack de-NATs; the in leg's reverse
 * proxy sends them to the ingress's decap SID), so ping and TCP work end to end. Deleting the
 * chain leaves nothing of ours on any node. Topology: test/support/micro-topology.ts.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listNamespaces } from '../../src/lab/netns.js';
import { REPO_ROOT } from '../../src/lab/node-script.js';
import { ping } from '../../src/lab/ping.js';
import { ownedRules, ownedState, show } from '../support/owned-state.js';
import { AgentProcess } from '../support/agent-process.js';
import { ControllerProcess } from '../support/controller-process.js';
import { CORE, LOCATORS, type NodeName, buildMicroTopology, destroyMicroTopology, tcpConnect } from '../support/micro-topology.js';

const tag = `t-${process.pid}-nr-`;
const NAT_ADDRESS = '203.0.113.1';
const PORT = 8080;
let ns: Record<NodeName, string> | undefined;
let dir: string;
let controller: ControllerProcess | undefined;
const agents: Partial<Record<'edge' | 'fnhost' | 'egress', AgentProcess>> = {};
let listener: ChildProcess | undefined;
let peers = '';
const node = (n: string) => `${tag}${n}`;

const CHAIN = `apiVersion: srv6-sfc/v1alpha1
kind: ServiceChain
metadata: {name: web}
spec:
  ingress: {node: ${node('edge')}, match: {destinations: [10.2.0.0/24]}}
  egress: {node: ${node('egress')}}
  functions:
    - name: fw
      type: firewall
      placement: {node: ${node('fnhost')}}
      config: {rules: [{action: drop, protocol: tcp, dstPorts: [23]}]}
    - {name: nat, type: nat, placement: {node: ${node('fnhost')}}, config: {mode: snat, toAddress: ${NAT_ADDRESS}}}
    - {name: mon, type: monitor, placement: {node: ${node('fnhost')}}}
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sfc-nat-return-test-'));
  ns = buildMicroTopology();
  controller = new ControllerProcess(dir);
  await controller.start();
  await Promise.all(
    (['edge', 'fnhost', 'egress'] as const).map(async (n) => {
      const a = new AgentProcess({ ns: ns![n], name: node(n), locator: LOCATORS[n], dir, controller: controller!.address, coreInterface: CORE[n] });
      agents[n] = a;
      (await a.start()).close();
    }),
  );
  writeFileSync(join(dir, 'chain.yaml'), CHAIN);
  // The server prints the peer address of every connection it accepts.
  const js = `require('net').createServer((s)=>{console.log(s.remoteAddress);s.end()}).listen(${PORT},'10.2.0.2',()=>console.log('listening'))`;
  const child = spawn('ip', ['netns', 'exec', ns.server, process.execPath, '-e', js], { stdio: ['ignore', 'pipe', 'inherit'] });
  listener = child;
  child.stdout!.on('data', (d: Buffer) => (peers += d.toString()));
  for (let i = 0; i < 100 && !peers.includes('listening'); i++) await sleep(50);
  expect(peers).toContain('listening');
}, 120_000);

afterAll(async () => {
  if (listener && listener.exitCode === null && listener.signalCode === null) {
    const l = listener;
    await new Promise<void>((resolve) => {
      l.once('exit', () => resolve());
      l.kill('SIGTERM');
    });
  }
  await controller?.stop();
  for (const [n, a] of Object.entries(agents)) {
    await a.stop();
    if (ns) execFileSync('ip', ['netns', 'exec', ns[n as NodeName], join(REPO_ROOT, 'bin', 'sfc-agent'), 'teardown', '--name', a.opts.name, '--state-dir', a.stateDir], { stdio: 'ignore' });
  }
  if (ns) destroyMicroTopology(ns);
  rmSync(dir, { recursive: true, force: true });
  expect(listNamespaces(`sfc-${tag}`)).toEqual([]);
}, 120_000);

describe('NAT return path (snat) with real agents and no return chain', () => {
  it('ping and TCP cross firewall → NAT → monitor and come back; the server sees the NAT address', async () => {
    for (let i = 0; i < 50; i++) {
      const r = await controller!.sfcctl('get', 'nodes', '-o', 'json');
      if ((r.stdout.match(/READY/g) ?? []).length >= 3) break;
      await sleep(200);
    }
    const applied = await controller!.sfcctl('apply', '-f', join(dir, 'chain.yaml'), '--wait', '--wait-timeout', '60s');
    expect(applied.code, `${applied.stdout}\n${applied.stderr}\n${controller!.log()}`).toBe(0);

    const p = await ping(ns!.client, '10.2.0.2', { count: 20, rate: 100 });
    expect(p.lost).toBe(0);
    expect(await tcpConnect(ns!.client, PORT)).toBe('open');
    for (let i = 0; i < 40 && !peers.includes(NAT_ADDRESS); i++) await sleep(50);
    expect(peers.split('\n')).toContain(NAT_ADDRESS);
    expect(peers).not.toContain('10.1.0.2'); // every connection was translated
    expect(await tcpConnect(ns!.client, 23)).toBe('timeout'); // the firewall still drops telnet

    // The return path's pieces, where they belong: the egress steers the NAT address, the NAT's
    // node has a SID into its out leg and a reverse proxy on its in leg, the ingress decapsulates.
    expect(show(ns!.egress, ['route', 'show', 'proto', '200'])).toContain(`${NAT_ADDRESS} nhid`);
    expect(show(ns!.fnhost, ['-6', 'route', 'show', 'proto', '200'])).toMatch(/End\.DX4 nh4 169\.254\.\d+\.\d+ .*dev sfc[0-9a-f]{4}o/);
    expect(ownedRules(ns!.fnhost, '-4')).toMatch(/^4200:\s+from all iif sfc[0-9a-f]{4}i lookup \d+ proto 200/m);
    expect(show(ns!.edge, ['-6', 'route', 'show', 'proto', '200'])).toMatch(/End\.DX4 nh4 0\.0\.0\.0/);
    const described = await controller!.sfcctl('describe', 'chain', 'web');
    expect(described.stdout).toMatch(/Ready/);
  });

  it('deleting the chain removes the return state on every node', async () => {
    const del = await controller!.sfcctl('delete', 'chain', 'web');
    expect(del.code, del.stderr).toBe(0);
    const left = () => (['edge', 'fnhost', 'egress'] as const).map((n) => ownedState(ns![n])).join('');
    for (let i = 0; i < 75 && (listNamespaces(`sfc-${node('fnhost')}.`).length > 0 || left() !== ''); i++) await sleep(200);
    expect(listNamespaces(`sfc-${node('fnhost')}.`)).toEqual([]);
    for (const n of ['edge', 'fnhost', 'egress'] as const) expect(ownedState(ns![n]), n).toBe('');
    expect((await ping(ns!.client, '10.2.0.2', { count: 3, rate: 100 })).received).toBe(0);
  });
});
