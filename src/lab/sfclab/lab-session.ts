/**
 * A deployed lab seen from a program (the demo, e2e tests, benchmarks): its namespaces, its sites,
 * its controller, and the per-SID counters on its nodes.
 */
import { AgentClient } from '../../agent/grpc/agent-client.js';
import { ControllerClient } from '../../cli/client/controller-client.js';
import { chainReadiness } from '../../cli/readiness.js';
import type { Chain, ChainSpec } from '../../model/chain.js';
import type { Site, Topology, Underlay } from '../../topology/types.js';
import { ipn } from '../netns.js';
import { type DeployedLab, deployLab, recordProcess, startAgent } from './deploy.js';
import { destroyLab } from './destroy.js';
import { controllerAddress, labPaths } from './lab-layout.js';
import { readLabRecord } from './lab-record.js';
import { isAlive, stopProcess } from './processes.js';
import { namespaceOf } from './wire.js';

export interface ChainDeclaration {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly spec: ChainSpec;
}

export class LabSession {
  readonly client: ControllerClient;

  private constructor(
    readonly topology: Topology,
    readonly underlay: Underlay,
    private readonly log: (line: string) => void,
  ) {
    this.client = new ControllerClient(controllerAddress(labPaths(topology.name)), { timeoutMs: 30_000 });
  }

  static async deploy(topologyFile: string, log: (line: string) => void, resyncSeconds?: number): Promise<LabSession> {
    const lab: DeployedLab = await deployLab({ topologyFile, log, ...(resyncSeconds ? { resyncSeconds } : {}) });
    return new LabSession(lab.topology, lab.underlay, log);
  }

  get name(): string {
    return this.topology.name;
  }

  ns(node: string): string {
    const n = this.topology.nodes.find((x) => x.name === node);
    const ns = n && namespaceOf(this.name, n);
    if (!ns) throw new Error(`lab ${this.name} has no node ${node} with a namespace`);
    return ns;
  }

  site(endpoint: string): Site {
    const s = this.underlay.sites.find((x) => x.endpoint === endpoint);
    if (!s) throw new Error(`lab ${this.name}: ${endpoint} is not a site endpoint`);
    return s;
  }

  /** Applies the chain and resolves once it is Ready for the generation the apply created. */
  async apply(chain: ChainDeclaration, timeoutMs = 60_000): Promise<Chain> {
    const res = await this.client.applyChain({ name: chain.name, labels: chain.labels ?? {}, spec: chain.spec }, false);
    return this.waitReady(chain.name, res.chain.generation, timeoutMs);
  }

  async waitReady(name: string, generation: number, timeoutMs = 60_000): Promise<Chain> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = await this.client.getChain(name);
      const r = chainReadiness(c, generation);
      if (r.ready) return c;
      if (Date.now() > deadline) throw new Error(`chain ${name} not Ready after ${timeoutMs / 1000} s: ${r.summary}`);
      await new Promise((res) => setTimeout(res, 20));
    }
  }

  async delete(name: string): Promise<void> {
    await this.client.deleteChain(name, { allowMissing: true, validateOnly: false });
  }

  /** Packets counted by a seg6local SID on a node (its `count` attribute). */
  sidPackets(node: string, sid: string): number {
    const routes = JSON.parse(ipn(this.ns(node), ['-s', '-j', '-6', 'route', 'show', `${sid}/128`])) as { stats64?: { packets: number } }[];
    const stats = routes[0]?.stats64;
    if (!stats) throw new Error(`${node} has no counted SID ${sid}`);
    return stats.packets;
  }

  /** The node's egress decap SID for IPv4 (End.DX4 nh4 0.0.0.0) or IPv6 (End.DX6 nh6 ::) that an agent installed. */
  decapSid(node: string, family: 4 | 6): string {
    const routes = JSON.parse(ipn(this.ns(node), ['-j', '-6', 'route', 'show', 'proto', '200'])) as { dst: string; action?: string; nh4?: string; nh6?: string }[];
    const hit = routes.find((r) => (family === 4 ? r.action === 'End.DX4' && r.nh4 === '0.0.0.0' : r.action === 'End.DX6' && r.nh6 === '::'));
    if (!hit) throw new Error(`${node} has no End.DX${family} decap SID`);
    return hit.dst;
  }

  /**
   * Kernel and runtime operations the node's agent performed since it started (created + replaced
   * + deleted): a change's cost on a node is the difference of two readings.
   */
  async operations(node: string): Promise<number> {
    const client = new AgentClient(`unix:${labPaths(this.name).agentSocket(node)}`, { deadlineMs: 10_000 });
    try {
      const ops = (await client.node()).operations;
      return ops ? ops.created + ops.replaced + ops.deleted : 0;
    } finally {
      client.close();
    }
  }

  /** Every role node's operation count, read at once. */
  async operationsByNode(): Promise<Record<string, number>> {
    const nodes = this.topology.nodes.filter((n) => n.role !== undefined).map((n) => n.name);
    return Object.fromEntries(await Promise.all(nodes.map(async (n) => [n, await this.operations(n)] as const)));
  }

  /** The pid of one of the lab's processes (`controller`, `agent/<node>`). */
  pid(name: string): number {
    const p = readLabRecord(labPaths(this.name).record)?.processes.filter((x) => x.name === name).at(-1);
    if (!p) throw new Error(`lab ${this.name} runs no ${name}`);
    return p.pid;
  }

  /** Stops one agent (SIGTERM or SIGKILL): its kernel state stays, as after a crash. */
  async stopAgent(node: string, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const pid = this.pid(`agent/${node}`);
    if (signal === 'SIGKILL') process.kill(pid, 'SIGKILL');
    await stopProcess(pid, signal === 'SIGKILL' ? 0 : 5000);
  }

  /** Starts a stopped agent again with its deploy-time flags; resolves once the controller sees it READY. */
  async startAgent(node: string, timeoutMs = 60_000): Promise<void> {
    const record = readLabRecord(labPaths(this.name).record);
    const nu = this.underlay.nodes.find((n) => n.node === node);
    if (!record || !nu) throw new Error(`lab ${this.name} has no agent node ${node}`);
    const before = (await this.client.getNode(node)).lastHeartbeat;
    const p = await startAgent(this.topology, nu, record.agentResyncSeconds);
    recordProcess(this.name, { name: `agent/${node}`, pid: p.pid });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = await this.client.getNode(node);
      if (n.state === 'READY' && n.lastHeartbeat !== before && isAlive(p.pid)) return;
      if (!isAlive(p.pid) || Date.now() > deadline) throw new Error(`agent ${node} did not come back (log: ${labPaths(this.name).agentLog(node)})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async destroy(): Promise<void> {
    this.client.close();
    await destroyLab({ lab: this.name, log: this.log });
  }
}
