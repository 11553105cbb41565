/**
 * The make-before-break sequencer with scripted agents: which steps push where, and the read-back
 * of new SIDs with its retries (fake-world agents always program SIDs at once; these do not).
 */
import { describe, expect, it } from 'vitest';
import type { NodeIntent } from '../../../../src/agent/intent/node-intent.js';
import type { ApplyResult, ItemResult, ObservedState } from '../../../../src/agent/reconcile/types.js';
import { type ConvergeIO, type Step, converge } from '../../../../src/controller/reconcile/converge.js';
import { NodeBook } from '../../../../src/controller/reconcile/node-book.js';
import type { ChainOutcome } from '../../../../src/controller/planning/index.js';
import type { Route } from '../../../../src/dataplane/seg6/route.js';

// ing steers web into fnB's instance, whose proxy continues to eg's decap SID.
const PLANNED: Record<string, NodeIntent> = {
  ing: { generation: 1, edgeChains: [{ chain: 'web', id: 1, dev: 'eth0', segments: ['fc00:b::1'], classifiers: [{ dst: '10.2.0.0/24' }] }] },
  fnB: {
    generation: 1,
    instances: [{ id: 'web-fw', slot: 0, legs: 2, function: { type: 'monitor' }, sids: { dx4: 'fc00:b::1' } }],
    proxies: [{ instance: 'web-fw', chain: 'web', continuation: ['fc00:c::d4'], dev: 'eth0', families: [4] }],
  },
  eg: { generation: 1, localSids: [{ sid: 'fc00:c::d4', dev: 'eth0', behavior: { action: 'End.DX4', nh4: '0.0.0.0' } }] },
};

const sidRoute = (sid: string): Route => ({ family: 6, dst: `${sid}/128`, dev: 'eth0', encap: { type: 'seg6local', behavior: { action: 'End' } } });

/** Agents that apply anything, but whose SIDs show up only from the `visibleFrom`-th read-back. */
function scripted(opts: { visibleFrom?: Record<string, number>; failItems?: Record<string, ItemResult[]>; planned?: Record<string, NodeIntent> } = {}) {
  const planned = opts.planned ?? PLANNED;
  const pushes: { node: string; step: Step; intent: NodeIntent }[] = [];
  const reads = new Map<string, number>();
  const sleeps: number[] = [];
  const io: ConvergeIO = {
    push: async (node, intent, step) => {
      pushes.push({ node, step, intent });
      return { generation: intent.generation, items: opts.failItems?.[node] ?? [], ops: { created: 1, replaced: 0, deleted: 0, unchanged: 0 } } satisfies ApplyResult;
    },
    observe: async (node) => {
      const n = (reads.get(node) ?? 0) + 1;
      reads.set(node, n);
      const mine = planned[node]!;
      const sids = n >= (opts.visibleFrom?.[node] ?? 1) ? [...(mine.instances ?? []).flatMap((i) => [i.sids.dx4!, ...(i.returnSids?.dx4 ? [i.returnSids.dx4] : [])]), ...(mine.localSids ?? []).map((l) => l.sid)] : [];
      return { generation: 1, routes: sids.map(sidRoute), nexthops: [], rules: [], instances: [], tunnelSource: '::' } satisfies ObservedState;
    },
    checkpoint: async () => undefined,
    sleep: async (ms) => void sleeps.push(ms),
  };
  return { io, pushes, reads, sleeps };
}

const input = { planned: PLANNED, outcomes: {}, reachable: () => true, owners: () => 'web' };

describe('converge', () => {
  it('targets first, then the read-back, then the switch at the ingress', async () => {
    const { io, pushes } = scripted();
    const r = await converge(input, new NodeBook(), io, { attempts: 3, delayMs: 10 });
    expect(r.blocked.size).toBe(0);
    expect(r.pushed).toEqual([
      { step: 'union', nodes: ['eg', 'fnB', 'ing'] },
      { step: 'switch', nodes: ['ing'] },
      { step: 'final', nodes: [] },
    ]);
    expect(pushes.find((p) => p.node === 'ing' && p.step === 'union')!.intent.edgeChains).toBeUndefined();
    expect(pushes.find((p) => p.node === 'ing' && p.step === 'switch')!.intent).toBe(PLANNED.ing);
  });

  it('reads back again with a doubling delay until the SIDs show up', async () => {
    const { io, reads, sleeps } = scripted({ visibleFrom: { fnB: 3 } });
    const r = await converge(input, new NodeBook(), io, { attempts: 3, delayMs: 10 });
    expect(r.blocked.size).toBe(0);
    expect(reads.get('fnB')).toBe(3);
    expect(reads.get('eg')).toBe(1); // a node whose SIDs are there is not read again
    expect(sleeps).toEqual([10, 20]);
  });

  it('a SID that never shows up: WaitingForSids, and the ingress is not switched', async () => {
    const { io, pushes } = scripted({ visibleFrom: { fnB: 99 } });
    const book = new NodeBook();
    const r = await converge(input, book, io, { attempts: 3, delayMs: 10 });
    expect(r.blocked.get('web')).toEqual({ reason: 'WaitingForSids', message: 'not programmed yet: fc00:b::1 on fnB' });
    expect(pushes.filter((p) => p.node === 'ing').map((p) => p.step)).toEqual(['union']);
    expect(book.holds('ing')?.edgeChains).toBeUndefined();
  });

  it('a failed new item blocks its chain with the reason mapped from the agent', async () => {
    const fail: ItemResult = { kind: 'instance', key: 'web-fw', ok: false, reason: 'RUNTIME_FAILED', message: 'no memory' };
    const { io } = scripted({ failItems: { fnB: [fail] } });
    const r = await converge(input, new NodeBook(), io, { attempts: 1, delayMs: 10 });
    expect(r.blocked.get('web')).toEqual({ reason: 'SpawnFailed', message: 'fnB: instance web-fw: RUNTIME_FAILED: no memory' });
  });

  it('a node that is not READY is not called; chains that need it wait', async () => {
    const { io, pushes } = scripted();
    const r = await converge({ ...input, reachable: (n) => n !== 'eg' }, new NodeBook(), io, { attempts: 1, delayMs: 10 });
    expect(r.blocked.get('web')?.reason).toBe('NodeUnreachable');
    expect(pushes.some((p) => p.node === 'eg')).toBe(false);
    expect(pushes.some((p) => p.node === 'ing' && p.step === 'switch')).toBe(false);
  });

  it('nothing to do once every node confirmed its planned intent', async () => {
    const { io, pushes } = scripted();
    const book = new NodeBook();
    await converge(input, book, io, { attempts: 1, delayMs: 10 });
    pushes.length = 0;
    const r = await converge(input, book, io, { attempts: 1, delayMs: 10 });
    expect(pushes).toEqual([]);
    expect(r.pushed.every((p) => p.nodes.length === 0)).toBe(true);
  });

  describe('a NAT return path', () => {
    // eg steers replies to fnB's return SID; fnB's reverse list ends at ing's decap SID.
    const planned: Record<string, NodeIntent> = {
      ing: { ...PLANNED.ing!, localSids: [{ sid: 'fc00:a::d4', dev: 'eth0', behavior: { action: 'End.DX4', nh4: '0.0.0.0' } }] },
      fnB: {
        generation: 1,
        instances: [{ ...PLANNED.fnB!.instances![0]!, function: { type: 'nat', config: { mode: 'snat', toAddress: '203.0.113.1' } }, returnSids: { dx4: 'fc00:b::2' } }],
        proxies: [{ ...PLANNED.fnB!.proxies![0]!, reverse: { ipv4: ['fc00:a::d4'] } }],
      },
      eg: { ...PLANNED.eg!, edgeChains: [{ chain: 'web', direction: 'return', id: 1, dev: 'eth0', segments: ['fc00:b::2'], classifiers: [{ dst: '203.0.113.1' }] }] },
    };
    const ret = { ...input, planned };

    it('the egress switches to it once the return SID and the ingress decap SID were read back', async () => {
      const { io, pushes } = scripted({ planned });
      const r = await converge(ret, new NodeBook(), io, { attempts: 3, delayMs: 10 });
      expect(r.blocked.size).toBe(0);
      expect(pushes.find((p) => p.node === 'eg' && p.step === 'union')!.intent.edgeChains).toBeUndefined();
      expect(pushes.find((p) => p.node === 'eg' && p.step === 'switch')!.intent).toBe(planned.eg);
    });

    it('a return SID that never shows up holds the chain, and the egress steers nothing to it', async () => {
      const { io, pushes } = scripted({ planned, visibleFrom: { fnB: 99 } });
      const book = new NodeBook();
      const r = await converge(ret, book, io, { attempts: 2, delayMs: 10 });
      expect(r.blocked.get('web')).toMatchObject({ reason: 'WaitingForSids' });
      expect(r.blocked.get('web')!.message).toContain('fc00:b::2 on fnB');
      expect(pushes.filter((p) => p.node === 'eg').map((p) => p.step)).toEqual(['union']);
      expect(book.holds('eg')?.edgeChains).toBeUndefined();
    });
  });
});

describe('converge: a reorder over two function nodes', () => {
  // [a@A, b@B, c@A, d@B] → [d, c, b, a]; eg holds the decap SID E.
  const S = { a: 'fc00:a::a', b: 'fc00:b::b', c: 'fc00:a::c', d: 'fc00:b::d', E: 'fc00:e::e' };
  const inst = (f: 'a' | 'b' | 'c' | 'd', slot: number) => ({ id: `web-${f}`, slot, legs: 2 as const, function: { type: 'monitor' as const }, sids: { dx4: S[f] } });
  const px = (f: string, next: string) => ({ instance: `web-${f}`, chain: 'web', continuation: [next], dev: 'eth0', families: [4 as const] });
  const edge = (first: string) => ({ chain: 'web', id: 1, dev: 'eth0', segments: [first], classifiers: [{ dst: '10.2.0.0/24' }] });
  const decap = { generation: 1, localSids: [{ sid: S.E, dev: 'eth0', behavior: { action: 'End.DX4' as const, nh4: '0.0.0.0' } }] };
  const held: Record<string, NodeIntent> = {
    ing: { generation: 1, edgeChains: [edge(S.a)] },
    A: { generation: 1, instances: [inst('a', 0), inst('c', 1)], proxies: [px('a', S.b), px('c', S.d)] },
    B: { generation: 1, instances: [inst('b', 0), inst('d', 1)], proxies: [px('b', S.c), px('d', S.E)] },
    eg: decap,
  };
  const planned: Record<string, NodeIntent> = {
    ing: { generation: 2, edgeChains: [edge(S.d)] },
    A: { generation: 2, instances: [inst('a', 0), inst('c', 1)], proxies: [px('a', S.E), px('c', S.b)] },
    B: { generation: 2, instances: [inst('b', 0), inst('d', 1)], proxies: [px('b', S.a), px('d', S.c)] },
    eg: decap,
  };
  const order = (['d', 'c', 'b', 'a'] as const).map((f) => ({ function: f, node: f === 'a' || f === 'c' ? 'A' : 'B', id: `web-${f}`, sids: { dx4: S[f] }, slot: 0, sticky: true, proxy: 'static' as const }));
  const outcomes: Record<string, ChainOutcome> = {
    web: {
      ok: true,
      plan: { chain: 'web', ingress: { node: 'ing', chainId: 1 }, egress: { node: 'eg', decap: 'dx', sids: { 4: S.E } }, families: [4], segments: { ipv4: [S.d] }, path: { ipv4: [S.d, S.c, S.b, S.a, S.E] }, instances: order, retired: [] },
    },
  };
  const book = () => {
    const b = new NodeBook();
    for (const [n, i] of Object.entries(held)) b.acked(n, i, { generation: i.generation, items: [], ops: { created: 0, replaced: 0, deleted: 0, unchanged: 0 } });
    return b;
  };
  const next = (i: NodeIntent) => Object.fromEntries((i.proxies ?? []).map((p) => [p.instance.slice(4), Object.entries(S).find(([, v]) => v === p.continuation![0])![0]]));

  it('one node per round, the last function of the new order first; intermediate intents keep what is not due', async () => {
    const { io, pushes } = scripted({ planned });
    const r = await converge({ planned, outcomes, reachable: () => true, owners: () => 'web' }, book(), io, { attempts: 1, delayMs: 1 });
    expect(r.blocked.size).toBe(0);
    expect(r.pushed).toEqual([
      { step: 'union', nodes: [] },
      { step: 'proxies', nodes: ['A'] },
      { step: 'proxies', nodes: ['B'] },
      { step: 'proxies', nodes: ['A'] },
      { step: 'proxies', nodes: ['B'] },
      { step: 'switch', nodes: ['ing'] },
      { step: 'final', nodes: [] }, // A and B took the planned generation with their rounds
    ]);
    expect(pushes.filter((p) => p.step === 'proxies').map((p) => [p.node, next(p.intent), p.intent.generation])).toEqual([
      ['A', { a: 'E', c: 'd' }, 2],
      ['B', { b: 'a', d: 'E' }, 2],
      ['A', { a: 'E', c: 'b' }, 2],
      ['B', { b: 'a', d: 'c' }, 2],
    ]);
    expect(pushes.find((p) => p.step === 'switch')!.intent).toBe(planned.ing);
  });

  it('an item that fails in a round blocks the chain there: no further round, the ingress keeps its path', async () => {
    const base = scripted({ planned });
    let calls = 0;
    const io: ConvergeIO = {
      ...base.io,
      push: async (node, intent, step) => {
        const r = await base.io.push(node, intent, step);
        if (node !== 'B' || ++calls > 1) return r;
        return { ...r, items: [{ kind: 'proxy', key: 'web-b/web', ok: false, reason: 'KERNEL_REFUSED', message: 'ENOMEM' }] };
      },
    };
    const r = await converge({ planned, outcomes, reachable: () => true, owners: () => 'web' }, book(), io, { attempts: 1, delayMs: 1 });
    expect(r.blocked.get('web')).toMatchObject({ reason: 'ApplyFailed' });
    expect(r.pushed.filter((p) => p.step === 'proxies')).toEqual([
      { step: 'proxies', nodes: ['A'] },
      { step: 'proxies', nodes: ['B'] },
    ]);
    expect(base.pushes.some((p) => p.node === 'ing' && p.intent.edgeChains?.[0]?.segments[0] === S.d)).toBe(false);
    // What A and B hold at the end is the prefix of the sequence: a → E, b → a; c and d unchanged.
    const last = (n: string) => base.pushes.filter((p) => p.node === n).at(-1)!.intent;
    expect([next(last('A')), next(last('B'))]).toEqual([
      { a: 'E', c: 'd' },
      { b: 'a', d: 'E' },
    ]);
  });

  it('without a plan for the chain (nothing to order by), the continuations move with the switch step', async () => {
    const { io } = scripted({ planned });
    const r = await converge({ planned, outcomes: {}, reachable: () => true, owners: () => 'web' }, book(), io, { attempts: 1, delayMs: 1 });
    expect(r.pushed.map((p) => p.step)).toEqual(['union', 'switch', 'final']);
  });
});
