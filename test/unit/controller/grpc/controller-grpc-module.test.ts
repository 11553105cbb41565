/**
 * The controller's gRPC feature through the container, as main.ts will compose it: decorators
 * work under esbuild (no decorator metadata), every service is mounted on the one GrpcServer,
 * health follows the lifecycle, and stopping drains open streams.
 */
import * as grpc from '@grpc/grpc-js';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { GrpcServer, GrpcServerOptions } from '../../../../src/common/grpc/grpc-server.js';
import { GrpcService } from '../../../../src/common/grpc/grpc-service.js';
import { loadProtos } from '../../../../src/common/grpc/load-proto.js';
import { Lifecycle } from '../../../../src/common/lifecycle.js';
import { ChainRegistry } from '../../../../src/controller/chains/chain-registry.js';
import { chainWorldValidator } from '../../../../src/controller/grpc/chain-world.js';
import { controllerGrpcModule } from '../../../../src/controller/grpc/controller-grpc-module.js';
import { DryRunPlanner } from '../../../../src/controller/grpc/dry-run-planner.js';
import { HealthService } from '../../../../src/controller/grpc/health-service.js';
import { NodeRegistry } from '../../../../src/controller/nodes/node-registry.js';
import { MemoryStore } from '../../../../src/controller/store/store.js';
import type { HealthCheckResponse__Output } from '../../../../src/gen/grpc/health/v1/HealthCheckResponse.js';
import type { ListChainsResponse__Output } from '../../../../src/gen/srv6sfc/v1/ListChainsResponse.js';
import type { ListNodesResponse__Output } from '../../../../src/gen/srv6sfc/v1/ListNodesResponse.js';
import { StubPlanner, nodeRecord, unary, until } from './server-support.js';

describe('controllerGrpcModule', () => {
  it('resolves, serves every service through the GrpcServer, and stops through the lifecycle', async () => {
    const store = new MemoryStore();
    const nodes = new NodeRegistry(store);
    await nodes.register(nodeRecord('edge1'));
    const container = new Container();
    container.bind(ChainRegistry).toConstantValue(new ChainRegistry(store, chainWorldValidator));
    container.bind(NodeRegistry).toConstantValue(nodes);
    container.bind(DryRunPlanner).toConstantValue(new StubPlanner());
    container.bind(GrpcServerOptions).toConstantValue({ address: '127.0.0.1:0', shutdownGraceMs: 1000 });
    await container.load(controllerGrpcModule);
    expect(container.getAll(GrpcService)).toHaveLength(4);

    const server = container.get(GrpcServer);
    const lifecycle = new Lifecycle({ stopTimeoutMs: 5000 });
    lifecycle.append(server);
    lifecycle.append(container.get(HealthService));
    await lifecycle.start();

    const address = `127.0.0.1:${server.port}`;
    const p = loadProtos();
    const creds = grpc.credentials.createInsecure();
    const chains = new p.srv6sfc.v1.ChainService(address, creds);
    const nodeClient = new p.srv6sfc.v1.NodeService(address, creds);
    const health = new p.grpc.health.v1.Health(address, creds);

    expect((await unary<HealthCheckResponse__Output>((o, cb) => health.Check({ service: '' }, o, cb))).status).toBe('SERVING');
    expect((await unary<ListChainsResponse__Output>((o, cb) => chains.ListChains({}, o, cb))).chains).toEqual([]);
    expect((await unary<ListNodesResponse__Output>((o, cb) => nodeClient.ListNodes({}, o, cb))).nodes.map((n) => n.name)).toEqual(['nodes/edge1']);

    const statuses: string[] = [];
    const healthWatch = health.Watch({ service: '' });
    healthWatch.on('data', (m: HealthCheckResponse__Output) => statuses.push(m.status));
    healthWatch.on('error', () => undefined);
    const chainWatch = chains.WatchChains({});
    chainWatch.on('data', () => undefined);
    const chainWatchEnded = new Promise<number>((resolve) => chainWatch.on('error', (e: grpc.ServiceError) => resolve(e.code)));
    await until(() => statuses.length === 1, 'the health watch');

    // Health goes first (NOT_SERVING), then the server drains the watches and stops.
    await lifecycle.stop();
    expect(await chainWatchEnded).toBe(grpc.status.UNAVAILABLE);
    await until(() => statuses.length === 2, 'NOT_SERVING');
    expect(statuses).toEqual(['SERVING', 'NOT_SERVING']);
    for (const client of [chains, nodeClient, health]) client.close();
  });
});
