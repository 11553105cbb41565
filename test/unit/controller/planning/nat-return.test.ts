/** NAT return paths (planning/nat-return.ts): what planning adds for `nat` functions in `snat` mode. */
import { describe, expect, it } from 'vitest';
import type { NodeIntent } from '../../../../src/agent/intent/node-intent.js';
import { planNode } from '../../../../src/agent/plan/plan-node.js';
import { plan } from '../../../../src/controller/planning/plan.js';
import type { ChainPlan, PlanOutput } from '../../../../src/controller/planning/types.js';
import type { ChainFunction } from '../../../../src/model/chain.js';
import type { NodeRecord } from '../../../../src/model/node.js';
import { chain, edge, fn, node } from './fixtures.js';

/** edge1 (ingress) — fn1 (functions) — edge2 (egress). */
const NODES: NodeRecord[] = [edge('edge1', 'fc00:1::/48'), node('fn1', 'fc00:2::/48'), edge('edge2', 'fc00:3::/48')];

const snat = (name: string, toAddress: string, extra: Partial<ChainFunction> = {}): ChainFunction => fn(name, { type: 'nat', config: { mode: 'snat', toAddress }, ...extra });
const FIREWALL = { rules: [{ action: 'drop', protocol: 'tcp', dstPorts: [{ start: 23, end: 23 }] }] } as const;
const FW = fn('fw', { type: 'firewall', config: FIREWALL });
const WEB = chain('web', [FW, snat('nat', '203.0.113.1'), fn('mon')]);

function expectAgentAccepts(out: PlanOutput, nodes: readonly NodeRecord[]): void {
  for (const n of nodes) {
    const p = planNode(out.intents[n.name]!, { locator: n.locator, links: new Set(n.interfaces) });
    expect(p.rejected, n.name).toEqual([]);
  }
}

const planOf = (out: PlanOutput, c: string): ChainPlan => {
  const r = out.chains[c]!;
  if (!r.ok) throw new Error(`chain ${c} failed: ${r.failure.message}`);
  return r.plan;
};

describe('a chain with a snat function', () => {
  it('gets a return SID into the NAT, a reverse proxy to the ingress, a return edge chain at the egress (golden)', () => {
    const out = plan({ chains: [WEB], nodes: NODES });
    expect(out.intents).toEqual({
      edge1: {
        generation: 1,
        tunnelSource: 'fc00:1::1',
        edgeChains: [{ chain: 'web', id: 1, dev: 'eth0', segments: ['fc00:2:0:1::'], classifiers: [{ dst: '10.2.0.0/24' }] }],
        // the replies end here: decapsulate, route to the client
        localSids: [{ sid: 'fc00:1:0:1::', behavior: { action: 'End.DX4', nh4: '0.0.0.0' }, dev: 'eth0' }],
      },
      fn1: {
        generation: 1,
        tunnelSource: 'fc00:2::1',
        instances: [
          { id: 'web-fw', function: { type: 'firewall', config: FIREWALL }, slot: 0, legs: 2, sids: { dx4: 'fc00:2:0:1::' } },
          { id: 'web-mon', function: { type: 'monitor' }, slot: 2, legs: 2, sids: { dx4: 'fc00:2:0:3::' } },
          // the return SID leads into the NAT's out leg
          { id: 'web-nat', function: { type: 'nat', config: { mode: 'snat', toAddress: '203.0.113.1' } }, slot: 1, legs: 2, sids: { dx4: 'fc00:2:0:2::' }, returnSids: { dx4: 'fc00:2:0:4::' } },
        ],
        proxies: [
          { instance: 'web-fw', chain: 'web', continuation: ['fc00:2:0:2::'], dev: 'eth0', families: [4] },
          { instance: 'web-mon', chain: 'web', continuation: ['fc00:3:0:1::'], dev: 'eth0', families: [4] },
          { instance: 'web-nat', chain: 'web', continuation: ['fc00:2:0:3::'], dev: 'eth0', families: [4], reverse: { ipv4: ['fc00:1:0:1::'] } },
        ],
      },
      edge2: {
        generation: 1,
        tunnelSource: 'fc00:3::1',
        edgeChains: [{ chain: 'web', direction: 'return', id: 1, dev: 'eth0', segments: ['fc00:2:0:4::'], classifiers: [{ dst: '203.0.113.1' }] }],
        localSids: [{ sid: 'fc00:3:0:1::', behavior: { action: 'End.DX4', nh4: '0.0.0.0' }, dev: 'eth0' }],
      },
    } satisfies Record<string, NodeIntent>);
    expectAgentAccepts(out, NODES);
  });

  it('reports the return path in the plan; the forward lists stay as they were', () => {
    const out = plan({ chains: [WEB], nodes: NODES });
    const p = planOf(out, 'web');
    expect(p.returnPath).toEqual({
      egressChainId: 1,
      ingressSids: { 4: 'fc00:1:0:1::' },
      nats: [{ function: 'nat', node: 'fn1', family: 4, address: '203.0.113.1', sid: 'fc00:2:0:4::', next: 'fc00:1:0:1::' }],
    });
    expect(p.segments).toEqual({ ipv4: ['fc00:2:0:1::'] });
    expect(p.path).toEqual({ ipv4: ['fc00:2:0:1::', 'fc00:2:0:2::', 'fc00:2:0:3::', 'fc00:3:0:1::'] });
  });

  it('re-planning an unchanged world changes nothing', () => {
    const a = plan({ chains: [WEB], nodes: NODES });
    const b = plan({ chains: [WEB], nodes: NODES, allocations: a.allocations, previousIntents: a.intents });
    expect(b.changed).toEqual([]);
    expect(b.allocations).toEqual(a.allocations);
  });

  it('the ingress decap SID is the one the node already uses as an egress (shared, node-owned)', () => {
    const back = chain('back', [fn('m2')], { ingress: 'edge2', egress: 'edge1', match: { destinations: ['10.1.0.0/24'] } });
    const out = plan({ chains: [WEB, back], nodes: NODES });
    expect(out.intents.edge1!.localSids).toHaveLength(1);
    const sid = out.intents.edge1!.localSids![0]!.sid;
    expect(planOf(out, 'back').egress.sids[4]).toBe(sid);
    expect(planOf(out, 'web').returnPath!.ingressSids[4]).toBe(sid);
  });

  it('an IPv6 address gets an End.DX6 return path, only for IPv6 (dual-stack chain)', () => {
    const c = chain('ds', [snat('nat', '2001:DB8:0::1')], { match: { destinations: ['10.2.0.0/24', '2001:db8:2::/64'] } });
    const out = plan({ chains: [c], nodes: NODES });
    const p = planOf(out, 'ds');
    const nat = p.instances[0]!;
    const r = p.returnPath!.nats[0]!;
    expect(r).toMatchObject({ family: 6, address: '2001:db8::1' });
    expect(out.intents.fn1!.instances![0]!.returnSids).toEqual({ dx6: r.sid });
    expect(out.intents.fn1!.proxies![0]!.reverse).toEqual({ ipv6: [p.returnPath!.ingressSids[6]] });
    expect(out.intents.edge1!.localSids).toEqual([{ sid: p.returnPath!.ingressSids[6], behavior: { action: 'End.DX6', nh6: '::' }, dev: 'eth0' }]);
    expect(out.intents.edge2!.edgeChains).toEqual([{ chain: 'ds', direction: 'return', id: 1, dev: 'eth0', segments: [r.sid], classifiers: [{ dst: '2001:db8::1' }] }]);
    expect(r.sid).not.toBe(nat.sids.dx6);
    expectAgentAccepts(out, NODES);
  });

  it('an address of a family the chain does not carry gets no return path (no traffic of it to translate)', () => {
    const out = plan({ chains: [chain('v4', [snat('nat', '2001:db8::1')])], nodes: NODES });
    expect(planOf(out, 'v4').returnPath).toBeUndefined();
    expect(out.intents.edge2!.edgeChains).toBeUndefined();
  });

  it('two NATs of one family: the egress steers the last address; its replies go on to the first NAT', () => {
    const c = chain('two', [snat('n1', '198.51.100.1'), snat('n2', '203.0.113.1')]);
    const out = plan({ chains: [c], nodes: NODES });
    const [n1, n2] = planOf(out, 'two').returnPath!.nats;
    expect(n2!.next).toBe(n1!.sid);
    expect(n1!.next).toBe(planOf(out, 'two').returnPath!.ingressSids[4]);
    expect(out.intents.edge2!.edgeChains).toEqual([{ chain: 'two', direction: 'return', id: 1, dev: 'eth0', segments: [n2!.sid], classifiers: [{ dst: '203.0.113.1' }] }]);
    const reverse = (id: string) => out.intents.fn1!.proxies!.find((x) => x.instance === id)!.reverse;
    expect(reverse('two-n2')).toEqual({ ipv4: [n1!.sid] });
    expect(reverse('two-n1')).toEqual({ ipv4: [n1!.next] });
    expectAgentAccepts(out, NODES);
  });

  it('an ingress that is also the egress holds the forward and the return edge chain', () => {
    const c = chain('hair', [snat('nat', '203.0.113.1')], { ingress: 'edge1', egress: 'edge1', match: { destinations: ['10.9.0.0/24'] } });
    const out = plan({ chains: [c], nodes: NODES });
    expect(out.intents.edge1!.edgeChains!.map((e) => [e.chain, e.direction ?? 'forward', e.id])).toEqual([
      ['hair', 'forward', 1],
      ['hair', 'return', 2],
    ]);
    expectAgentAccepts(out, NODES);
  });

  it('masquerade gets no return path: no return SID, no reverse proxy, nothing at the egress or the ingress', () => {
    const out = plan({ chains: [chain('m', [fn('nat', { type: 'nat', config: { mode: 'masquerade' } })])], nodes: NODES });
    expect(planOf(out, 'm').returnPath).toBeUndefined();
    expect(out.intents.fn1!.instances![0]!.returnSids).toBeUndefined();
    expect(out.intents.fn1!.proxies![0]!.reverse).toBeUndefined();
    expect(out.intents.edge2!.edgeChains).toBeUndefined();
    expect(out.intents.edge1!.localSids).toBeUndefined();
  });

  it('removing the NAT function removes all of it and releases its numbers', () => {
    const a = plan({ chains: [WEB], nodes: NODES });
    const b = plan({ chains: [chain('web', [FW, fn('mon')])], nodes: NODES, allocations: a.allocations, previousIntents: a.intents });
    expect(planOf(b, 'web').returnPath).toBeUndefined();
    expect(b.intents.edge2!.edgeChains).toBeUndefined();
    expect(b.intents.edge1!.localSids).toBeUndefined();
    expect(b.intents.fn1!.instances!.map((i) => i.id)).toEqual(['web-fw', 'web-mon']);
    expect(b.intents.fn1!.proxies!.some((p) => p.reverse !== undefined)).toBe(false);
    const owners = Object.values(b.allocations.nodes).flatMap((n) => [...Object.values(n.sids), ...Object.keys(n.chainIds)]);
    expect(owners.filter((o) => o.includes('/nat') || o.endsWith('/return') || o.startsWith('node/edge1/'))).toEqual([]);
    // ... and so does switching it to masquerade
    const c = plan({ chains: [chain('web', [FW, fn('nat', { type: 'nat', config: { mode: 'masquerade' } }), fn('mon')])], nodes: NODES, allocations: a.allocations, previousIntents: a.intents });
    expect(c.intents.edge2!.edgeChains).toBeUndefined();
    expect(c.intents.fn1!.instances!.find((i) => i.id === 'web-nat')!.returnSids).toBeUndefined();
  });

  it('a failed re-plan keeps the return path too', () => {
    const a = plan({ chains: [WEB], nodes: NODES });
    const typo = chain('web', [FW, snat('nat', '203.0.113.1', { placement: { node: 'fnl' } }), fn('mon')]);
    const b = plan({ chains: [typo], nodes: NODES, allocations: a.allocations, previousIntents: a.intents });
    expect(b.chains.web).toMatchObject({ ok: false, held: true });
    expect(b.intents).toEqual(a.intents);
    expect(b.allocations).toEqual(a.allocations);
  });
});

describe('NAT address conflicts at the egress', () => {
  const other = chain('web2', [snat('nat', '203.0.113.1')], { match: { destinations: ['10.7.0.0/24'] } });

  it('a second chain with the same NAT address at the same egress fails, naming the address field', () => {
    const out = plan({ chains: [WEB, other], nodes: NODES });
    expect(out.chains.web2).toEqual({
      ok: false,
      held: false,
      failure: {
        reason: 'ClassifierConflict',
        message: 'replies to 203.0.113.1 cannot come back: chain web already selects traffic to it at egress node edge2',
        field: 'spec.functions[0].config.toAddress',
      },
    });
    expect(out.intents.edge2!.edgeChains!.map((e) => e.chain)).toEqual(['web']);
  });

  it('the established chain keeps its address against a newcomer', () => {
    const a = plan({ chains: [other], nodes: NODES });
    const b = plan({ chains: [other, WEB], nodes: NODES, allocations: a.allocations, previousIntents: a.intents });
    expect(b.chains.web2!.ok).toBe(true);
    expect(b.chains.web).toMatchObject({ ok: false, failure: { reason: 'ClassifierConflict', field: 'spec.functions[1].config.toAddress' } });
  });

  it('a forward chain at that node selecting exactly the address conflicts as well (one route)', () => {
    const fwd = chain('fwd', [], { ingress: 'edge2', egress: 'edge1', match: { destinations: ['203.0.113.1'] } });
    const out = plan({ chains: [fwd, WEB], nodes: NODES });
    expect(out.chains.fwd!.ok).toBe(true);
    expect(out.chains.web).toMatchObject({ ok: false, failure: { reason: 'ClassifierConflict', message: 'replies to 203.0.113.1 cannot come back: chain fwd already selects traffic to it at egress node edge2' } });
  });

  it('the same address at another egress is fine', () => {
    const nodes = [...NODES, edge('edge3', 'fc00:4::/48')];
    const out = plan({ chains: [WEB, chain('other', [snat('nat', '203.0.113.1')], { egress: 'edge3', match: { destinations: ['10.7.0.0/24'] } })], nodes });
    expect(out.chains.other!.ok).toBe(true);
    expect(out.intents.edge3!.edgeChains![0]).toMatchObject({ chain: 'other', direction: 'return', classifiers: [{ dst: '203.0.113.1' }] });
  });
});
