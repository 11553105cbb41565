/**
 * A stand-in controller for sfcctl's command tests: ChainService, NodeService and InstanceService
 * over in-memory maps, on a real gRPC server (127.0.0.1:0), through the project's handler wrapper
 * and codecs so errors carry the same rich details as the real controller's. Deliberately simple:
 * it stores what is applied and answers a canned plan; it does not plan or reconcile. Lists are
 * served two items a page so every client loop goes through pagination.
 */
import * as grpc from '@grpc/grpc-js';
import { AbortedError, InvalidArgumentError, NotFoundError } from '../../../src/common/errors.js';
import { GrpcHandlers } from '../../../src/common/grpc/handlers.js';
import { loadProtos } from '../../../src/common/grpc/load-proto.js';
import { logger } from '../../../src/common/logger.js';
import { chainToProto } from '../../../src/controller/grpc/codecs/chain-codec.js';
import type { DryRunPlan } from '../../../src/controller/grpc/codecs/chain-plan-codec.js';
import { applyChainFromProto, deleteChainFromProto, getChainFromProto, listChainsFromProto, watchChainsFromProto } from '../../../src/controller/grpc/codecs/chain-requests-codec.js';
import {
  type ChainEvent,
  applyChainResultToProto,
  chainEventToProto,
  deleteChainResultToProto,
  listChainsResultToProto,
} from '../../../src/controller/grpc/codecs/chain-responses-codec.js';
import { type ChainInstance, getInstanceFromProto, instanceToProto, listInstancesFromProto, listInstancesResultToProto } from '../../../src/controller/grpc/codecs/instance-codec.js';
import { matchesLabels } from '../../../src/controller/grpc/codecs/label-filter.js';
import { listNodesFromProto, listNodesResultToProto, nodeNameFromProto, nodeToProto } from '../../../src/controller/grpc/codecs/node-codec.js';
import { type PageRequest, takePage } from '../../../src/controller/grpc/codecs/page-token.js';
import { ALL_CHAINS } from '../../../src/controller/grpc/codecs/resource-name.js';
import type { ApplyChainRequest__Output } from '../../../src/gen/srv6sfc/v1/ApplyChainRequest.js';
import type { DeleteChainRequest__Output } from '../../../src/gen/srv6sfc/v1/DeleteChainRequest.js';
import type { GetChainRequest__Output } from '../../../src/gen/srv6sfc/v1/GetChainRequest.js';
import type { GetInstanceRequest__Output } from '../../../src/gen/srv6sfc/v1/GetInstanceRequest.js';
import type { GetNodeRequest__Output } from '../../../src/gen/srv6sfc/v1/GetNodeRequest.js';
import type { ListChainsRequest__Output } from '../../../src/gen/srv6sfc/v1/ListChainsRequest.js';
import type { ListInstancesRequest__Output } from '../../../src/gen/srv6sfc/v1/ListInstancesRequest.js';
import type { ListNodesRequest__Output } from '../../../src/gen/srv6sfc/v1/ListNodesRequest.js';
import type { WatchChainsRequest__Output } from '../../../src/gen/srv6sfc/v1/WatchChainsRequest.js';
import type { Chain, ChainDeclaration } from '../../../src/model/chain.js';
import type { NodeRecord } from '../../../src/model/node.js';

process.env.SFC_LOG_LEVEL ??= 'silent';

const small = (page: PageRequest): PageRequest => ({ ...page, size: Math.min(page.size, 2) });

const declared = (c: ChainDeclaration): string => JSON.stringify({ labels: c.labels, spec: c.spec });

/** The canned plan of a dry run: the chain's nodes, one instance and SID per function. */
export function cannedPlan(c: ChainDeclaration): DryRunPlan {
  const fnNodes = c.spec.functions.map((f, i) => ({ f, node: f.placement?.node ?? `fn${i + 1}`, sid: `fc00:${i + 3}::d4` }));
  return {
    segments: { ipv4: [...fnNodes.map((x) => x.sid), 'fc00:2::d46'] },
    nodes: [
      { node: c.spec.ingress.node, ops: { created: 1, replaced: 0, deleted: 0, unchanged: 4 }, instances: [], sids: [] },
      { node: c.spec.egress.node, ops: { created: 0, replaced: 0, deleted: 0, unchanged: 2 }, instances: [], sids: [{ sid: 'fc00:2::d46', behavior: 'End.DT46', action: 'keep' }] },
      ...fnNodes.map((x) => ({
        node: x.node,
        ops: { created: 3, replaced: 0, deleted: 0, unchanged: 0 },
        instances: [{ function: x.f.name, id: `${c.name}-${x.f.name}-0`, sids: { dx4: x.sid }, action: 'create' as const }],
        sids: [{ sid: x.sid, behavior: 'End.DX4' as const, function: x.f.name, action: 'create' as const }],
      })),
    ],
  };
}

export class FakeController {
  readonly chains = new Map<string, Chain>();
  nodes: NodeRecord[] = [];
  instances: ChainInstance[] = [];
  /** Every RPC received, by method name. */
  readonly calls: string[] = [];
  /** Called on every GetChain before answering (tests make a chain Ready after a few polls). */
  onGetChain?: (name: string, count: number) => void;
  private getCount = 0;
  private readonly watchers = new Set<(e: ChainEvent) => void>();
  private server?: grpc.Server;
  private readonly handlers = new GrpcHandlers(logger('test.fake-controller'));
  address = '';

  /** Serve InstanceService too (false: a controller without it, UNIMPLEMENTED). */
  constructor(private readonly withInstances = true) {}

  /** Methods that fail with the given error instead of answering. */
  readonly failing = new Map<string, unknown>();
  /** Methods that never answer (the client's deadline ends them). */
  readonly hanging = new Set<string>();

  /** Stores a chain as the controller would after a change, and tells watchers. */
  put(chain: Chain): void {
    const type = this.chains.has(chain.name) ? 'MODIFIED' : 'ADDED';
    this.chains.set(chain.name, chain);
    for (const w of this.watchers) w({ type, chain });
  }

  private nodeCheck(c: ChainDeclaration): void {
    if (this.nodes.length === 0) return;
    const known = new Set(this.nodes.map((n) => n.name));
    const refs: [string, string | undefined][] = [
      ['chain.spec.ingress.node', c.spec.ingress.node],
      ['chain.spec.egress.node', c.spec.egress.node],
      ...c.spec.functions.map((f, i): [string, string | undefined] => [`chain.spec.functions[${i}].placement.node`, f.placement?.node]),
    ];
    const violations = refs.filter(([, n]) => n !== undefined && !known.has(n)).map(([field, n]) => ({ field, description: `unknown node '${n}'` }));
    if (violations.length > 0) throw new InvalidArgumentError(violations, 'invalid chain');
  }

  private apply(m: ApplyChainRequest__Output) {
    const call = applyChainFromProto(m);
    const input = call.chain;
    this.nodeCheck({ name: input.name, labels: input.labels, spec: input.spec });
    const prev = this.chains.get(input.name);
    if (input.etag && prev?.etag !== input.etag) throw new AbortedError(`chain '${input.name}' changed since etag ${input.etag}`, 'ETAG_MISMATCH');
    const outcome = !prev ? 'created' : declared(prev) === declared({ name: input.name, labels: input.labels, spec: input.spec }) ? 'unchanged' : 'updated';
    const generation = (prev?.generation ?? 0) + (outcome === 'unchanged' ? 0 : 1);
    const now = new Date().toISOString();
    const chain: Chain = {
      name: input.name,
      labels: input.labels,
      spec: input.spec,
      generation,
      etag: `"${generation}-fake"`,
      createTime: prev?.createTime ?? now,
      updateTime: outcome === 'unchanged' ? prev!.updateTime : now,
      status: prev?.status ?? { observedGeneration: 0, conditions: [], segments: {}, instances: [] },
    };
    if (call.validateOnly) return applyChainResultToProto({ chain, outcome, plan: cannedPlan(chain) });
    if (outcome !== 'unchanged') this.put(chain);
    return applyChainResultToProto({ chain, outcome });
  }

  private get(m: GetChainRequest__Output) {
    const name = getChainFromProto(m).name;
    this.onGetChain?.(name, ++this.getCount);
    const chain = this.chains.get(name);
    if (!chain) throw new NotFoundError(`chain '${name}' does not exist`, 'CHAIN_NOT_FOUND');
    return { chain: chainToProto(chain) };
  }

  private list(m: ListChainsRequest__Output) {
    const call = listChainsFromProto(m);
    const all = [...this.chains.values()].filter((c) => matchesLabels(call.filter, c.labels)).sort((a, b) => (a.name < b.name ? -1 : 1));
    const page = takePage(all, (c) => c.name, small(call.page));
    return listChainsResultToProto({ chains: page.items, nextPageToken: page.nextPageToken });
  }

  private delete(m: DeleteChainRequest__Output) {
    const call = deleteChainFromProto(m);
    const prev = this.chains.get(call.name);
    if (!prev) {
      if (call.allowMissing) return deleteChainResultToProto({});
      throw new NotFoundError(`chain '${call.name}' does not exist`, 'CHAIN_NOT_FOUND');
    }
    if (call.etag && call.etag !== prev.etag) throw new AbortedError(`chain '${call.name}' changed since etag ${call.etag}: re-read and retry`, 'ETAG_MISMATCH');
    if (!call.validateOnly) {
      this.chains.delete(call.name);
      for (const w of this.watchers) w({ type: 'DELETED', chain: prev });
    }
    return deleteChainResultToProto({});
  }

  async start(): Promise<string> {
    const v1 = loadProtos().srv6sfc.v1;
    const h = this.handlers;
    const server = new grpc.Server();
    const seen =
      <Req, Res>(method: string, f: (req: Req) => Res) =>
      async (req: Req): Promise<Res> => {
        this.calls.push(method);
        if (this.failing.has(method)) throw this.failing.get(method);
        if (this.hanging.has(method)) await new Promise(() => undefined);
        return f(req);
      };
    server.addService(v1.ChainService.service, {
      ApplyChain: h.unary('ApplyChain', seen('ApplyChain', (m: ApplyChainRequest__Output) => this.apply(m))),
      GetChain: h.unary('GetChain', seen('GetChain', (m: GetChainRequest__Output) => this.get(m))),
      ListChains: h.unary('ListChains', seen('ListChains', (m: ListChainsRequest__Output) => this.list(m))),
      DeleteChain: h.unary('DeleteChain', seen('DeleteChain', (m: DeleteChainRequest__Output) => this.delete(m))),
      WatchChains: h.serverStream('WatchChains', (m: WatchChainsRequest__Output, sink) => {
        this.calls.push('WatchChains');
        const { filter } = watchChainsFromProto(m);
        for (const chain of this.chains.values()) if (matchesLabels(filter, chain.labels)) sink.send(chainEventToProto({ type: 'ADDED', chain }));
        return new Promise<void>((resolve) => {
          const listener = (e: ChainEvent): void => void (matchesLabels(filter, e.chain.labels) && sink.send(chainEventToProto(e)));
          this.watchers.add(listener);
          sink.signal.addEventListener('abort', () => {
            this.watchers.delete(listener);
            resolve();
          });
        });
      }),
    });
    server.addService(v1.NodeService.service, {
      ListNodes: h.unary('ListNodes', seen('ListNodes', (m: ListNodesRequest__Output) => {
        const call = listNodesFromProto(m);
        const page = takePage(this.nodes.filter((n) => matchesLabels(call.filter, n.labels)), (n) => n.name, small(call.page));
        return listNodesResultToProto({ nodes: page.items, nextPageToken: page.nextPageToken });
      })),
      GetNode: h.unary('GetNode', seen('GetNode', (m: GetNodeRequest__Output) => {
        const name = nodeNameFromProto(m, 'GetNode');
        const node = this.nodes.find((n) => n.name === name);
        if (!node) throw new NotFoundError(`node '${name}' is not registered`, 'NODE_NOT_FOUND');
        return { node: nodeToProto(node) };
      })),
    });
    if (this.withInstances) server.addService(v1.InstanceService.service, {
      ListInstances: h.unary('ListInstances', seen('ListInstances', (m: ListInstancesRequest__Output) => {
        const call = listInstancesFromProto(m);
        if (call.chain !== ALL_CHAINS && !this.chains.has(call.chain)) throw new NotFoundError(`chain '${call.chain}' does not exist`, 'CHAIN_NOT_FOUND');
        const all = this.instances.filter((i) => call.chain === ALL_CHAINS || i.chain === call.chain);
        const page = takePage(all, (i) => `${i.chain}/${i.function}`, small(call.page));
        return listInstancesResultToProto({ instances: page.items, nextPageToken: page.nextPageToken });
      })),
      GetInstance: h.unary('GetInstance', seen('GetInstance', (m: GetInstanceRequest__Output) => {
        const id = getInstanceFromProto(m);
        const inst = this.instances.find((i) => i.chain === id.chain && i.function === id.function);
        if (!inst) throw new NotFoundError(`instance ${id.chain}/${id.function} does not exist`, 'INSTANCE_NOT_FOUND');
        return { instance: instanceToProto(inst) };
      })),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    this.server = server;
    this.address = `127.0.0.1:${port}`;
    return this.address;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // As the real server stops: open streams end with UNAVAILABLE (SHUTTING_DOWN), the server
    // shuts down gracefully (so that status reaches clients), and is forced after a grace period.
    this.handlers.drain();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 1000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}
