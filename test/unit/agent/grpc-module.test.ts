/**
 * The agent's gRPC feature through the container, as main.ts will compose it: decorators must
 * work under esbuild (no decorator metadata), and the server must serve and stop cleanly.
 */
import * as grpc from '@grpc/grpc-js';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { AgentCore } from '../../../src/agent/agent-core.js';
import { agentGrpcModule } from '../../../src/agent/grpc/agent-grpc-module.js';
import { nodeInfoFromProto } from '../../../src/agent/grpc/node-codec.js';
import { Registration, RegistrationOptions } from '../../../src/agent/grpc/registration.js';
import { GrpcServer, GrpcServerOptions } from '../../../src/common/grpc/grpc-server.js';
import { loadProtos } from '../../../src/common/grpc/load-proto.js';
import { Lifecycle } from '../../../src/common/lifecycle.js';
import type { GetNodeResponse__Output } from '../../../src/gen/srv6sfc/agent/v1/GetNodeResponse.js';
import { FakeCore, NODE, unary } from './grpc-support.js';

describe('agentGrpcModule', () => {
  it('resolves, serves GetNode through the GrpcServer, and stops through the lifecycle', async () => {
    const container = new Container();
    const core = new FakeCore();
    container.bind(AgentCore).toConstantValue(core);
    container.bind(GrpcServerOptions).toConstantValue({ address: '127.0.0.1:0', shutdownGraceMs: 1000 });
    // Nothing listens on port 9: registration keeps retrying in the background, harmlessly.
    container.bind(RegistrationOptions).toConstantValue({ controller: '127.0.0.1:9', backoff: { initialMs: 10, maxMs: 20 } });
    await container.load(agentGrpcModule);

    const server = container.get(GrpcServer);
    const lifecycle = new Lifecycle({ stopTimeoutMs: 5000 });
    lifecycle.append(server);
    lifecycle.append(container.get(Registration));
    await lifecycle.start();

    const client = new (loadProtos().srv6sfc.agent.v1.AgentService)(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    const watch = client.WatchEvents({});
    watch.on('data', () => undefined);
    const watchEnded = new Promise<number>((resolve) => watch.on('error', (e: grpc.ServiceError) => resolve(e.code)));
    const res = await unary<GetNodeResponse__Output>((o, cb) => client.GetNode({}, o, cb));
    expect(nodeInfoFromProto(res.node)).toStrictEqual(NODE);
    for (let i = 0; i < 100 && core.listeners.size === 0; i++) await new Promise((r) => setTimeout(r, 10));

    // An open watch does not hold up shutdown: it is drained with UNAVAILABLE.
    await lifecycle.stop();
    expect(await watchEnded).toBe(grpc.status.UNAVAILABLE);
    expect(core.listeners.size).toBe(0);
    client.close();
  });
});
