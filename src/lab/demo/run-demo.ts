/**
 * `npm run demo`: the product end to end on one machine. Deploys topology/demo.clab.yml with sfclab
 * (namespaces, derived underlay, controller, agents), applies chains/demo (firewall → NAT →
 * monitor), sends real traffic and shows it crossing each function, reconfigures the chain three
 * times under 1000 pps while counting lost packets and the kernel operations on every node, and tears
 * everything down. Expectations that fail make the demo fail.
 */
import { join } from 'node:path';
import { loadChainFiles } from '../../chains/load-chain-files.js';
import { formatDocumentError } from '../../chains/format-error.js';
import type { Chain, ChainSpec } from '../../model/chain.js';
import { REPO_ROOT } from '../node-script.js';
import { ping, startPing } from '../ping.js';
import { destroyLab } from '../sfclab/destroy.js';
import { LabSession } from '../sfclab/lab-session.js';
import { tcpConnect } from '../tcp-connect.js';
import { tcpTransfer } from '../tcp-transfer.js';
import { type DemoChange, demoChanges, describeOrder } from './demo-changes.js';

export const DEMO_TOPOLOGY = join(REPO_ROOT, 'topology', 'demo.clab.yml');
export const DEMO_CHAINS = join(REPO_ROOT, 'chains', 'demo');
export const DEMO_LAB = 'demo';

export interface DemoOptions {
  readonly keep: boolean;
  readonly log: (line: string) => void;
  /** Rate of the ping that runs through each reconfiguration. */
  readonly pps?: number;
}

export interface ChangeResult {
  readonly change: string;
  readonly readyMs: number;
  readonly sent: number;
  readonly lost: number;
  /** Kernel and runtime operations each node's agent performed (created + replaced + deleted). */
  readonly ops: Readonly<Record<string, number>>;
  readonly instancesCreated: readonly string[];
  readonly instancesDeleted: readonly string[];
}

export interface DemoSummary {
  readonly demo: 'sfclab';
  readonly ok: boolean;
  readonly applyReadyMs: number;
  readonly ping: { readonly sent: number; readonly lost: number };
  readonly tcp: { readonly bytes: number; readonly mbitPerS: number; readonly serverSawSource?: string };
  readonly firewallDropsTelnet: boolean;
  readonly counted: Readonly<Record<string, number>>;
  readonly changes: readonly ChangeResult[];
  /** Packets lost over all reconfigurations. */
  readonly lost: number;
  /** Agents' kernel and runtime operations over all reconfigurations, per node role. */
  readonly opsByRole: Readonly<Record<string, number>>;
}

const instanceKeys = (c: Chain): string[] => c.status.instances.map((i) => `${i.function}@${i.node} (${i.id})`);

class Expectations {
  readonly failed: string[] = [];
  check(ok: boolean, what: string, log: (l: string) => void): boolean {
    if (!ok) {
      this.failed.push(what);
      log(`  EXPECTED: ${what}`);
    }
    return ok;
  }
}

export async function runDemo(o: DemoOptions): Promise<DemoSummary> {
  const { log } = o;
  const step = (n: number, title: string): void => log(`\n== ${n}. ${title}`);
  const parsed = await loadChainFiles([DEMO_CHAINS], { recursive: true });
  if (parsed.errors.length > 0) throw new Error(parsed.errors.map(formatDocumentError).join('\n'));
  const demo = parsed.chains.find((c) => c.name === 'demo');
  if (!demo) throw new Error(`${DEMO_CHAINS} has no chain named demo`);

  step(1, `Deploy the lab: sfclab deploy -t topology/demo.clab.yml`);
  if ((await destroyLab({ lab: DEMO_LAB, log: () => undefined })).namespaces > 0) log('removed a demo lab left over from an earlier run');
  const lab = await LabSession.deploy(DEMO_TOPOLOGY, (l) => log(`  ${l}`));
  const expect = new Expectations();
  try {
    return await tour(lab, demo.spec, { ...o, log }, step, expect);
  } finally {
    if (!o.keep) {
      step(6, 'Tear down: sfclab destroy');
      await lab.destroy();
    }
  }
}

async function tour(lab: LabSession, spec: ChainSpec, o: DemoOptions, step: (n: number, t: string) => void, expect: Expectations): Promise<DemoSummary> {
  const { log } = o;
  const client = lab.site('client');
  const server = lab.site('server');

  step(2, `Apply chains/demo: ${describeOrder(spec)} from ${spec.ingress.node} to ${spec.egress.node}`);
  const t0 = performance.now();
  let chain = await lab.apply({ name: 'demo', labels: { app: 'demo' }, spec });
  const applyReadyMs = performance.now() - t0;
  log(`  Ready in ${applyReadyMs.toFixed(0)} ms`);
  for (const i of chain.status.instances) log(`  ${i.function.padEnd(9)} on ${i.node}: instance ${i.id}, SID ${i.sids.dx4 ?? i.sids.dx6}, ${i.proxy ?? 'static'} proxy`);
  log(`  ${spec.ingress.node} pushes [${(chain.status.segments.ipv4 ?? []).join(', ')}] (one nexthop object)`);

  step(3, `Traffic: client ${client.endpointIpv4} → server ${server.endpointIpv4}`);
  const sids = [
    ...chain.status.instances.map((i) => ({ key: `${i.function}@${i.node}`, node: i.node, sid: (i.sids.dx4 ?? i.sids.dx6)! })),
    { key: `decap@${spec.egress.node}`, node: spec.egress.node, sid: lab.decapSid(spec.egress.node, 4) },
  ];
  const before = sids.map((s) => lab.sidPackets(s.node, s.sid));
  const p = await ping(lab.ns('client'), server.endpointIpv4, { count: 200, rate: 200 });
  const counted = Object.fromEntries(sids.map((s, i) => [s.key, lab.sidPackets(s.node, s.sid) - before[i]!]));
  log(`  ping: ${p.transmitted} sent, ${p.received} answered, ${p.lost} lost`);
  expect.check(p.lost === 0 && p.transmitted > 0, 'every ping answered', log);
  log('  packets counted along the path (each SID counts the 200 requests):');
  sids.forEach((s, i) => log(`    ${String(i + 1).padStart(2)}. ${s.key.padEnd(16)} ${s.sid.padEnd(18)} ${counted[s.key]}`));
  expect.check(sids.every((s) => counted[s.key]! >= p.transmitted), 'every SID on the path counted every request', log);

  const tcp = await tcpTransfer({ server: { ns: lab.ns('server'), address: server.endpointIpv4 }, clientNs: lab.ns('client'), bytes: 4 << 20 });
  log(`  TCP: ${tcp.bytes} bytes in ${tcp.ms.toFixed(0)} ms (${tcp.mbitPerS.toFixed(0)} Mbit/s); the server saw the client as ${tcp.peer}`);
  const nat = spec.functions.find((f) => f.type === 'nat')?.config as { mode?: string; toAddress?: string } | undefined;
  if (nat?.mode === 'snat') expect.check(tcp.peer === nat.toAddress, `the server sees the NAT address ${nat.toAddress}`, log);
  const telnet = await tcpConnect(lab.ns('client'), server.endpointIpv4, 23);
  const http = await tcpConnect(lab.ns('client'), server.endpointIpv4, 80);
  log(`  TCP to port 23: ${telnet} (the firewall drops telnet); port 80: ${http} (the server's RST came back through the NAT)`);
  expect.check(telnet === 'timeout', 'the firewall drops TCP 23', log);
  expect.check(http === 'ECONNREFUSED', 'TCP 80 reaches the server and its refusal comes back', log);

  const pps = o.pps ?? 1000;
  step(4, `Live reconfiguration while ping runs at ${pps} pps`);
  const roles = new Map(lab.topology.nodes.filter((n) => n.role).map((n) => [n.name, n.role!]));
  const changes: ChangeResult[] = [];
  for (const change of demoChanges(spec)) {
    const r = await reconfigure(lab, change, chain, pps);
    chain = r.chain;
    changes.push(r.result);
    const ops = Object.entries(r.result.ops).map(([n, k]) => `${n} ${k}`).join(', ');
    log(`  ${change.describe}`);
    log(`    Ready in ${r.result.readyMs.toFixed(0)} ms; ${r.result.lost} of ${r.result.sent} packets lost; kernel operations: ${ops}`);
    if (r.result.instancesCreated.length + r.result.instancesDeleted.length > 0) {
      log(`    instances created: ${r.result.instancesCreated.join(', ') || '-'}; deleted: ${r.result.instancesDeleted.join(', ') || '-'}`);
    }
  }
  const lost = changes.reduce((s, c) => s + c.lost, 0);
  expect.check(lost === 0, 'no packet lost during the reconfigurations', log);
  const opsByRole: Record<string, number> = {};
  for (const c of changes) for (const [n, k] of Object.entries(c.ops)) opsByRole[roles.get(n)!] = (opsByRole[roles.get(n)!] ?? 0) + k;

  step(5, 'Summary');
  log(`  ${lost} packets lost over ${changes.length} reconfigurations; kernel operations per role: ${Object.entries(opsByRole).map(([r, k]) => `${r} ${k}`).join(', ')}`);
  if (expect.failed.length > 0) log(`  ${expect.failed.length} expectation(s) failed: ${expect.failed.join('; ')}`);
  return {
    demo: 'sfclab',
    ok: expect.failed.length === 0,
    applyReadyMs: Math.round(applyReadyMs),
    ping: { sent: p.transmitted, lost: p.lost },
    tcp: { bytes: tcp.bytes, mbitPerS: Math.round(tcp.mbitPerS), ...(tcp.peer ? { serverSawSource: tcp.peer } : {}) },
    firewallDropsTelnet: telnet === 'timeout',
    counted,
    changes,
    lost,
    opsByRole,
  };
}

async function reconfigure(lab: LabSession, change: DemoChange, before: Chain, pps: number): Promise<{ chain: Chain; result: ChangeResult }> {
  const ops0 = await lab.operationsByNode();
  const traffic = startPing(lab.ns('client'), lab.site('server').endpointIpv4, pps);
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  const chain = await lab.apply({ name: 'demo', labels: { app: 'demo' }, spec: change.spec });
  const readyMs = performance.now() - t0;
  // Old instances go after the switch; give the garbage collection and the traffic time to show.
  await new Promise((r) => setTimeout(r, 1500));
  const p = await traffic.stop();
  const ops1 = await lab.operationsByNode();
  const ops = Object.fromEntries(Object.entries(ops1).map(([n, k]) => [n, k - ops0[n]!]));
  const [was, now] = [instanceKeys(before), instanceKeys(chain)];
  return {
    chain,
    result: {
      change: change.name,
      readyMs: Math.round(readyMs),
      sent: p.transmitted,
      lost: p.lost,
      ops,
      instancesCreated: now.filter((k) => !was.includes(k)),
      instancesDeleted: was.filter((k) => !now.includes(k)),
    },
  };
}
