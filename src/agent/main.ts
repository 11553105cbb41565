/**
 * `sfc-agent`: the composition root — the only place that touches the DI container.
 * Run it inside the node's network namespace (netlink sockets belong to the namespace of the
 * process that opens them).
 */
import 'reflect-metadata';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Container } from 'inversify';
import { GrpcServer, GrpcServerOptions } from '../common/grpc/grpc-server.js';
import { Lifecycle } from '../common/lifecycle.js';
import { logger } from '../common/logger.js';
import { parseOrExit, runMain, stopOnSignals } from '../common/process-main.js';
import { pruneOwned } from '../dataplane/desired-state.js';
import { NetlinkDataplane } from '../dataplane/netlink/netlink-dataplane.js';
import { agentModule } from './agent-module.js';
import { AGENT_USAGE, type AgentConfig, AgentConfig as AgentConfigToken, parseAgentArgs } from './config.js';
import { agentGrpcModule } from './grpc/agent-grpc-module.js';
import { Registration, RegistrationOptions } from './grpc/registration.js';
import { NodeAgent } from './node-agent.js';
import { NftEdgeFirewall } from './reconcile/edge-firewall.js';
import { NetnsRuntime } from './runtimes/netns/index.js';
import { DynamicProxyLoader } from './proxy/dynamic/loader.js';

const log = logger('agent.main');

async function run(config: AgentConfig): Promise<void> {
  const container = new Container();
  container.bind(AgentConfigToken).toConstantValue(config);
  container.bind(GrpcServerOptions).toConstantValue({ address: config.listen });
  if (config.controller) container.bind(RegistrationOptions).toConstantValue({ controller: config.controller, heartbeatIntervalMs: config.heartbeatMs });
  await container.load(agentModule, agentGrpcModule);

  const lifecycle = new Lifecycle({ stopTimeoutMs: 10_000 });
  lifecycle.append(container.get(NodeAgent));
  lifecycle.append(container.get(GrpcServer));
  if (config.controller) lifecycle.append(container.get(Registration));

  stopOnSignals(lifecycle, log, 'stopping; the dataplane stays in place');
  await lifecycle.start();
  log.info('agent ready', { name: config.name, listen: config.listen, port: container.get(GrpcServer).port, locator: config.locator });
}

/** Removes everything the agent of this node made (instances, owned kernel state, edge table, state). */
async function teardown(config: AgentConfig): Promise<void> {
  const runtime = new NetnsRuntime({ node: config.scope, stateDir: join(config.stateDir, 'instances'), pollMs: 0 });
  const dp = new NetlinkDataplane();
  try {
    // The dynamic proxy's tc filters, leg objects and pins (nothing to do where it never ran).
    await new DynamicProxyLoader({ node: config.scope, returnHook: 'tc' }).cleanup().catch((e: unknown) => log.warn('dynamic proxy cleanup failed', { error: String(e) }));
    for (const i of await runtime.list()) await runtime.destroy(i.id);
    const deleted = await pruneOwned(dp, {});
    await new NftEdgeFirewall().remove();
    await rm(config.stateDir, { recursive: true, force: true });
    log.info('teardown done', { node: config.name, kernelObjectsDeleted: deleted.length });
  } finally {
    await runtime.close();
    dp.close();
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const cmd = parseOrExit('sfc-agent', parseAgentArgs, argv);
  if (cmd.kind === 'help') {
    process.stdout.write(`${AGENT_USAGE}\n`);
    return;
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write('sfc-agent: needs root (or CAP_NET_ADMIN) to program the kernel\n');
    process.exit(1);
  }
  if (cmd.kind === 'teardown') await teardown(cmd.config);
  else await run(cmd.config);
}

runMain(() => main(process.argv.slice(2)), log);
