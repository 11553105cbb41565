/**
 * sfc-agent against the real kernel with real packets. A micro topology in namespaces:
 *
 *   client ─ edge ══ fnhost ══ egress ─ server      (══ : IPv6 underlay, MTU 9000)
 *   10.1.0.0/24      fc00:2::/48      10.2.0.0/24
 *
 * Three agents (edge, fnhost, egress), each inside its node's namespace, driven by hand-written
 * intents over gRPC (unix sockets). The chain web = client → firewall (netns instance on fnhost,
 * static proxy) → server; the return path is SRv6 straight back to the edge.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../src/agent/grpc/agent-client.js';
import type { NodeIntent } from '../../src/agent/intent/node-intent.js';
import type { AgentEvent } from '../../src/agent/reconcile/types.js';
import { ipn, listNamespaces } from '../../src/lab/netns.js';
import { REPO_ROOT } from '../../src/lab/node-script.js';
import { ping } from '../../src/lab/ping.js';
import { AgentProcess } from '../support/agent-process.js';
import { LOCATORS, type NodeName, buildMicroTopology, destroyMicroTopology, tcpConnect as tcpConnectFrom } from '../support/micro-topology.js';

const tag = `t-${process.pid}-`; // node names t-<pid>-edge...: instance namespaces sfc-t-<pid>-fnhost.<id>
const ns: Record<string, string> = {};
const agents: Record<string, AgentProcess> = {};
const clients: Record<string, AgentClient> = {};
let dir: string;

const EDGE: NodeIntent = {
  generation: 1,
  tunnelSource: 'fc00:e1::1',
  edge: { customerInterfaces: ['ec0'], mssClamp: 1400, sidSpace: ['fc00::/16'] },
  // Static proxy: the ingress list ends at the function's SID; its host holds the continuation.
  edgeChains: [{ chain: 'web', id: 1, dev: 'e0', segments: ['fc00:2::f4'], classifiers: [{ dst: '10.2.0.0/24' }] }],
  localSids: [{ sid: 'fc00:1::d4', dev: 'e0', behavior: { action: 'End.DX4', nh4: '0.0.0.0' } }],
};
const FNHOST: NodeIntent = {
  generation: 1,
  instances: [
    {
      id: 'fw1',
      slot: 1,
      legs: 2,
      function: { type: 'firewall', config: { defaultAction: 'accept', rules: [{ action: 'drop', protocol: 'tcp', dstPorts: [{ start: 23, end: 23 }] }] } },
      sids: { dx4: 'fc00:2::f4' },
    },
  ],
  proxies: [{ instance: 'fw1', chain: 'web', continuation: ['fc00:3::d4'], dev: 'f1', families: [4] }],
};
const EGRESS: NodeIntent = {
  generation: 1,
  localSids: [{ sid: 'fc00:3::d4', dev: 'g0', behavior: { action: 'End.DX4', nh4: '0.0.0.0' } }],
  edgeChains: [{ chain: 'web-back', id: 1, dev: 'g0', segments: ['fc00:1::d4'], classifiers: [{ dst: '10.1.0.0/24' }] }],
};

async function sidPackets(node: string, sid: string): Promise<bigint> {
  const o = await clients[node]!.observed();
  const r = o.routes.find((x) => x.dst === `${sid}/128`);
  if (r?.encap?.type !== 'seg6local' || !r.encap.counters) throw new Error(`${node}: no counted SID ${sid}`);
  return r.encap.counters.packets;
}

const tcpConnect = (port: number): Promise<string> => tcpConnectFrom(ns.client!, port);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sfc-agent-test-'));
  Object.assign(ns, buildMicroTopology());
  const locators: Record<string, string> = LOCATORS;
  await Promise.all(
    Object.entries(locators).map(async ([n, locator]) => {
      agents[n] = new AgentProcess({ ns: ns[n]!, name: `${tag}${n}`, locator, dir });
      clients[n] = await agents[n].start();
    }),
  );
}, 120_000);

afterAll(async () => {
  for (const c of Object.values(clients)) c.close();
  for (const [n, a] of Object.entries(agents)) {
    await a.stop();
    // Instances live in their own namespaces: the agent's teardown removes them.
    execFileSync('ip', ['netns', 'exec', ns[n]!, join(REPO_ROOT, 'bin', 'sfc-agent'), 'teardown', '--name', a.opts.name, '--state-dir', a.stateDir], { stdio: 'ignore' });
  }
  destroyMicroTopology(ns as Record<NodeName, string>);
  rmSync(dir, { recursive: true, force: true });
  expect(listNamespaces(`sfc-${tag}`)).toEqual([]);
}, 120_000);

describe('sfc-agent with real packets', () => {
  it('applies hand-written intents; traffic crosses the firewall instance; every SID counts', async () => {
    for (const [n, intent] of [['edge', EDGE], ['fnhost', FNHOST], ['egress', EGRESS]] as const) {
      const r = await clients[n]!.apply(intent);
      expect(r.items.filter((i) => !i.ok), `${n}: ${agents[n]!.log()}`).toEqual([]);
    }
    const before = { fw: await sidPackets('fnhost', 'fc00:2::f4'), egress: await sidPackets('egress', 'fc00:3::d4'), back: await sidPackets('edge', 'fc00:1::d4') };
    const p = await ping(ns.client!, '10.2.0.2', { count: 20, rate: 100 });
    expect(p.lost).toBe(0);
    expect((await sidPackets('fnhost', 'fc00:2::f4')) - before.fw).toBeGreaterThanOrEqual(20n);
    expect((await sidPackets('egress', 'fc00:3::d4')) - before.egress).toBeGreaterThanOrEqual(20n);
    expect((await sidPackets('edge', 'fc00:1::d4')) - before.back).toBeGreaterThanOrEqual(20n);
  });

  it('the firewall drops what it denies (and counts it)', async () => {
    expect(await tcpConnect(80)).toBe('ECONNREFUSED'); // reaches the server, which has nothing listening
    expect(await tcpConnect(23)).toBe('timeout'); // dropped in the firewall instance
    const ruleset = execFileSync('ip', ['netns', 'exec', `sfc-${tag}fnhost.fw1`, 'nft', 'list', 'ruleset'], { encoding: 'utf8' });
    // The deny rule counts into its named counter.
    expect(ruleset).toMatch(/tcp dport 23 counter name "rule0" drop/);
    expect(ruleset).toMatch(/counter rule0 \{\s*packets [1-9]\d* bytes/);
  });

  it('the edge drops customer packets aimed at the SID space and clamps the MSS of customer SYNs', async () => {
    const before = await sidPackets('fnhost', 'fc00:2::f4');
    const p = await ping(ns.client!, 'fc00:2::f4', { count: 5, rate: 100 });
    expect(p.received).toBe(0);
    expect(await sidPackets('fnhost', 'fc00:2::f4')).toBe(before); // never reached the SID
    await tcpConnect(80);
    const table = execFileSync('ip', ['netns', 'exec', ns.edge!, 'nft', 'list', 'table', 'inet', 'sfc-edge'], { encoding: 'utf8' });
    expect(table).toMatch(/ip6 daddr fc00::\/16 counter packets [1-9]\d* bytes \d+ drop/);
    expect(table).toMatch(/maxseg size 1401-65535 counter packets [1-9]\d* bytes \d+ tcp option maxseg size set 1400/);
  });

  it('a second identical apply performs 0 operations', async () => {
    for (const [n, intent] of [['edge', EDGE], ['fnhost', FNHOST], ['egress', EGRESS]] as const) {
      const r = await clients[n]!.apply(intent);
      expect(r.ops, n).toMatchObject({ created: 0, replaced: 0, deleted: 0 });
      expect(r.ops.unchanged).toBeGreaterThan(0);
    }
  });

  it('corrects drift: a classifier route removed by hand comes back, and says so', async () => {
    const events: AgentEvent[] = [];
    const watch = clients.edge!.watch((e) => events.push(e));
    try {
      ipn(ns.edge!, ['route', 'del', '10.2.0.0/24']);
      ipn(ns.edge!, ['route', 'add', '10.77.0.0/24', 'dev', 'ec0']); // foreign: never touched
      for (let i = 0; i < 50 && !events.some((e) => e.type === 'driftCorrected'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(events.find((e) => e.type === 'driftCorrected')).toMatchObject({ ops: { created: 1 } });
      expect(ipn(ns.edge!, ['route', 'show', '10.2.0.0/24'])).toContain('nhid');
      expect(ipn(ns.edge!, ['route', 'show', '10.77.0.0/24'])).toContain('dev ec0');
    } finally {
      watch.stop();
    }
  });

  it('kill -9 of an agent and a restart while ping runs at 100 pps loses no packet and changes nothing', async () => {
    const instanceNs = `/run/netns/sfc-${tag}fnhost.fw1`;
    const inodeBefore = statSync(instanceNs).ino;
    const flow = ping(ns.client!, '10.2.0.2', { count: 400, rate: 100 });
    await new Promise((r) => setTimeout(r, 500));
    await agents.fnhost!.kill9();
    await new Promise((r) => setTimeout(r, 500));
    clients.fnhost!.close();
    clients.fnhost = await agents.fnhost!.start();
    const again = await clients.fnhost.apply(FNHOST);
    const result = await flow;
    expect(result.lost).toBe(0);
    expect(again.ops).toMatchObject({ created: 0, replaced: 0, deleted: 0 });
    expect(agents.fnhost!.log()).toMatch(/resumed the last intent.*"created":0,"replaced":0,"deleted":0|resumed the last intent.*created=0.*replaced=0.*deleted=0/s);
    // The instance was adopted, not re-spawned: the very same namespace is still there.
    expect(statSync(instanceNs).ino).toBe(inodeBefore);
  });

  it('a killed instance produces an event (and the resync brings it back)', async () => {
    const events: AgentEvent[] = [];
    const watch = clients.fnhost!.watch((e) => events.push(e));
    try {
      await new Promise((r) => setTimeout(r, 200));
      // A firewall instance runs no process: it exits when its namespace goes.
      execFileSync('ip', ['netns', 'del', `sfc-${tag}fnhost.fw1`]);
      for (let i = 0; i < 50 && !events.some((e) => e.type === 'instanceExited'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(events.find((e) => e.type === 'instanceExited')).toMatchObject({ instance: 'fw1' });
      for (let i = 0; i < 50; i++) {
        const o = await clients.fnhost!.observed();
        if (o.instances.find((x) => x.id === 'fw1')?.state === 'running' && events.some((e) => e.type === 'driftCorrected')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const p = await ping(ns.client!, '10.2.0.2', { count: 10, rate: 100 });
      expect(p.lost).toBe(0);
    } finally {
      watch.stop();
    }
  });
});
