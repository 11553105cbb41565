/**
 * The make-before-break sequencer with scripted agents: which steps push where, and the read-back
 * of new SIDs with its retries (fake-world agents always program SIDs at once; these do not).
 */
import { describe, expect, it } from 'vitest';
import type { NodeIntent } from '../../../../src/agent/intent/node-intent.js';
import type { ApplyResult, ItemResult, ObservedState } from '../../../../src/agent/reconcile/types.js';
import { type ConvergeIO, type Step, converge } from '../../../../src/controller/reconcile/converge.js';
import { NodeBook } from '../../../../src/controller/reconcile/node-book.js';
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
