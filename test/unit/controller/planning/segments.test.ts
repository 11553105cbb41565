import { describe, expect, it } from 'vitest';
import { proxyLists, travelPath } from '../../../../src/controller/planning/segments.js';
import { plan } from '../../../../src/controller/planning/plan.js';
import { chain, edge, fn, node } from './fixtures.js';

const egress = { 4: 'fc00:9:0:1::', 6: 'fc00:9:0:2::' };
const f = (i: number) => ({ 4: `fc00:${i}:0:1::`, 6: `fc00:${i}:0:2::` });

const S = 'static' as const;
const D = 'dynamic' as const;

describe('segment lists (pure)', () => {
  it('0 functions: the egress decap SID alone', () => {
    expect(proxyLists([], egress, 4, [])).toEqual({ ingress: ['fc00:9:0:1::'], continuations: [] });
    expect(proxyLists([], egress, 6, [])).toEqual({ ingress: ['fc00:9:0:2::'], continuations: [] });
  });

  it('1 function, static: the ingress ends at the function, its proxy continues to the egress', () => {
    expect(proxyLists([f(1)], egress, 4, [S])).toEqual({ ingress: ['fc00:1:0:1::'], continuations: [['fc00:9:0:1::']] });
  });

  it('3 functions, static: each proxy pushes the next hop; the IPv6 list uses the dx6 SIDs', () => {
    expect(proxyLists([f(1), f(2), f(3)], egress, 6, [S, S, S])).toEqual({
      ingress: ['fc00:1:0:2::'],
      continuations: [['fc00:2:0:2::'], ['fc00:3:0:2::'], ['fc00:9:0:2::']],
    });
  });

  it('3 functions, dynamic: the ingress pushes the whole path; no continuation anywhere', () => {
    expect(proxyLists([f(1), f(2), f(3)], egress, 4, [D, D, D])).toEqual({
      ingress: ['fc00:1:0:1::', 'fc00:2:0:1::', 'fc00:3:0:1::', 'fc00:9:0:1::'],
      continuations: [undefined, undefined, undefined],
    });
    expect(travelPath([f(1)], egress, 4)).toEqual(['fc00:1:0:1::', 'fc00:9:0:1::']);
  });

  it('mixed: every list ends at the next static function or the egress', () => {
    // d s d d s d → ingress [1, 2]; 2 pushes [3, 4, 5]; 5 pushes [6, egress]
    expect(proxyLists([f(1), f(2), f(3), f(4), f(5), f(6)], egress, 4, [D, S, D, D, S, D])).toEqual({
      ingress: ['fc00:1:0:1::', 'fc00:2:0:1::'],
      continuations: [undefined, ['fc00:3:0:1::', 'fc00:4:0:1::', 'fc00:5:0:1::'], undefined, undefined, ['fc00:6:0:1::', 'fc00:9:0:1::'], undefined],
    });
    // s d → ingress [1]; 1 pushes [2, egress]
    expect(proxyLists([f(1), f(2)], egress, 4, [S, D])).toEqual({ ingress: ['fc00:1:0:1::'], continuations: [['fc00:2:0:1::', 'fc00:9:0:1::'], undefined] });
  });
});

describe('segment lists in a plan', () => {
  const nodes = [edge('edge1', 'fc00:1::/48'), edge('edge2', 'fc00:9::/48'), node('h1', 'fc00:a::/48'), node('h2', 'fc00:b::/48'), node('h3', 'fc00:c::/48')];
  const pinned = (name: string, host: string) => fn(name, { placement: { node: host } });

  it.each([
    [0, [], ['fc00:9:0:1::'], ['fc00:9:0:1::']],
    [1, [pinned('a', 'h1')], ['fc00:a:0:1::'], ['fc00:a:0:1::', 'fc00:9:0:1::']],
    [3, [pinned('a', 'h1'), pinned('b', 'h2'), pinned('c', 'h3')], ['fc00:a:0:1::'], ['fc00:a:0:1::', 'fc00:b:0:1::', 'fc00:c:0:1::', 'fc00:9:0:1::']],
  ] as const)('%i functions', (_n, functions, ingressList, path) => {
    const out = plan({ chains: [chain('web', functions)], nodes });
    const r = out.chains.web!;
    if (!r.ok) throw new Error(r.failure.message);
    expect(r.plan.segments).toEqual({ ipv4: ingressList });
    expect(r.plan.path).toEqual({ ipv4: path });
    expect(out.intents.edge1!.edgeChains![0]!.segments).toEqual(ingressList);
    // every proxy continues to the next hop of the path
    const proxies = Object.values(out.intents).flatMap((i) => i.proxies ?? []);
    expect(proxies.map((p) => p.continuation![0]).sort()).toEqual(path.slice(1).slice().sort());
  });

  it('an IPv6 chain uses End.DX6 SIDs and the egress End.DX6 decap SID', () => {
    const out = plan({ chains: [chain('v6', [pinned('a', 'h1')], { match: { destinations: ['2001:db8:2::/48'] } })], nodes });
    const r = out.chains.v6!;
    if (!r.ok) throw new Error(r.failure.message);
    expect(r.plan.segments).toEqual({ ipv6: ['fc00:a:0:1::'] });
    expect(out.intents.edge2!.localSids).toEqual([{ sid: 'fc00:9:0:1::', behavior: { action: 'End.DX6', nh6: '::' }, dev: 'eth0' }]);
    expect(out.intents.h1!.instances![0]!.sids).toEqual({ dx6: 'fc00:a:0:1::' });
    expect(out.intents.h1!.proxies![0]).toMatchObject({ continuation: ['fc00:9:0:1::'], families: [6] });
  });
});
