/**
 * The agent's kernel-facing parts for the composition root: dataplane, runtime, edge firewall,
 * intent store, reconciler and the NodeAgent that ties them into a lifecycle part.
 */
import { ContainerModule } from 'inversify';
import { join } from 'node:path';
import { NetlinkDataplane } from '../dataplane/netlink/netlink-dataplane.js';
import { AgentCore } from './agent-core.js';
import { AgentConfig } from './config.js';
import { AgentDataplane, AgentReconciler, AgentRuntime, NodeAgent } from './node-agent.js';
import { NftEdgeFirewall } from './reconcile/edge-firewall.js';
import { FileIntentStore } from './reconcile/intent-store.js';
import { Reconciler } from './reconcile/reconciler.js';
import { NetnsRuntime } from './runtimes/netns/index.js';
import { AgentDynamicProxy } from './proxy/dynamic/agent-proxy.js';

export const agentModule = new ContainerModule(({ bind }) => {
  bind(AgentDataplane).toDynamicValue(() => new NetlinkDataplane()).inSingletonScope();
  bind(AgentRuntime)
    .toDynamicValue((ctx) => {
      const c = ctx.get<AgentConfig>(AgentConfig);
      // One job shell per concurrent instance operation (at least 2: a pool refill never holds up a spawn).
      return new NetnsRuntime({ node: c.scope, stateDir: join(c.stateDir, 'instances'), poolSize: c.poolSize, shells: Math.max(2, c.spawnConcurrency) });
    })
    .inSingletonScope();
  bind(AgentReconciler)
    .toDynamicValue((ctx) => {
      const c = ctx.get<AgentConfig>(AgentConfig);
      return new Reconciler({
        dp: ctx.get(AgentDataplane),
        runtime: ctx.get(AgentRuntime),
        edge: new NftEdgeFirewall(),
        store: new FileIntentStore(c.stateDir),
        locator: c.locator,
        spawnConcurrency: c.spawnConcurrency,
        // Loaded on first use (the first dynamic proxy item), pinned under /sys/fs/bpf/sfc/<node>.
        dynamicProxy: new AgentDynamicProxy({ node: c.scope }),
      });
    })
    .inSingletonScope();
  bind(NodeAgent).toSelf().inSingletonScope();
  bind(AgentCore).toService(NodeAgent);
});
