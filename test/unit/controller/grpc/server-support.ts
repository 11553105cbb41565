/**
 * Shared by the northbound service tests: the controller's services over a MemoryStore on a real
 * server (127.0.0.1, a free port) with real clients, a stub DryRunPlanner, registered nodes, and
 * helpers that turn calls into promises and failures into decoded rpc errors.
 */
import * as grpc from '@grpc/grpc-js';
import { expect } from 'vitest';
import { DomainError } from '../../../../src/common/errors.js';
import { type RpcError, decodeRpcError } from '../../../../src/common/grpc/errors.js';
import { loadProtos } from '../../../../src/common/grpc/load-proto.js';
import { ChainRegistry } from '../../../../src/controller/chains/chain-registry.js';
import { ChainService } from '../../../../src/controller/grpc/chain-service.js';
import { chainWorldValidator } from '../../../../src/controller/grpc/chain-world.js';
import type { DryRunPlan } from '../../../../src/controller/grpc/codecs/chain-plan-codec.js';
import { featuresFromProto } from '../../../../src/controller/grpc/codecs/node-features.js';
import type { DryRunPlanner } from '../../../../src/controller/grpc/dry-run-planner.js';
import { HealthService } from '../../../../src/controller/grpc/health-service.js';
import { InstanceService } from '../../../../src/controller/grpc/instance-service.js';
import { NodeService } from '../../../../src/controller/grpc/node-service.js';
import { NodeRegistry } from '../../../../src/controller/nodes/node-registry.js';
import { MemoryStore } from '../../../../src/controller/store/store.js';
import type { HealthClient } from '../../../../src/gen/grpc/health/v1/Health.js';
import type { Chain as ChainMsg } from '../../../../src/gen/srv6sfc/v1/Chain.js';
import type { ChainServiceClient } from '../../../../src/gen/srv6sfc/v1/ChainService.js';
import type { InstanceServiceClient } from '../../../../src/gen/srv6sfc/v1/InstanceService.js';
import type { NodeServiceClient } from '../../../../src/gen/srv6sfc/v1/NodeService.js';
import type { Chain } from '../../../../src/model/chain.js';
import type { NodeRecord } from '../../../../src/model/node.js';

// Expected failures log at debug or error level; keep test output readable unless asked.
process.env.SFC_LOG_LEVEL ??= 'silent';

/** Answers a plan naming the chain's nodes; can be told to fail. Records what it was asked. */
export class StubPlanner implements DryRunPlanner {
  readonly asked: { chain: Chain; delete: boolean }[] = [];
  failWith: unknown;

  private plan(chain: Chain, action: 'create' | 'delete'): DryRunPlan {
    const nodes = [...new Set([chain.spec.ingress.node, chain.spec.egress.node, ...chain.spec.functions.flatMap((f) => (f.placement?.node ? [f.placement.node] : []))])].sort();
    return {
      nodes: nodes.map((node) => ({
        node,
        ops: { created: action === 'create' ? 1 : 0, replaced: 0, deleted: action === 'delete' ? 1 : 0, unchanged: 0 },
        instances: chain.spec.functions.filter((f) => f.placement?.node === node).map((f) => ({ function: f.name, id: `${chain.name}-${f.name}`, sids: { dx4: 'fc00:3::d4' }, action })),
        sids: node === chain.spec.egress.node ? [{ sid: 'fc00:2::d46', behavior: 'End.DT46' as const, action }] : [],
      })),
      segments: { ipv4: ['fc00:3::d4', 'fc00:2::d46'] },
    };
  }

  async dryRun(chain: Chain): Promise<DryRunPlan> {
    this.asked.push({ chain, delete: false });
    if (this.failWith !== undefined) throw this.failWith;
    return this.plan(chain, 'create');
  }

  async dryRunDelete(chain: Chain): Promise<DryRunPlan> {
    this.asked.push({ chain, delete: true });
    if (this.failWith !== undefined) throw this.failWith;
    return this.plan(chain, 'delete');
  }
}

export const NODES = ['edge1', 'edge2', 'host1', 'host2'] as const;

export function nodeRecord(name: string, labels: Record<string, string> = {}): Omit<NodeRecord, 'state' | 'lastHeartbeat'> {
  return {
    name,
    address: `unix:/run/sfc-${name}.sock`,
    locator: `fc00:${NODES.indexOf(name as (typeof NODES)[number]) + 1}::/48`,
    labels,
    features: featuresFromProto([]),
    runtimes: ['netns'],
    interfaces: ['lo', 'e0'],
  };
}

export interface Controller {
  readonly store: MemoryStore;
  readonly chains: ChainRegistry;
  readonly nodes: NodeRegistry;
  readonly planner: StubPlanner;
  readonly chainService: ChainService;
  readonly health: HealthService;
  readonly address: string;
  readonly chain: ChainServiceClient;
  readonly node: NodeServiceClient;
  readonly instance: InstanceServiceClient;
  readonly healthClient: HealthClient;
  /** Active ChainRegistry listeners (watch streams hold one each). */
  listeners(): number;
  close(): Promise<void>;
}

/** The controller's services on a real server, nodes `edge1`, `edge2`, `host1` (zone a), `host2` (zone b) registered. */
export async function startController(options: { registerNodes?: boolean } = {}): Promise<Controller> {
  const store = new MemoryStore();
  const chains = new ChainRegistry(store, chainWorldValidator);
  const nodes = new NodeRegistry(store);
  if (options.registerNodes ?? true) {
    for (const n of NODES) await nodes.register(nodeRecord(n, n.startsWith('host') ? { zone: n === 'host1' ? 'a' : 'b', 'srv6-sfc/role': 'host' } : { 'srv6-sfc/role': 'edge' }));
  }
  let active = 0;
  const onChange = chains.onChange.bind(chains);
  chains.onChange = (l) => {
    active++;
    const off = onChange(l);
    return () => {
      active--;
      return off();
    };
  };
  const planner = new StubPlanner();
  const chainService = new ChainService(chains, planner);
  const health = new HealthService();
  const server = new grpc.Server();
  for (const s of [chainService, new NodeService(nodes), new InstanceService(chains), health]) s.addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  health.start();
  const address = `127.0.0.1:${port}`;
  const p = loadProtos();
  const creds = grpc.credentials.createInsecure();
  const chain = new p.srv6sfc.v1.ChainService(address, creds);
  const node = new p.srv6sfc.v1.NodeService(address, creds);
  const instance = new p.srv6sfc.v1.InstanceService(address, creds);
  const healthClient = new p.grpc.health.v1.Health(address, creds);
  return {
    store,
    chains,
    nodes,
    planner,
    chainService,
    health,
    address,
    chain,
    node,
    instance,
    healthClient,
    listeners: () => active,
    close: async () => {
      for (const c of [chain, node, instance, healthClient]) c.close();
      chainService.drain();
      health.drain();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}

/** A unary call as a promise, with a deadline so a hang fails as DEADLINE_EXCEEDED instead of timing the test out. */
export function unary<Res>(start: (opts: grpc.CallOptions, cb: grpc.requestCallback<Res>) => unknown, deadlineMs = 5000): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    start({ deadline: Date.now() + deadlineMs }, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}

/** Every failure the tests saw, so one test can prove none of them reached a client as UNKNOWN. */
export const seenFailures: RpcError[] = [];

/** The decoded failure of `p` (fails if it resolves); checks it is ours (domain srv6-sfc), never UNKNOWN. */
export async function rpcError(p: Promise<unknown>): Promise<RpcError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  if (err === undefined) throw new Error('expected the call to fail');
  const e = decodeRpcError(err);
  seenFailures.push(e);
  expect(e.codeName).not.toBe('UNKNOWN');
  expect(e.domain).toBe('srv6-sfc');
  return e;
}

/** Expects `p` to fail with this code and reason; returns the error for more checks. */
export async function expectRpcError(p: Promise<unknown>, codeName: string, reason: string): Promise<RpcError> {
  const e = await rpcError(p);
  expect({ code: e.codeName, reason: e.reason }, e.message).toEqual({ code: codeName, reason });
  return e;
}

/** A domain error of a category the transport does not know (maps to INTERNAL, keeps its reason). */
export class OddError extends DomainError {}

/** Waits until `cond` holds (polling), or fails naming `what`. */
export async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A chain as a client writes it (proto shape, full resource names). */
export function webChain(overrides: Partial<ChainMsg> = {}): ChainMsg {
  return {
    labels: { app: 'web', tier: 'front' },
    spec: {
      ingress: { node: 'nodes/edge1', match: { destinations: ['10.2.0.0/24', '2001:db8:2::/64'] } },
      egress: { node: 'nodes/edge2' },
      functions: [
        { name: 'fw', firewall: { defaultAction: 'VERDICT_DROP', rules: [{ action: 'VERDICT_ACCEPT', protocol: 'L4_PROTOCOL_TCP', dstPorts: [{ start: 443, end: 443 }] }] }, placement: { node: 'nodes/host1' } },
        { name: 'mon', monitor: {}, placement: { nodeSelector: { zone: 'b' } } },
      ],
    },
    ...overrides,
  };
}
