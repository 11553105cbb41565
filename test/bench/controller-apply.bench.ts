/**
 * Controller metric `apply-to-ready-5fn`: ApplyChain of a 5-function chain (all SR-unaware netns
 * instances on one function host) → Ready → first ping through, ms, with a real controller and
 * real agents in the privileged tests' micro topology. Reference: the published OpenVIM anchor
 * for a 5–10 function ClickOS chain (0.32 s with no background VMs, Ventre et al.), not measured
 * here. Median of REPS runs (each applies a fresh chain name, then deletes it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControllerClient } from '../../src/cli/client/controller-client.js';
import type { ChainSpec } from '../../src/model/chain.js';
import { REPO_ROOT } from '../../src/lab/node-script.js';
import { ping } from '../../src/lab/ping.js';
import { AgentProcess } from '../support/agent-process.js';
import { ControllerProcess } from '../support/controller-process.js';
import { CORE, LOCATORS, type NodeName, buildMicroTopology, destroyMicroTopology } from '../support/micro-topology.js';
import { log, type Emit } from './bench-main.js';

const OPENVIM_5FN_MS = 320;

async function untilReady(client: ControllerClient, name: string, generation: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await client.getChain(name);
    if (c.status.observedGeneration >= generation && c.status.conditions.some((x) => x.type === 'Ready' && x.status === 'True')) return;
    if (Date.now() > deadline) throw new Error(`${name} not Ready after ${timeoutMs} ms: ${JSON.stringify(c.status.conditions)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function benchApplyToReady(emit: Emit, reps = Number(process.env.BENCH_REPS ?? 5)): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sfc-bench-ctl-'));
  const tag = `b-${process.pid}-`;
  let ns: Record<NodeName, string> | undefined;
  const controller = new ControllerProcess(dir);
  const agents: AgentProcess[] = [];
  const client = new ControllerClient(controller.address, { timeoutMs: 30_000 });
  try {
    ns = buildMicroTopology();
    await controller.start();
    for (const n of ['edge', 'fnhost', 'egress'] as const) {
      const a = new AgentProcess({ ns: ns[n], name: `${tag}${n}`, locator: LOCATORS[n], dir, controller: controller.address, coreInterface: CORE[n] });
      agents.push(a);
      (await a.start()).close();
    }
    const node = (n: string) => `${tag}${n}`;
    for (let i = 0; i < 100 && (await client.listNodes([]).catch(() => [])).filter((x) => x.state === 'READY').length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    // Replies come back through their own chain (set up once, not timed).
    const back: ChainSpec = { ingress: { node: node('egress'), match: { destinations: ['10.1.0.0/24'] } }, egress: { node: node('edge') }, functions: [{ name: 'mon', type: 'monitor', placement: { node: node('fnhost') } }] };
    const b = await client.applyChain({ name: 'back', labels: {}, spec: back }, false);
    await untilReady(client, 'back', b.chain.generation);
    const times: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const types = ['firewall', 'monitor', 'firewall', 'monitor', 'monitor'] as const;
      const spec: ChainSpec = {
        ingress: { node: node('edge'), match: { destinations: ['10.2.0.0/24'] } },
        egress: { node: node('egress') },
        functions: types.map((type, i) => ({ name: `f${i}`, type, placement: { node: node('fnhost') } })),
      };
      const name = `five-${rep}`;
      const t0 = performance.now();
      const r = await client.applyChain({ name, labels: {}, spec }, false);
      await untilReady(client, name, r.chain.generation);
      const ready = performance.now() - t0;
      // First packet through: ping once until one answer comes back.
      for (let i = 0; i < 200; i++) if ((await ping(ns.client, '10.2.0.2', { count: 1, rate: 1000 })).received > 0) break;
      const through = performance.now() - t0;
      times.push(through);
      log(`  apply-to-ready rep ${rep + 1}: Ready after ${ready.toFixed(0)} ms, first packet through after ${through.toFixed(0)} ms`);
      await client.deleteChain(name, { allowMissing: true, validateOnly: false });
      await new Promise((r) => setTimeout(r, 1500)); // let the delete settle before the next apply
    }
    const sorted = [...times].sort((a, b) => a - b);
    emit('apply-to-ready-5fn', sorted[Math.floor(sorted.length / 2)]!, 'ms', `published anchor: OpenVIM 5–10 ClickOS VNF chain, 0 background VMs (Ventre et al.); median of ${reps}`, OPENVIM_5FN_MS);
  } finally {
    client.close();
    await controller.stop();
    for (const a of agents) {
      await a.stop();
      // Instances live in their own namespaces: the agent's teardown removes them.
      const nodeNs = ns?.[a.opts.name.slice(tag.length) as NodeName];
      if (nodeNs) execFileSync('ip', ['netns', 'exec', nodeNs, join(REPO_ROOT, 'bin', 'sfc-agent'), 'teardown', '--name', a.opts.name, '--state-dir', a.stateDir], { stdio: 'ignore' });
    }
    if (ns) destroyMicroTopology(ns);
    rmSync(dir, { recursive: true, force: true });
  }
}
