import { describe, expect, it } from 'vitest';
import type { InstanceSpec, NodeIntent, ProxySpec } from '../../../../src/agent/intent/node-intent.js';
import { chainPointedSids, chainsWithChangedPointers, pointedSids, sameIntent, transitionIntent, unionIntent } from '../../../../src/controller/reconcile/intent-transition.js';
import { readSlot } from '../../../../src/controller/reconcile/state-slot.js';

const inst = (id: string, slot: number, sid: string, config: Record<string, unknown> = {}): InstanceSpec => ({
  id,
  slot,
  legs: 2,
  function: { type: 'monitor', config } as InstanceSpec['function'],
  sids: { dx4: sid },
});
const proxy = (instance: string, chain: string, next: string): ProxySpec => ({ instance, chain, continuation: [next], dev: 'eth0', families: [4] });
const edge = (chain: string, first: string) => ({ chain, id: 1, dev: 'eth0', segments: [first], classifiers: [{ dst: '10.2.0.0/24' }] });

// A node hosting web's fw and serving as web's ingress; web's fw moves away and nat arrives.
const CURRENT: NodeIntent = {
  generation: 3,
  tunnelSource: 'fc00:a::1',
  edgeChains: [edge('web', 'fc00:a::1:0'), edge('old', 'fc00:a::9:0')],
  localSids: [{ sid: 'fc00:a::d4', dev: 'eth0', behavior: { action: 'End.DX4', nh4: '0.0.0.0' } }],
  instances: [inst('web-fw', 0, 'fc00:a::1:0'), inst('web-mon', 1, 'fc00:a::2:0')],
  proxies: [proxy('web-fw', 'web', 'fc00:a::2:0'), proxy('web-mon', 'web', 'fc00:b::d4')],
};
const NEXT: NodeIntent = {
  generation: 4,
  tunnelSource: 'fc00:a::1',
  edgeChains: [edge('web', 'fc00:a::3:0'), edge('new', 'fc00:a::5:0')],
  instances: [inst('web-mon', 1, 'fc00:a::2:0', { v: 2 }), inst('web-nat', 2, 'fc00:a::3:0')],
  proxies: [proxy('web-mon', 'web', 'fc00:b::d4'), proxy('web-nat', 'web', 'fc00:a::2:0')],
};
const owners: Record<string, string> = { 'web-fw': 'web', 'web-mon': 'web', 'web-nat': 'web' };
const chainOfInstance = (id: string) => owners[id];
const ids = (i: NodeIntent) => (i.instances ?? []).map((x) => x.id).sort();

describe('unionIntent (make)', () => {
  it('keeps old instances, proxies and SIDs, adds new ones, and the new version wins for the same key', () => {
    const u = unionIntent(CURRENT, NEXT, chainOfInstance);
    expect(u.generation).toBe(4);
    expect(ids(u)).toEqual(['web-fw', 'web-mon', 'web-nat']);
    expect(u.instances!.find((i) => i.id === 'web-mon')!.function).toEqual({ type: 'monitor', config: { v: 2 } }); // reconfigured in place
    expect(u.localSids).toEqual(CURRENT.localSids);
    expect(u.proxies!.map((p) => `${p.instance}→${p.continuation![0]}`).sort()).toEqual(['web-fw→fc00:a::2:0', 'web-mon→fc00:b::d4', 'web-nat→fc00:a::2:0']);
  });

  it('moves no pointer: edge chains stay as they are, a new chain gets none yet', () => {
    const u = unionIntent(CURRENT, NEXT, chainOfInstance);
    expect(u.edgeChains).toEqual(CURRENT.edgeChains);
  });

  it('a changed proxy continuation keeps its current version until its chain switches', () => {
    const next = { ...NEXT, proxies: [proxy('web-mon', 'web', 'fc00:c::d4')] };
    expect(unionIntent(CURRENT, next).proxies!.find((p) => p.instance === 'web-mon')!.continuation).toEqual(['fc00:b::d4']);
  });

  it('a node that holds nothing gets the targets only', () => {
    const u = unionIntent(undefined, NEXT);
    expect(ids(u)).toEqual(['web-mon', 'web-nat']);
    expect(u.edgeChains).toBeUndefined();
    expect(u.proxies).toEqual(NEXT.proxies); // new proxies of new instances: nothing points at them yet
  });

  it('is `next` itself when the node already holds it (callers compare by identity first)', () => {
    expect(unionIntent(NEXT, NEXT)).toBe(NEXT);
    expect(unionIntent({ ...NEXT, generation: 1 }, NEXT)).toBe(NEXT);
  });
});

describe('transitionIntent (switch, final)', () => {
  it('switch: pointers of switched chains take the new version, others keep theirs; nothing is removed', () => {
    const s = transitionIntent(CURRENT, NEXT, { switched: (c) => c === 'web' || c === 'old', prune: false, chainOfInstance });
    expect(s.edgeChains!.map((e) => [e.chain, e.segments[0]])).toEqual([['web', 'fc00:a::3:0']]); // `old` was deleted; `new` is not switched
    expect(ids(s)).toEqual(['web-fw', 'web-mon', 'web-nat']);
    expect(s.localSids).toEqual(CURRENT.localSids);
  });

  it('final: everything superseded goes, and the result is `next` itself', () => {
    const f = transitionIntent(CURRENT, NEXT, { switched: () => true, prune: true, chainOfInstance });
    expect(f).toBe(NEXT);
  });

  it('final with a blocked chain: its old pointers, instances, proxies and the SIDs it points at stay', () => {
    const f = transitionIntent(CURRENT, NEXT, { switched: (c) => c !== 'web', prune: true, chainOfInstance, referencedSids: new Set(['fc00:a::d4']) });
    expect(f.edgeChains!.map((e) => [e.chain, e.segments[0]])).toEqual([
      ['web', 'fc00:a::1:0'],
      ['new', 'fc00:a::5:0'],
    ]);
    expect(ids(f)).toEqual(['web-fw', 'web-mon', 'web-nat']);
    expect(f.proxies!.map((p) => p.instance).sort()).toEqual(['web-fw', 'web-mon', 'web-nat']);
    expect(f.localSids).toEqual(CURRENT.localSids);
  });

  it('early: pointers of an unswitched chain that are due take the new version, the others stay (a reorder\'s ordered rounds)', () => {
    const cur: NodeIntent = { generation: 1, edgeChains: [edge('web', 'fc00:a::1:0')], proxies: [proxy('web-fw', 'web', 'fc00:a::2:0'), proxy('web-mon', 'web', 'fc00:b::d4')] };
    const nxt: NodeIntent = {
      generation: 2,
      edgeChains: [edge('web', 'fc00:a::2:0')],
      proxies: [proxy('web-fw', 'web', 'fc00:b::d4'), { ...proxy('web-mon', 'web', 'fc00:a::1:0'), reverse: { ipv4: ['fc00:c::d4'] } }],
    };
    const due = { 'web-fw': { continuation: true, reverse: false }, 'web-mon': { continuation: false, reverse: true } };
    const s = transitionIntent(cur, nxt, { switched: () => false, prune: false, chainOfInstance, early: (p) => due[p.instance as 'web-fw'] });
    expect(s.generation).toBe(2);
    expect(s.edgeChains).toEqual(cur.edgeChains); // the ingress moves in the switch step
    expect(s.proxies).toEqual([proxy('web-fw', 'web', 'fc00:b::d4'), { ...proxy('web-mon', 'web', 'fc00:b::d4'), reverse: { ipv4: ['fc00:c::d4'] } }]);
    expect(transitionIntent(cur, nxt, { switched: () => false, prune: false, chainOfInstance, early: () => undefined }).proxies).toEqual(cur.proxies);
  });

  it('an instance of no known chain is garbage on prune; its proxy names the chain when the allocations forgot it', () => {
    const cur: NodeIntent = { generation: 1, instances: [inst('stray', 5, 'fc00:a::7:0'), inst('kept', 6, 'fc00:a::8:0')], proxies: [proxy('kept', 'blocked', 'fc00:b::d4')] };
    const f = transitionIntent(cur, { generation: 2 }, { switched: (c) => c !== 'blocked', prune: true });
    expect(ids(f)).toEqual(['kept']);
    expect(f.proxies!.map((p) => p.instance)).toEqual(['kept']);
  });
});

describe('comparing intents', () => {
  it('sameIntent ignores item order, and the generation unless asked', () => {
    const shuffled = { ...NEXT, generation: 9, instances: [...NEXT.instances!].reverse(), proxies: [...NEXT.proxies!].reverse() };
    expect(sameIntent(NEXT, shuffled, { generation: false })).toBe(true);
    expect(sameIntent(NEXT, shuffled, { generation: true })).toBe(false);
    expect(sameIntent(NEXT, { ...NEXT, tunnelSource: 'fc00:a::2' }, { generation: false })).toBe(false);
    expect(sameIntent(undefined, NEXT, { generation: false })).toBe(false);
  });

  it('chainsWithChangedPointers and pointedSids', () => {
    expect([...chainsWithChangedPointers(CURRENT, NEXT)].sort()).toEqual(['new', 'old', 'web']);
    expect(chainsWithChangedPointers(NEXT, NEXT).size).toBe(0);
    expect(pointedSids(NEXT, (c) => c === 'web').sort()).toEqual(['fc00:a::2:0', 'fc00:a::3:0', 'fc00:b::d4']);
    expect(chainPointedSids(NEXT, 'web').sort()).toEqual(['fc00:a::2:0', 'fc00:a::3:0', 'fc00:b::d4']);
  });
});

describe('a NAT return path (the node is the chain\'s ingress and its egress)', () => {
  const ret = { chain: 'web', direction: 'return' as const, id: 2, dev: 'eth0', segments: ['fc00:a::4:0'], classifiers: [{ dst: '203.0.113.1' }] };
  const nat: InstanceSpec = { ...inst('web-nat', 2, 'fc00:a::3:0'), returnSids: { dx4: 'fc00:a::4:0' } };
  const cur: NodeIntent = { generation: 1, edgeChains: [edge('web', 'fc00:a::3:0')], instances: [inst('web-nat', 2, 'fc00:a::3:0')], proxies: [proxy('web-nat', 'web', 'fc00:b::d4')] };
  const next: NodeIntent = {
    generation: 2,
    edgeChains: [edge('web', 'fc00:a::3:0'), ret],
    instances: [nat],
    proxies: [{ ...proxy('web-nat', 'web', 'fc00:b::d4'), reverse: { ipv4: ['fc00:a::d4'] } }],
    localSids: [{ sid: 'fc00:a::d4', dev: 'eth0', behavior: { action: 'End.DX4', nh4: '0.0.0.0' } }],
  };

  it('the return edge chain is a pointer of its own: absent until the chain switches, then beside the forward one', () => {
    const u = unionIntent(cur, next, chainOfInstance);
    expect(u.edgeChains).toEqual(cur.edgeChains);
    expect(u.instances).toEqual([nat]); // the return SID is a target: it comes first
    const s = transitionIntent(cur, next, { switched: () => true, prune: false, chainOfInstance });
    expect(s.edgeChains).toEqual(next.edgeChains);
    expect(sameIntent(s, { ...next, edgeChains: [edge('web', 'fc00:a::3:0')] }, { generation: false })).toBe(false);
  });

  it('an instance that loses its return SID keeps it until the final step (the egress may still steer to it)', () => {
    const back: NodeIntent = { ...cur, generation: 3 };
    const u = unionIntent(next, back, chainOfInstance);
    expect(u.instances).toEqual([nat]);
    expect(transitionIntent(next, back, { switched: () => true, prune: false, chainOfInstance }).instances).toEqual([nat]);
    expect(transitionIntent(next, back, { switched: () => false, prune: true, chainOfInstance }).instances).toEqual([nat]); // blocked
    expect(transitionIntent(next, back, { switched: () => true, prune: true, chainOfInstance })).toBe(back);
  });

  it('a reverse list that goes away stays through the switch and goes in the final step', () => {
    const back: NodeIntent = { ...cur, generation: 3 };
    const s = transitionIntent(next, back, { switched: () => true, prune: false, chainOfInstance });
    expect(s.proxies).toEqual(next.proxies); // the egress may still steer replies into the NAT
    expect(transitionIntent(next, back, { switched: () => true, prune: true, chainOfInstance }).proxies).toEqual(back.proxies);
  });

  it('its pointers aim at the return SID and, through the reverse list, at the decap SID', () => {
    expect([...chainsWithChangedPointers(cur, next)]).toEqual(['web']);
    expect(chainPointedSids(next, 'web').sort()).toEqual(['fc00:a::3:0', 'fc00:a::4:0', 'fc00:a::d4', 'fc00:b::d4']);
    expect(pointedSids(next, (c) => c === 'web').sort()).toEqual(['fc00:a::3:0', 'fc00:a::4:0', 'fc00:a::d4', 'fc00:b::d4']);
  });
});

describe('state slot', () => {
  it('reads what the reconciler stored, and anything else as a fresh start', () => {
    expect(readSlot(undefined)).toEqual({ intents: {}, applied: {} });
    expect(readSlot({ allocations: 'x', intents: [] })).toEqual({ intents: {}, applied: {} });
    const slot = { allocations: { nodes: {} }, intents: { a: NEXT }, applied: { a: CURRENT } };
    expect(readSlot(JSON.parse(JSON.stringify(slot)))).toEqual(slot);
  });
});
