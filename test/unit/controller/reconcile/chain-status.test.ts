import { describe, expect, it } from 'vitest';
import type { NodeIntent } from '../../../../src/agent/intent/node-intent.js';
import { chainsOfItem, failuresByChain } from '../../../../src/controller/reconcile/item-failures.js';
import { type NodeFacts, chainStatus, needsRetry } from '../../../../src/controller/reconcile/chain-status.js';
import { readyFrom, stampConditions } from '../../../../src/controller/reconcile/conditions.js';
import type { ChainOutcome, ChainPlan } from '../../../../src/controller/planning/index.js';
import type { ChainStatus } from '../../../../src/model/chain.js';

const EMPTY: ChainStatus = { observedGeneration: 0, conditions: [], segments: {}, instances: [] };

const PLAN: ChainPlan = {
  chain: 'web',
  ingress: { node: 'edge1', chainId: 1 },
  egress: { node: 'edge2', decap: 'dx', sids: { 4: 'fc00:2:0:1::' } },
  families: [4],
  segments: { ipv4: ['fc00:a:0:1::'] },
  path: { ipv4: ['fc00:a:0:1::', 'fc00:2:0:1::'] },
  instances: [{ function: 'fw', node: 'fn1', id: 'web-fw', sids: { dx4: 'fc00:a:0:1::' }, slot: 0, sticky: false, proxy: 'static' }],
  retired: [],
};
const INTENTS: Record<string, NodeIntent> = {
  edge1: { generation: 1, edgeChains: [{ chain: 'web', id: 1, dev: 'eth0', segments: ['fc00:a:0:1::'], classifiers: [{ dst: '10.2.0.0/24' }] }] },
  fn1: {
    generation: 1,
    instances: [{ id: 'web-fw', slot: 0, legs: 2, function: { type: 'monitor' }, sids: { dx4: 'fc00:a:0:1::' } }],
    proxies: [{ instance: 'web-fw', chain: 'web', continuation: ['fc00:2:0:1::'], dev: 'eth0', families: [4] }],
  },
  edge2: { generation: 1, localSids: [{ sid: 'fc00:2:0:1::', dev: 'eth0', behavior: { action: 'End.DX4', nh4: '0.0.0.0' } }] },
};
const OK: ChainOutcome = { ok: true, plan: PLAN };

/** Every node holds its planned intent, READY, no failure; `patch` changes one node's facts. */
const facts =
  (patch: Record<string, Partial<NodeFacts>> = {}) =>
  (n: string): NodeFacts => ({
    state: 'READY',
    view: { holds: INTENTS[n], confirmed: true, failures: [] },
    planned: INTENTS[n],
    ...patch[n],
  });

const status = (node = facts(), outcome: ChainOutcome = OK, prev = EMPTY, now = 't1') => chainStatus({ chain: { name: 'web', generation: 2, status: prev }, outcome, node, now });
const summary = (s: ChainStatus) => Object.fromEntries(s.conditions.map((c) => [c.type, `${c.status}/${c.reason}`]));

describe('chain status', () => {
  it('all True when every node holds the chain; segments and instances from the plan', () => {
    const s = status();
    expect(summary(s)).toEqual({ Placed: 'True/Placed', InstancesReady: 'True/InstancesRunning', Programmed: 'True/Programmed', Ready: 'True/Ready' });
    expect(s.observedGeneration).toBe(2);
    expect(s.segments).toEqual({ ipv4: ['fc00:a:0:1::'] });
    expect(s.instances).toEqual([{ function: 'fw', node: 'fn1', id: 'web-fw', sids: { dx4: 'fc00:a:0:1::' }, proxy: 'static' }]);
    expect(needsRetry(s)).toBe(false);
  });

  it('reasons: unreachable node, failed spawn, refused edge chain, a node not there yet', () => {
    expect(summary(status(facts({ edge2: { state: 'UNREACHABLE' } }))).Ready).toBe('False/NodeUnreachable');
    const spawn = status(facts({ fn1: { view: { holds: INTENTS.fn1, confirmed: true, failures: [{ kind: 'instance', key: 'web-fw', ok: false, reason: 'RUNTIME_FAILED', message: 'boom' }] } } }));
    expect(summary(spawn)).toMatchObject({ InstancesReady: 'False/SpawnFailed', Ready: 'False/SpawnFailed' });
    const refused = status(facts({ edge1: { view: { holds: INTENTS.edge1, confirmed: true, failures: [{ kind: 'edgeChain', key: 'web', ok: false, reason: 'CONFLICT', message: 'overlaps' }] } } }));
    expect(summary(refused).Programmed).toBe('False/ApplyFailed');
    expect(refused.conditions.find((c) => c.type === 'Programmed')!.message).toBe('edge1: edgeChain web: CONFLICT: overlaps');
    expect(summary(status(facts({ edge1: { view: { confirmed: false, failures: [] } } }))).Programmed).toBe('False/Pending');
    expect(needsRetry(status(facts({ edge2: { state: 'UNREACHABLE' } })))).toBe(true);
  });

  it('a chain that cannot be placed: Placed False with planning reason, not retried; a held chain keeps its facts', () => {
    const failed: ChainOutcome = { ok: false, failure: { reason: 'NoNodeFits', message: 'no node has runtime netns', field: 'spec.functions[0]' }, held: true };
    const prev = status();
    const s = status(facts(), failed, prev, 't2');
    expect(summary(s)).toEqual({ Placed: 'False/NoNodeFits', InstancesReady: 'Unknown/NotPlaced', Programmed: 'False/LastGoodStateKept', Ready: 'False/NoNodeFits' });
    expect(s.conditions.find((c) => c.type === 'Placed')!.message).toBe('spec.functions[0]: no node has runtime netns');
    expect(s.segments).toEqual(prev.segments);
    expect(needsRetry(s)).toBe(false);
  });

  it('packets: from the last observation, else the last reported count', () => {
    const observed = facts({ fn1: { view: { holds: INTENTS.fn1, confirmed: true, failures: [], observation: { generation: 1, instances: new Map(), sids: new Set(), packets: new Map([['fc00:a:0:1::', 7n]]) } } } });
    const s = status(observed);
    expect(s.instances[0]!.packets).toBe(7n);
    expect(status(facts(), OK, s).instances[0]!.packets).toBe(7n);
  });
});

describe('conditions', () => {
  it('lastTransitionTime moves only when the status flips; reason and message may change meanwhile', () => {
    const a = stampConditions([], [{ type: 'Ready', status: 'False', reason: 'Pending', message: 'x' }], 1, 't1');
    const b = stampConditions(a, [{ type: 'Ready', status: 'False', reason: 'NodeUnreachable', message: 'y' }], 2, 't2');
    expect(b[0]).toMatchObject({ reason: 'NodeUnreachable', lastTransitionTime: 't1', observedGeneration: 2 });
    const c = stampConditions(b, [{ type: 'Ready', status: 'True', reason: 'Ready', message: '' }], 2, 't3');
    expect(c[0]!.lastTransitionTime).toBe('t3');
  });

  it('Ready takes the first condition that is not True', () => {
    expect(
      readyFrom([
        { type: 'Placed', status: 'True', reason: 'Placed', message: '' },
        { type: 'InstancesReady', status: 'False', reason: 'SpawnFailed', message: 'm' },
        { type: 'Programmed', status: 'False', reason: 'Pending', message: 'p' },
      ]),
    ).toEqual({ type: 'Ready', status: 'False', reason: 'SpawnFailed', message: 'm' });
  });
});

describe('item failures map back to chains', () => {
  const intent: NodeIntent = {
    generation: 1,
    edgeChains: [{ chain: 'web', id: 1, dev: 'eth0', segments: ['fc00:a::1'], classifiers: [{ dst: '10.0.0.0/8' }] }],
    proxies: [
      { instance: 'web-fw', chain: 'web', continuation: ['fc00:b::1'], dev: 'eth0' },
      { instance: 'db-fw', chain: 'db', continuation: ['fc00:b::1'], dev: 'eth0' },
    ],
  };
  const ctx = { node: 'n', intent, ownerOf: (id: string) => (id === 'x1' ? 'app' : undefined), sidUsers: new Map([['n|fc00:b::1', ['web', 'db']]]) };
  it.each([
    ['edgeChain', 'web', ['web']],
    ['instance', 'x1', ['app']],
    ['instance', 'db-fw', ['db']], // unknown to the allocations: its proxy says
    ['proxy', 'web-fw/web', ['web']],
    ['proxy', 'leg-space', ['web', 'db']],
    ['localSid', 'fc00:b::1', ['web', 'db']],
    ['edge', 'edge', ['web']],
  ] as const)('%s %s → %j', (kind, key, chains) => {
    expect(chainsOfItem({ kind, key }, ctx)).toEqual(chains);
  });

  it('groups failed items per chain and skips the ones that worked', () => {
    const m = failuresByChain(
      [
        { kind: 'localSid', key: 'fc00:b::1', ok: false, reason: 'KERNEL_REFUSED' },
        { kind: 'edgeChain', key: 'web', ok: true },
      ],
      ctx,
    );
    expect([...m.keys()]).toEqual(['web', 'db']);
  });
});
