/**
 * `sfc-controller`: the composition root — the only place that touches the DI container.
 */
import 'reflect-metadata';
import { Container } from 'inversify';
import { InvalidArgumentError } from '../common/errors.js';
import { GrpcServer, GrpcServerOptions } from '../common/grpc/grpc-server.js';
import { Lifecycle } from '../common/lifecycle.js';
import { logger } from '../common/logger.js';
import { parseOrExit, runMain, stopOnSignals } from '../common/process-main.js';
import { GrpcAgentPool } from './agents/agent-pool.js';
import { ChainRegistry } from './chains/chain-registry.js';
import { CONTROLLER_USAGE, type ControllerConfig, parseControllerArgs } from './config.js';
import { chainWorldValidator } from './grpc/chain-world.js';
import { controllerGrpcModule } from './grpc/controller-grpc-module.js';
import { DryRunPlanner as DryRunPlannerToken, type DryRunPlanner as DryRunPlannerApi } from './grpc/dry-run-planner.js';
import { HealthService } from './grpc/health-service.js';
import { NodeRegistry } from './nodes/node-registry.js';
import { poolDirectory } from './reconcile/agents.js';
import { DryRunPlanner } from './reconcile/dry-run.js';
import { WorldReconciler } from './reconcile/world-reconciler.js';
import { FileStore } from './store/store.js';
import type { Adjacency } from './planning/topology.js';
import { formatTopologyIssue, loadTopologyFile, topologyAdjacency } from '../topology/index.js';

const log = logger('controller.main');

/** The topology file's graph for placement; a bad file is reported like a bad flag (exit 2). */
function loadTopologyOrExit(file: string): Adjacency {
  return parseOrExit(
    'sfc-controller',
    () => {
      const parsed = loadTopologyFile(file);
      if (!parsed.ok) throw new InvalidArgumentError(parsed.errors.map((e) => ({ field: '--topology', description: formatTopologyIssue(file, e) })));
      log.info('topology loaded', { file, nodes: parsed.topology.nodes.length, links: parsed.topology.links.length });
      return topologyAdjacency(parsed.topology);
    },
    [],
  );
}

async function run(config: ControllerConfig): Promise<void> {
  const topology = config.topologyFile === undefined ? undefined : loadTopologyOrExit(config.topologyFile);
  const store = new FileStore(config.stateDir);
  const chains = new ChainRegistry(store, chainWorldValidator);
  const nodes = new NodeRegistry(store);
  const pool = new GrpcAgentPool();
  const agents = poolDirectory(pool);
  const reconciler = new WorldReconciler(store, chains, nodes, agents, { resyncMs: config.resyncMs, ...(topology ? { topology } : {}) });
  const dryRun = new DryRunPlanner(store, agents, topology ? { topology } : {});
  // The API's planner interface over the reconciler's dry run (same data, the API's names).
  const planner: DryRunPlannerApi = {
    dryRun: async (chain) => (await dryRun.planDryRun({ name: chain.name, spec: chain.spec })).plan,
    dryRunDelete: async (chain) => (await dryRun.planDeleteDryRun(chain.name)).plan,
  };

  const container = new Container();
  container.bind(ChainRegistry).toConstantValue(chains);
  container.bind(NodeRegistry).toConstantValue(nodes);
  container.bind(DryRunPlannerToken).toConstantValue(planner);
  container.bind(GrpcServerOptions).toConstantValue({ address: config.listen });
  await container.load(controllerGrpcModule);

  const lifecycle = new Lifecycle({ stopTimeoutMs: 10_000 });
  lifecycle.append({ name: 'store', start: async () => void (await store.read()) });
  lifecycle.append({ name: 'reconciler', start: () => reconciler.start(), stop: () => reconciler.stop() });
  let liveness: NodeJS.Timeout | undefined;
  lifecycle.append({
    name: 'liveness',
    start: () => {
      liveness = setInterval(() => void nodes.expire(config.livenessMs).catch((e: unknown) => log.warn('liveness check failed', { error: String(e) })), Math.max(1000, config.livenessMs / 3));
      liveness.unref();
    },
    stop: () => clearInterval(liveness),
  });
  lifecycle.append(container.get(GrpcServer));
  lifecycle.append(container.get(HealthService));
  lifecycle.append({ name: 'agent-pool', stop: () => pool.close() });

  stopOnSignals(lifecycle, log, 'stopping');
  await lifecycle.start();
  log.info('controller ready', { listen: config.listen, port: container.get(GrpcServer).port, stateDir: config.stateDir });
}

async function main(argv: readonly string[]): Promise<void> {
  const cmd = parseOrExit('sfc-controller', parseControllerArgs, argv);
  if (cmd.kind === 'help') {
    process.stdout.write(`${CONTROLLER_USAGE}\n`);
    return;
  }
  await run(cmd.config);
}

runMain(() => main(process.argv.slice(2)), log);
