/**
 * sfc-agent with dynamic (eBPF) proxies, real packets, the state-touch guarantee. The micro
 * topology (test/support/micro-topology.ts):
 *
 *   client ─ edge ══ fnhost ══ egress ─ server        fnhost: fw (slot 1), mon (slot 2)
 *
 * Three agents, each in its node's namespace (started with `nsenter --net`, so the fnhost agent's
 * pins under /sys/fs/bpf/sfc/<node> are visible here). fnhost's intent holds the two instances with
 * `proxy mode: dynamic` and nothing about the chain; the edge's intent holds the FULL list
 * [fw, mon, egress]. Reordering ([mon, fw, egress]) and shortening ([mon, egress]) the chain
 * changes only the edge's intent: fnhost's agent performs 0 operations (its running totals, resyncs
 * included, do not move) and its routes and rules stay byte-identical.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../src/agent/grpc/agent-client.js';
import type { NodeIntent } from '../../src/agent/intent/node-intent.js';
import type { OpCounts } from '../../src/agent/reconcile/types.js';
import { ipn, listNamespaces, nsExec } from '../../src/lab/netns.js';
import { REPO_ROOT } from '../../src/lab/node-script.js';
import { ping } from '../../src/lab/ping.js';
import { AgentProcess } from '../support/agent-process.js';
import { LOCATORS, type NodeName, buildMicroTopology, destroyMicroTopology } from '../support/micro-topology.js';
import { requireRoot } from '../support/netns.js';

const tag = `t-${process.pid}-d`; // node names t-<pid>-dedge...: instance namespaces sfc-t-<pid>-dfnhost.<id>
const ns: Record<string, string> = {};
const agents: Record<string, AgentProcess> = {};
const clients: Record<string, AgentClient> = {};
let dir: string;
const pinDir = `/sys/fs/bpf/sfc/${tag}fnhost`;

const FW = { dx4: 'fc00:2::a4', dx6: 'fc00:2::a6' };
const MON = { dx4: 'fc00:2::b4', dx6: 'fc00:2::b6' };
const EGRESS_SID = 'fc00:3::d4';

const edgeIntent = (generation: number, segments: string[]): NodeIntent => ({
  generation,
  tunnelSource: 'fc00:e1::1',
  edgeChains: [{ chain: 'web', id: 1, dev: 'e0', segments, classifiers: [{ dst: '10.2.0.0/24' }] }],
  localSids: [{ sid: 'fc00:1::d4', dev: 'e0', behavior: { action: 'End.DX4', nh4: '0.0.0.0' } }],
});
const FNHOST: NodeIntent = {
  generation: 1,
  instances: [
    { id: 'fw', slot: 1, legs: 2, function: { type: 'firewall', config: { defaultAction: 'accept' } }, sids: FW },
    { id: 'mon', slot: 2, legs: 2, function: { type: 'monitor' }, sids: MON },
  ],
  // No continuation, no dev: the chain lives only at the edge.
  proxies: [
    { instance: 'fw', chain: 'web', mode: 'dynamic' },
    { instance: 'mon', chain: 'web', mode: 'dynamic' },
  ],
};
const EGRESS: NodeIntent = {
  generation: 1,
  localSids: [{ sid: EGRESS_SID, dev: 'g0', behavior: { action: 'End.DX4', nh4: '0.0.0.0' } }],
  edgeChains: [{ chain: 'web-back', id: 1, dev: 'g0', segments: ['fc00:1::d4'], classifiers: [{ dst: '10.1.0.0/24' }] }],
};

const changes = (o: OpCounts): number => o.created + o.replaced + o.deleted;

async function fnhostChanges(): Promise<number> {
  const n = await clients.fnhost!.node();
  return changes(n.operations!);
}

/** fnhost's routes, rules and nexthops (counters left out). */
function fnhostConfig(): string {
  return [['-4', 'route', 'show', 'table', 'all'], ['-6', 'route', 'show', 'table', 'all'], ['-4', 'rule', 'show'], ['-6', 'rule', 'show'], ['nexthop', 'show']].map((a) => ipn(ns.fnhost!, a)).join('\n----\n');
}

async function sidPackets(sid: string): Promise<bigint> {
  const o = await clients.fnhost!.observed();
  const r = o.routes.find((x) => x.dst === `${sid}/128`);
  if (r?.encap?.type !== 'seg6local' || !r.encap.counters) throw new Error(`fnhost: no counted SID ${sid}`);
  return r.encap.counters.packets;
}

/** Pings 20 times; returns how many packets each function's End.DX4 SID saw meanwhile. */
async function pingThrough(): Promise<{ fw: bigint; mon: bigint }> {
  const before = { fw: await sidPackets(FW.dx4), mon: await sidPackets(MON.dx4) };
  const p = await ping(ns.client!, '10.2.0.2', { count: 20, rate: 100 });
  expect(p.lost, agents.fnhost!.log().slice(-3000)).toBe(0);
  return { fw: (await sidPackets(FW.dx4)) - before.fw, mon: (await sidPackets(MON.dx4)) - before.mon };
}

/** Until an edge apply's chain is live and one more fnhost resync has passed. */
const settle = () => new Promise((r) => setTimeout(r, 1500));

function teardown(n: string, a: AgentProcess): void {
  execFileSync('nsenter', [`--net=/run/netns/${ns[n]!}`, join(REPO_ROOT, 'bin', 'sfc-agent'), 'teardown', '--name', a.opts.name, '--state-dir', a.stateDir], { stdio: 'ignore' });
}

beforeAll(async () => {
  requireRoot();
  process.on('exit', () => rmSync(pinDir, { recursive: true, force: true }));
  dir = mkdtempSync(join(tmpdir(), 'sfc-agent-dyn-test-'));
  Object.assign(ns, buildMicroTopology());
  const locators: Record<string, string> = LOCATORS;
  await Promise.all(
    Object.entries(locators).map(async ([n, locator]) => {
      agents[n] = new AgentProcess({ ns: ns[n]!, name: `${tag}${n}`, locator, dir, nsenter: true });
      clients[n] = await agents[n].start();
    }),
  );
}, 120_000);

afterAll(async () => {
  for (const c of Object.values(clients)) c.close();
  for (const [n, a] of Object.entries(agents)) {
    await a.stop();
    teardown(n, a);
  }
  // Teardown removed the filters: fnhost's interfaces hold no clsact of ours.
  const leftover = ns.fnhost ? nsExec(ns.fnhost, ['tc', 'filter', 'show', 'dev', 'f0', 'ingress']) : '';
  destroyMicroTopology(ns as Record<NodeName, string>);
  rmSync(dir, { recursive: true, force: true });
  expect(leftover).not.toContain('sfc_proxy');
  expect(existsSync(pinDir)).toBe(false);
  expect(listNamespaces(`sfc-${tag}`)).toEqual([]);
}, 120_000);

describe('sfc-agent with dynamic proxies: chain changes touch only the edge', () => {
  it('applies the intents; fnhost loads and pins the proxy; traffic crosses fw then mon', async () => {
    for (const [n, intent] of [['fnhost', FNHOST], ['egress', EGRESS], ['edge', edgeIntent(1, [FW.dx4, MON.dx4, EGRESS_SID])]] as const) {
      const r = await clients[n]!.apply(intent);
      expect(r.items.filter((i) => !i.ok), `${n}: ${agents[n]!.log().slice(-3000)}`).toEqual([]);
    }
    expect(existsSync(`${pinDir}/prog/sfc_proxy_in`)).toBe(true);
    expect((await clients.fnhost!.node()).features.bpfProxy).toEqual({ ok: true });
    expect(nsExec(ns.fnhost!, ['tc', 'filter', 'show', 'dev', 'sfc0001o', 'ingress'])).toContain('sfc_proxy_out');
    expect(nsExec(ns.fnhost!, ['tc', 'filter', 'show', 'dev', 'f0', 'ingress'])).toContain('sfc_proxy_in');
    const seen = await pingThrough();
    expect(seen.fw).toBeGreaterThanOrEqual(20n);
    expect(seen.mon).toBeGreaterThanOrEqual(20n);
  });

  it('re-applying fnhost’s intent performs 0 operations', async () => {
    const r = await clients.fnhost!.apply(FNHOST);
    expect(r.ops).toMatchObject({ created: 0, replaced: 0, deleted: 0 });
    expect(r.ops.unchanged).toBeGreaterThan(0);
  });

  it('reorders to [mon, fw] and shortens to [mon] by changing only the edge: fnhost performs 0 operations', async () => {
    await settle();
    const totals = await fnhostChanges();
    const config = fnhostConfig();

    const reorder = await clients.edge!.apply(edgeIntent(2, [MON.dx4, FW.dx4, EGRESS_SID]));
    expect(reorder.items.filter((i) => !i.ok)).toEqual([]);
    await settle();
    const both = await pingThrough();
    expect(both.fw).toBeGreaterThanOrEqual(20n);
    expect(both.mon).toBeGreaterThanOrEqual(20n);

    const shorter = await clients.edge!.apply(edgeIntent(3, [MON.dx4, EGRESS_SID]));
    expect(shorter.items.filter((i) => !i.ok)).toEqual([]);
    await settle();
    const monOnly = await pingThrough();
    expect(monOnly.fw).toBe(0n);
    expect(monOnly.mon).toBeGreaterThanOrEqual(20n);

    expect(await fnhostChanges()).toBe(totals); // resyncs included: not one operation
    expect(fnhostConfig()).toBe(config);
  });

  it('a respawned instance (new ifindex) is re-wired by the resync', async () => {
    // A firewall instance runs no process: deleting its namespace kills it; the resync respawns it.
    execFileSync('ip', ['netns', 'del', `sfc-${tag}fnhost.mon`]);
    for (let i = 0; i < 100; i++) {
      const o = await clients.fnhost!.observed();
      const ok = o.instances.find((x) => x.id === 'mon')?.state === 'running';
      let wired = false;
      try {
        wired = ok && nsExec(ns.fnhost!, ['tc', 'filter', 'show', 'dev', 'sfc0002o', 'ingress']).includes('sfc_proxy_out');
      } catch {
        // the leg is not there yet
      }
      if (wired) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await settle();
    const seen = await pingThrough();
    expect(seen.mon).toBeGreaterThanOrEqual(20n);
    // One sfc_legs entry per leg: the respawned leg's old ifindex is gone.
    const legs = JSON.parse(execFileSync('bpftool', ['-j', 'map', 'dump', 'pinned', `${pinDir}/map/sfc_legs`], { encoding: 'utf8' })) as unknown[];
    expect(legs).toHaveLength(2);
  });
});
