/**
 * NodeService on a real server: the agent's own Registration client registers and heartbeats
 * against it (and registers again when the controller forgot the node); Get and List with pages
 * and label filters; what a registration must be.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Registration } from '../../../../src/agent/grpc/registration.js';
import { nodeFromProto, listNodesResultFromProto } from '../../../../src/controller/grpc/codecs/node-codec.js';
import type { GetNodeResponse__Output } from '../../../../src/gen/srv6sfc/v1/GetNodeResponse.js';
import type { ListNodesResponse__Output } from '../../../../src/gen/srv6sfc/v1/ListNodesResponse.js';
import type { Node as NodeMsg } from '../../../../src/gen/srv6sfc/v1/Node.js';
import type { RegisterNodeResponse__Output } from '../../../../src/gen/srv6sfc/v1/RegisterNodeResponse.js';
import { FakeCore, NODE } from '../../agent/grpc-support.js';
import { type Controller, expectRpcError, startController, unary, until } from './server-support.js';

let c: Controller;
const cleanups: (() => Promise<void> | void)[] = [];
beforeEach(async () => {
  c = await startController();
});
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
  await c.close();
});

const register = (node: NodeMsg, validateOnly = false) => unary<RegisterNodeResponse__Output>((o, cb) => c.node.RegisterNode({ node, validateOnly }, o, cb));
const getNode = (name: string) => unary<GetNodeResponse__Output>((o, cb) => c.node.GetNode({ name }, o, cb));
const listNodes = (req: { pageSize?: number; pageToken?: string; filter?: string }) => unary<ListNodesResponse__Output>((o, cb) => c.node.ListNodes(req, o, cb));

describe('NodeService with the agent’s Registration', () => {
  it('registers, heartbeats, and registers again after the controller forgot the node', async () => {
    let heartbeats = 0;
    let registrations = 0;
    const heartbeat = c.nodes.heartbeat.bind(c.nodes);
    c.nodes.heartbeat = (name) => {
      heartbeats++;
      return heartbeat(name);
    };
    const registerNode = c.nodes.register.bind(c.nodes);
    c.nodes.register = (node) => {
      registrations++;
      return registerNode(node);
    };
    const agent = new Registration(new FakeCore(), { controller: c.address, heartbeatIntervalMs: 20, callTimeoutMs: 1000, backoff: { initialMs: 10, maxMs: 50 } });
    cleanups.push(() => agent.stop());
    agent.start();
    await until(() => heartbeats >= 2, 'heartbeats');
    expect(agent.registered).toBe(true);
    expect(registrations).toBe(1);

    const node = nodeFromProto((await getNode('nodes/edge1')).node);
    expect(node).toMatchObject({ name: 'edge1', address: NODE.address, locator: NODE.locator, runtimes: ['netns'], state: 'READY' });
    expect(node.features.nexthopObjects).toEqual({ ok: true });
    expect(node.features.seg6local['End.DT46']).toEqual({ ok: false, reason: 'EOPNOTSUPP' });

    // The controller loses the node (a store reset): the next heartbeat is NOT_FOUND, the agent registers again.
    await c.store.transact((s) => {
      const { edge1: _gone, ...nodes } = s.nodes;
      return { state: { ...s, nodes }, result: undefined };
    });
    const beats = heartbeats;
    await until(() => registrations === 2, 're-registration');
    await until(() => heartbeats > beats + 1, 'heartbeats to resume');
    expect((await c.nodes.get('edge1')).state).toBe('READY');
  });

  it('a heartbeat for an unknown node is NOT_FOUND (NODE_NOT_FOUND); so is GetNode', async () => {
    await expectRpcError(unary((o, cb) => c.node.Heartbeat({ name: 'nodes/ghost' }, o, cb)), 'NOT_FOUND', 'NODE_NOT_FOUND');
    await expectRpcError(getNode('nodes/ghost'), 'NOT_FOUND', 'NODE_NOT_FOUND');
    const bad = await expectRpcError(getNode('ghost'), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(bad.violations.map((v) => v.field)).toEqual(['name']);
  });
});

describe('NodeService', () => {
  const fn9: NodeMsg = {
    name: 'nodes/fn9',
    address: '10.0.0.9:7001',
    locator: 'fc00:9::/48',
    runtimes: ['netns'],
    labels: { 'srv6-sfc/role': 'host', zone: 'c' },
    interfaces: ['lo', 'e0'],
    coreInterface: 'e0',
    capacity: 0,
    state: 'STATE_UNREACHABLE', // output only: ignored
  };

  it('RegisterNode stores labels, interfaces, core interface and capacity (0 is a capacity); validate_only stores nothing', async () => {
    const dry = nodeFromProto((await register(fn9, true)).node);
    expect(dry).toMatchObject({ name: 'fn9', state: 'READY', capacity: 0 });
    await expectRpcError(getNode('nodes/fn9'), 'NOT_FOUND', 'NODE_NOT_FOUND');

    const res = await register(fn9);
    expect(res.node).toMatchObject({ name: 'nodes/fn9', state: 'STATE_READY', capacity: 0, coreInterface: 'e0', interfaces: ['lo', 'e0'] });
    expect(nodeFromProto((await getNode('nodes/fn9')).node)).toMatchObject({ labels: { 'srv6-sfc/role': 'host', zone: 'c' }, capacity: 0, coreInterface: 'e0' });
    // Registering again replaces the node (unset capacity: unbounded).
    const { capacity: _c, ...unbounded } = fn9;
    expect((await register(unbounded)).node!.capacity).toBeUndefined();
  });

  it('refuses a registration planning could not use, with every violation', async () => {
    const e = await expectRpcError(
      register({ name: 'nodes/fn.9', address: '', locator: '10.0.0.0/8', labels: { 'bad key!': 'x' }, interfaces: ['a/b'], coreInterface: 'far-too-long-interface' }),
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT',
    );
    expect(e.violations.map((v) => v.field)).toEqual(['node.name', 'node.address', 'node.locator', 'node.labels["bad key!"]', 'node.interfaces[0]', 'node.core_interface']);
    const shape = await expectRpcError(register({ address: 'x:1' }), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(shape.violations.map((v) => v.field)).toEqual(['node.name']);
  });

  it('ListNodes pages in name order and filters on labels', async () => {
    const all = listNodesResultFromProto(await listNodes({}));
    expect(all.nodes.map((n) => n.name)).toEqual(['edge1', 'edge2', 'host1', 'host2']);
    const first = await listNodes({ pageSize: 1, filter: 'labels.srv6-sfc/role=host' });
    expect(first.nodes.map((n) => n.name)).toEqual(['nodes/host1']);
    const second = await listNodes({ pageSize: 1, pageToken: first.nextPageToken, filter: 'labels.srv6-sfc/role=host' });
    expect(second.nodes.map((n) => n.name)).toEqual(['nodes/host2']);
    expect(second.nextPageToken).toBe('');
    expect((await listNodes({ filter: 'labels.zone!=a AND labels.zone:*' })).nodes.map((n) => n.name)).toEqual(['nodes/host2']);
    const e = await expectRpcError(listNodes({ pageToken: first.nextPageToken }), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(e.violations.map((v) => v.field)).toEqual(['page_token']);
  });
});
