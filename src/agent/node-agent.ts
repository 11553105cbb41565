/**
 * The agent's core as a lifecycle part: probes the kernel, starts the reconciler (adopting what a
 * previous process left), runs the periodic resync, and serves AgentCore to the gRPC layer.
 */
import { inject, injectable } from 'inversify';
import type { Hook } from '../common/lifecycle.js';
import { logger } from '../common/logger.js';
import type { NetlinkDataplane } from '../dataplane/netlink/netlink-dataplane.js';
import { type FeatureReport, probeFeatures } from '../dataplane/netlink/probe.js';
import type { AgentCore, ApplyOptions, NodeInfo } from './agent-core.js';
import { probeBpfProxy } from './proxy/dynamic/agent-proxy.js';
import { AgentConfig } from './config.js';
import type { NodeIntent } from './intent/node-intent.js';
import { Reconciler } from './reconcile/reconciler.js';
import type { AgentEvent, ApplyResult, ObservedState } from './reconcile/types.js';
import type { Runtime } from './runtimes/runtime.js';

export const AgentDataplane = Symbol.for('srv6-sfc.AgentDataplane');
export const AgentRuntime = Symbol.for('srv6-sfc.AgentRuntime');
export const AgentReconciler = Symbol.for('srv6-sfc.AgentReconciler');

@injectable()
export class NodeAgent implements AgentCore, Hook {
  readonly name = 'node-agent';
  private readonly log = logger('agent.core');
  private features?: FeatureReport;
  private timer?: NodeJS.Timeout;

  constructor(
    @inject(AgentConfig) private readonly config: AgentConfig,
    @inject(AgentDataplane) private readonly dp: NetlinkDataplane,
    @inject(AgentRuntime) private readonly runtime: Runtime,
    @inject(AgentReconciler) private readonly reconciler: Reconciler,
  ) {}

  async start(): Promise<void> {
    this.features = await this.probe();
    const adopted = await this.reconciler.start();
    if (adopted) this.log.info('resumed the last intent', { generation: adopted.generation, ops: adopted.ops });
    if (this.config.resyncMs > 0) {
      this.timer = setInterval(() => {
        this.reconciler.resync().catch((e: unknown) => this.log.warn('resync failed', { error: String(e) }));
      }, this.config.resyncMs);
      this.timer.unref();
    }
  }

  /** Kernel features, and whether the dynamic proxy's programs load here (a scratch load). */
  private probe(): Promise<FeatureReport> {
    return probeFeatures(this.dp, { bpfProxy: () => probeBpfProxy() });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.reconciler.stop();
    // Instances and kernel state stay: traffic keeps flowing while the agent is down.
    await this.runtime.close();
    this.dp.close();
  }

  apply(intent: NodeIntent, options: ApplyOptions): Promise<ApplyResult> {
    return this.reconciler.apply(intent, options);
  }

  observed(): Promise<ObservedState> {
    return this.reconciler.observed();
  }

  async node(): Promise<NodeInfo> {
    return {
      name: this.config.name,
      address: this.config.advertise,
      locator: this.config.locator,
      interfaces: await this.dp.links(),
      features: this.features ?? (await this.probe()),
      runtimes: [this.runtime.name],
      operations: this.reconciler.operationTotals,
      labels: this.config.labels,
      ...(this.config.coreInterface ? { coreInterface: this.config.coreInterface } : {}),
      ...(this.config.capacity !== undefined ? { capacity: this.config.capacity } : {}),
    };
  }

  onEvent(listener: (event: AgentEvent) => void): () => void {
    return this.reconciler.onEvent(listener);
  }
}
