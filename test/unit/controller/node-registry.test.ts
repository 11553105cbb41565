import { describe, expect, it } from 'vitest';
import { NodeRegistry, type NodeEvent } from '../../../src/controller/nodes/node-registry.js';
import { MemoryStore } from '../../../src/controller/store/store.js';
import type { NodeRecord } from '../../../src/model/node.js';

const NODE: Omit<NodeRecord, 'state' | 'lastHeartbeat'> = {
  name: 'fn1',
  address: 'unix:/run/fn1.sock',
  locator: 'fc00:2::/48',
  labels: {},
  features: {} as NodeRecord['features'],
  runtimes: ['netns'],
  interfaces: ['lo', 'e0'],
  coreInterface: 'e0',
};

describe('node registry', () => {
  it('registers, heartbeats, expires to UNREACHABLE, and a heartbeat brings it back', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const reg = new NodeRegistry(new MemoryStore(), () => new Date(t));
    const events: NodeEvent['type'][] = [];
    reg.onChange((e) => events.push(e.type));
    expect((await reg.register(NODE)).state).toBe('READY');
    t += 5_000;
    await reg.heartbeat('fn1');
    t += 20_000;
    expect(await reg.expire(30_000)).toEqual([]);
    t += 20_000;
    expect((await reg.expire(30_000)).map((n) => n.name)).toEqual(['fn1']);
    expect((await reg.get('fn1')).state).toBe('UNREACHABLE');
    await reg.heartbeat('fn1');
    expect((await reg.get('fn1')).state).toBe('READY');
    expect(events).toEqual(['REGISTERED', 'UNREACHABLE', 'READY']);
  });

  it('an unknown node heartbeating gets NOT_FOUND (the agent registers again)', async () => {
    const reg = new NodeRegistry(new MemoryStore());
    await expect(reg.heartbeat('ghost')).rejects.toMatchObject({ reason: 'NODE_NOT_FOUND' });
    await expect(reg.get('ghost')).rejects.toMatchObject({ reason: 'NODE_NOT_FOUND' });
  });
});
