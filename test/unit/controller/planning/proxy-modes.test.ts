/**
 * Which proxy each function gets (proxy-modes.ts), and what the plan then holds: with dynamic
 * proxies the ingress carries the whole path and function hosts no chain state, so reordering,
 * inserting and removing functions leave the intents of hosts whose instances stay untouched.
 */
import { describe, expect, it } from 'vitest';
import type { NodeIntent } from '../../../../src/agent/intent/node-intent.js';
import { plan } from '../../../../src/controller/planning/plan.js';
import { MAX_DYNAMIC_RUN, type ModeQuery, chooseProxyModes } from '../../../../src/controller/planning/proxy-modes.js';
import type { PlanChainInput, PlanOutput } from '../../../../src/controller/planning/types.js';
import type { ChainFunction } from '../../../../src/model/chain.js';
import { BPF_FEATURES, chain, edge, fn, node } from './fixtures.js';

const bpf = (name: string) => node(name, `fc00:${name.length}::/48`, { features: BPF_FEATURES });
const plain = (name: string) => node(name, `fc00:${name.length}::/48`);
const q = (n: ReturnType<typeof node>, requested: ModeQuery['requested'] = 'auto', hasReturnPath = false): ModeQuery => ({ requested, node: n, hasReturnPath });

describe('chooseProxyModes (pure)', () => {
  it('auto: dynamic where the node has bpf-proxy, static elsewhere; explicit static is kept', () => {
    const r = chooseProxyModes([q(bpf('h1')), q(plain('h22')), q(bpf('h333')), q(bpf('h4444'), 'static')], 'edge1');
    expect(r).toEqual({ ok: true, modes: ['dynamic', 'static', 'dynamic', 'static'] });
  });

  it('explicit dynamic that cannot be served fails with the function and the reason', () => {
    const r = chooseProxyModes([q(bpf('h1')), q(plain('h22'), 'dynamic')], 'edge1');
    expect(r).toMatchObject({ ok: false, index: 1 });
    expect(!r.ok && r.message).toMatch(/node h22 has no bpf-proxy \(not probed\)/);
  });

  it('an snat NAT (a return path) is static; asked to be dynamic, it fails', () => {
    expect(chooseProxyModes([q(bpf('h1'), 'auto', true)], 'edge1')).toEqual({ ok: true, modes: ['static'] });
    const r = chooseProxyModes([q(bpf('h1'), 'dynamic', true)], 'edge1');
    expect(!r.ok && r.message).toMatch(/return path/);
  });

  it('a function whose packets come from the same node without crossing an interface is static', () => {
    const h = bpf('h1');
    // On the ingress node itself.
    expect(chooseProxyModes([q(h)], 'h1')).toEqual({ ok: true, modes: ['static'] });
    // After a static function on the same node: static (and so the next one there too); after a
    // dynamic one on the same node it may be dynamic (the return program's inline step).
    const h2 = bpf('h22');
    expect(chooseProxyModes([q(h, 'static'), q(h), q(h2), q(h2)], 'edge1')).toEqual({ ok: true, modes: ['static', 'static', 'dynamic', 'dynamic'] });
    // After a static function on another node: dynamic.
    expect(chooseProxyModes([q(bpf('h22'), 'static'), q(h)], 'edge1')).toEqual({ ok: true, modes: ['static', 'dynamic'] });
    const r = chooseProxyModes([q(h, 'static'), q(h, 'dynamic')], 'edge1');
    expect(!r.ok && r.message).toMatch(/from a static proxy on the same node h1/);
  });

  it(`at most ${MAX_DYNAMIC_RUN} dynamic functions in a row: the next auto one is static, an explicit one fails`, () => {
    const hosts = Array.from({ length: 14 }, (_, i) => bpf(`h${'x'.repeat(i)}`));
    const r = chooseProxyModes(hosts.map((h) => q(h)), 'edge1');
    expect(r.ok && r.modes).toEqual([...Array(12).fill('dynamic'), 'static', 'dynamic']);
    const bad = chooseProxyModes([...hosts.slice(0, 12).map((h) => q(h)), q(hosts[12]!, 'dynamic')], 'edge1');
    expect(bad).toMatchObject({ ok: false, index: 12 });
    expect(!bad.ok && bad.message).toMatch(/256-byte header/);
  });
});

describe('plans with dynamic proxies', () => {
  const nodes = [edge('edge1', 'fc00:1::/48'), edge('edge2', 'fc00:9::/48'), node('h1', 'fc00:a::/48', { features: BPF_FEATURES }), node('h2', 'fc00:b::/48', { features: BPF_FEATURES })];
  const at = (name: string, host: string, extra: Partial<ChainFunction> = {}) => fn(name, { placement: { node: host }, ...extra });
  const ok = (out: PlanOutput, c = 'web') => {
    const r = out.chains[c]!;
    if (!r.ok) throw new Error(r.failure.message);
    return r.plan;
  };

  it('all dynamic: the ingress pushes the whole path; function hosts get instances and mode-dynamic proxies only', () => {
    const out = plan({ chains: [chain('web', [at('fw', 'h1', { type: 'firewall' }), at('ids', 'h2'), at('mon', 'h1')])], nodes });
    const p = ok(out);
    expect(p.instances.map((i) => i.proxy)).toEqual(['dynamic', 'dynamic', 'dynamic']);
    expect(out.intents.edge1!.edgeChains![0]!.segments).toEqual(['fc00:a:0:1::', 'fc00:b:0:1::', 'fc00:a:0:2::', 'fc00:9:0:1::']);
    expect(p.segments).toEqual({ ipv4: p.path.ipv4 });
    expect(out.intents.h1!.proxies).toEqual([
      { instance: 'web-fw', chain: 'web', mode: 'dynamic', families: [4] },
      { instance: 'web-mon', chain: 'web', mode: 'dynamic', families: [4] },
    ]);
  });

  it('dual stack: the IPv6 list is the End.DX6 path', () => {
    const out = plan({ chains: [chain('web', [at('fw', 'h1'), at('ids', 'h2')], { match: { destinations: ['10.2.0.0/24', '2001:db8:2::/48'] } })], nodes });
    const e = out.intents.edge1!.edgeChains![0]!;
    expect(e.segments).toHaveLength(3);
    expect(e.segmentsIpv6).toHaveLength(3);
    expect(e.segmentsIpv6).not.toEqual(e.segments);
    expect(out.intents.h1!.proxies![0]).toEqual({ instance: 'web-fw', chain: 'web', mode: 'dynamic', families: [4, 6] });
  });

  it('mixed: an snat NAT stays static and carries the run after it; the functions around it are dynamic', () => {
    const nat = at('nat', 'h2', { type: 'nat', config: { mode: 'snat', toAddress: '203.0.113.1' } });
    const out = plan({ chains: [chain('web', [at('fw', 'h1', { type: 'firewall' }), nat, at('mon', 'h1')])], nodes });
    const p = ok(out);
    expect(p.instances.map((i) => i.proxy)).toEqual(['dynamic', 'static', 'dynamic']);
    const [fw, natI, mon] = p.instances.map((i) => i.sids.dx4!);
    expect(out.intents.edge1!.edgeChains![0]!.segments).toEqual([fw, natI]);
    const natProxy = out.intents.h2!.proxies!.find((x) => x.instance === 'web-nat')!;
    expect(natProxy.continuation).toEqual([mon, 'fc00:9:0:1::']);
    expect(natProxy.reverse).toEqual({ ipv4: [expect.any(String)] });
  });

  it('the state-touch guarantee, as planned: reorder, insert and remove change only the ingress and the hosts whose instances come or go', () => {
    const fw = at('fw', 'h1', { type: 'firewall' });
    const ids = at('ids', 'h2');
    const mon = at('mon', 'h2');
    const steps: [string, PlanChainInput][] = [
      ['start', chain('web', [fw, ids])],
      ['reorder', chain('web', [ids, fw])],
      ['insert', chain('web', [ids, mon, fw])],
      ['remove', chain('web', [mon, fw])],
    ];
    let prev: PlanOutput | undefined;
    const changed: Record<string, string[]> = {};
    for (const [what, c] of steps) {
      const out: PlanOutput = plan({
        chains: [c],
        nodes,
        ...(prev ? { allocations: prev.allocations, previousIntents: prev.intents } : {}),
      });
      ok(out);
      changed[what] = [...out.changed];
      prev = out;
    }
    expect(changed).toEqual({
      start: ['edge1', 'edge2', 'h1', 'h2'],
      reorder: ['edge1'], // function hosts: nothing
      insert: ['edge1', 'h2'], // h2 gains mon; h1 untouched
      remove: ['edge1', 'h2'], // h2 loses ids; h1 untouched
    });
  });

  it('the same changes with static proxies touch the function hosts (for comparison)', () => {
    const fw = at('fw', 'h1', { type: 'firewall' });
    const ids = at('ids', 'h2');
    const a = plan({ chains: [chain('web', [fw, ids], { proxy: 'static' })], nodes });
    const b = plan({ chains: [chain('web', [ids, fw], { proxy: 'static' })], nodes, allocations: a.allocations, previousIntents: a.intents });
    expect(b.changed).toEqual(['edge1', 'h1', 'h2']);
  });

  it('a per-function proxy overrides the chain one', () => {
    const out = plan({ chains: [chain('web', [at('fw', 'h1', { proxy: 'static' }), at('ids', 'h2')], { proxy: 'dynamic' })], nodes });
    expect(ok(out).instances.map((i) => i.proxy)).toEqual(['static', 'dynamic']);
    const held: NodeIntent = out.intents.h1!;
    expect(held.proxies![0]!.continuation).toEqual([ok(out).instances[1]!.sids.dx4, 'fc00:9:0:1::']);
  });

  it('explicit dynamic on a node without bpf-proxy fails at the function, naming the node', () => {
    const out = plan({ chains: [chain('web', [at('fw', 'h1'), fn('x', { placement: { node: 'h3' }, proxy: 'dynamic' })])], nodes: [...nodes, node('h3', 'fc00:c::/48')] });
    expect(out.chains.web).toMatchObject({ ok: false, failure: { reason: 'DynamicProxyUnsupported', field: 'spec.functions[1].proxy' } });
    expect(!out.chains.web!.ok && out.chains.web!.failure.message).toMatch(/node h3 has no bpf-proxy/);
  });
});
