/**
 * Registration against a tiny fake controller NodeService on a real server: register, heartbeat,
 * re-register when the controller forgot the node, keep retrying while it is unreachable.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { Registration } from '../../../src/agent/grpc/registration.js';
import { NotFoundError } from '../../../src/common/errors.js';
import { GrpcHandlers } from '../../../src/common/grpc/handlers.js';
import { loadProtos } from '../../../src/common/grpc/load-proto.js';
import { logger } from '../../../src/common/logger.js';
import type { NodeServiceHandlers } from '../../../src/gen/srv6sfc/v1/NodeService.js';
import type { Node__Output } from '../../../src/gen/srv6sfc/v1/Node.js';
import { FakeCore, NODE } from './grpc-support.js';

/** The controller side: registered nodes by name, and every call it saw. */
class FakeNodeService {
  readonly nodes = new Map<string, Node__Output>();
  readonly registrations: Node__Output[] = [];
  heartbeats = 0;
  private server: grpc.Server | undefined;

  async start(port = 0): Promise<number> {
    const h = new GrpcHandlers(logger('test.controller'));
    // Only what agents call; grpc-js answers UNIMPLEMENTED for the rest (GetNode, ListNodes).
    const impl: Pick<NodeServiceHandlers, 'RegisterNode' | 'Heartbeat'> = {
      RegisterNode: h.unary('RegisterNode', async (req) => {
        const node = req.node!;
        this.registrations.push(node);
        this.nodes.set(node.name, node);
        return { node: { ...node, state: 'STATE_READY' } };
      }),
      Heartbeat: h.unary('Heartbeat', async (req) => {
        this.heartbeats++;
        if (!this.nodes.has(req.name)) throw new NotFoundError(`${req.name} is not registered`, 'NODE_NOT_FOUND');
        return {};
      }),
    };
    const server = new grpc.Server();
    server.addService(loadProtos().srv6sfc.v1.NodeService.service, impl);
    const bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    this.server = server;
    return bound;
  }

  stop(): void {
    this.server?.forceShutdown();
    this.server = undefined;
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function registration(controller: string): Registration {
  const r = new Registration(new FakeCore(), { controller, heartbeatIntervalMs: 20, callTimeoutMs: 1000, backoff: { initialMs: 10, maxMs: 50 } });
  cleanups.push(() => r.stop());
  return r;
}

describe('Registration', () => {
  it('registers the node with what the controller plans with, then heartbeats', async () => {
    const ctl = new FakeNodeService();
    const port = await ctl.start();
    cleanups.push(() => ctl.stop());
    const r = registration(`127.0.0.1:${port}`);
    r.start();
    await until(() => ctl.heartbeats >= 3, 'heartbeats');
    expect(r.registered).toBe(true);
    expect(ctl.registrations).toHaveLength(1);
    const node = ctl.registrations[0]!;
    expect(node).toMatchObject({ name: 'nodes/edge1', address: NODE.address, locator: NODE.locator, runtimes: ['netns'] });
    expect(node.features).toContainEqual({ name: 'nexthop-objects', supported: true, reason: '' });
    expect(node.features).toContainEqual({ name: 'seg6local.End.DT46', supported: false, reason: 'EOPNOTSUPP' });
  });

  it('registers again when a heartbeat answers NOT_FOUND', async () => {
    const ctl = new FakeNodeService();
    const port = await ctl.start();
    cleanups.push(() => ctl.stop());
    const r = registration(`127.0.0.1:${port}`);
    r.start();
    await until(() => ctl.heartbeats >= 1, 'a first heartbeat');
    ctl.nodes.clear(); // the controller forgets the node (lost store, node deleted)
    await until(() => ctl.registrations.length === 2, 're-registration');
    const beats = ctl.heartbeats;
    await until(() => ctl.heartbeats > beats + 1, 'heartbeats to resume');
    expect(ctl.nodes.has('nodes/edge1')).toBe(true);
  });

  it('keeps retrying while the controller is unreachable, and registers once it is up', async () => {
    // A port that was free a moment ago: nothing listens there yet.
    const probe = new FakeNodeService();
    const port = await probe.start();
    probe.stop();
    const r = registration(`127.0.0.1:${port}`);
    r.start();
    await new Promise((res) => setTimeout(res, 100)); // several failed attempts, backing off
    expect(r.registered).toBe(false);

    const ctl = new FakeNodeService();
    await ctl.start(port);
    cleanups.push(() => ctl.stop());
    await until(() => ctl.heartbeats >= 1, 'registration and a heartbeat after the controller came up');
    expect(ctl.registrations).toHaveLength(1);
  });

  it('stop ends the loop: no calls after it', async () => {
    const ctl = new FakeNodeService();
    const port = await ctl.start();
    cleanups.push(() => ctl.stop());
    const r = registration(`127.0.0.1:${port}`);
    r.start();
    await until(() => ctl.heartbeats >= 1, 'a heartbeat');
    await r.stop();
    const beats = ctl.heartbeats;
    await new Promise((res) => setTimeout(res, 80));
    expect(ctl.heartbeats).toBe(beats);
    expect(r.registered).toBe(false);
  });
});
