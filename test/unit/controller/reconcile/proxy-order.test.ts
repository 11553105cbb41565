import { describe, expect, it } from 'vitest';
import type { NodeIntent, ProxySpec } from '../../../../src/agent/intent/node-intent.js';
import { orderProxies, pointerSchedule, positionsOf } from '../../../../src/controller/reconcile/proxy-order.js';

const E = 'fc00:2::d4'; // the egress decap SID
const sid = (f: string) => `fc00:${f === 'fw' || f === 'nat' ? 'a' : 'b'}::${f.length}${f.charCodeAt(0).toString(16)}`;
const proxy = (f: string, next: string, reverse?: string): ProxySpec => ({
  instance: `web-${f}`,
  chain: 'web',
  continuation: [next],
  dev: 'eth0',
  families: [4],
  ...(reverse ? { reverse: { ipv4: [reverse] } } : {}),
});
const node = (...proxies: ProxySpec[]): NodeIntent => ({ generation: 2, proxies });
const positions = (order: readonly (readonly [string, string])[]) => new Map(order.map(([n, f], k) => [`${n}/web-${f}`, k]));

// The demo: fw, nat on fn1; ids, mon on fn2. [fw, ids, nat, mon] → [ids, fw, nat, mon].
const HELD: Record<string, NodeIntent> = {
  fn1: node(proxy('fw', sid('ids')), proxy('nat', sid('mon'))),
  fn2: node(proxy('ids', sid('nat')), proxy('mon', E)),
};
const PLANNED: Record<string, NodeIntent> = {
  fn1: node(proxy('fw', sid('nat')), proxy('nat', sid('mon'))),
  fn2: node(proxy('ids', sid('fw')), proxy('mon', E)),
};
const NEW_ORDER = positions([
  ['fn2', 'ids'],
  ['fn1', 'fw'],
  ['fn1', 'nat'],
  ['fn2', 'mon'],
]);
const web = (nodes = ['fn1', 'fn2'], order = NEW_ORDER) => [{ chain: 'web', nodes, positions: order }];

describe('pointerSchedule', () => {
  it('the demo reorder: fw (fn1) moves first, then ids (fn2), one round each', () => {
    const s = pointerSchedule(web(), (n) => HELD[n], PLANNED);
    expect(s.sequences).toEqual([{ chain: 'web', pointer: 'continuation', steps: [{ node: 'fn1', proxies: ['web-fw/web'] }, { node: 'fn2', proxies: ['web-ids/web'] }] }]);
    expect(s.rounds).toBe(2);
    const fw = PLANNED.fn1!.proxies![0]!;
    const ids = PLANNED.fn2!.proxies![0]!;
    expect(s.due('fn1', 0, fw)).toEqual({ continuation: true, reverse: false });
    expect(s.due('fn2', 0, ids)).toEqual({ continuation: false, reverse: false });
    expect(s.due('fn2', 1, ids)).toEqual({ continuation: true, reverse: false });
    expect(s.due('fn1', 0, PLANNED.fn1!.proxies![1]!)).toBeUndefined(); // nat's continuation does not change
    expect([s.rank('fn1', fw), s.rank('fn2', ids)]).toEqual([0, 1]);
  });

  it('a node whose changed proxies are not consecutive gets one step per run of them', () => {
    // [a@fn1, b@fn2, c@fn1, d@fn2] → [d, c, b, a]: a, b, c, d in that order, alternating nodes.
    const held = { fn1: node(proxy('a', 'B'), proxy('c', 'D')), fn2: node(proxy('b', 'C'), proxy('d', E)) };
    const planned = { fn1: node(proxy('a', E), proxy('c', 'B')), fn2: node(proxy('b', 'A'), proxy('d', 'C')) };
    const order = positions([
      ['fn2', 'd'],
      ['fn1', 'c'],
      ['fn2', 'b'],
      ['fn1', 'a'],
    ]);
    const s = pointerSchedule(web(['fn1', 'fn2'], order), (n) => held[n as 'fn1'], planned);
    expect(s.sequences[0]!.steps.map((x) => [x.node, x.proxies])).toEqual([
      ['fn1', ['web-a/web']],
      ['fn2', ['web-b/web']],
      ['fn1', ['web-c/web']],
      ['fn2', ['web-d/web']],
    ]);
    expect(s.rounds).toBe(4);
    const c = planned.fn1.proxies![1]!;
    expect([0, 1, 2, 3].map((r) => s.due('fn1', r, c)!.continuation)).toEqual([false, false, true, true]);
  });

  it('consecutive changes on one node are one step; changes on one node only need no round', () => {
    // [a, b, c] on fn1 → [b, c, a]: a then c, both on fn1.
    const held = { fn1: node(proxy('a', 'B'), proxy('b', 'C'), proxy('c', E)) };
    const planned = { fn1: node(proxy('a', E), proxy('b', 'C'), proxy('c', 'A')) };
    const order = positions([
      ['fn1', 'b'],
      ['fn1', 'c'],
      ['fn1', 'a'],
    ]);
    const s = pointerSchedule(web(['fn1'], order), (n) => held[n as 'fn1'], planned);
    expect(s.sequences).toEqual([]);
    expect(s.rounds).toBe(0);
    expect(s.due('fn1', 0, planned.fn1.proxies![0]!)).toBeUndefined();
    // ...but the one apply writes a's table before c's.
    expect(s.rank('fn1', planned.fn1.proxies![0]!)).toBe(0);
    expect(s.rank('fn1', planned.fn1.proxies![2]!)).toBe(1);
    expect(orderProxies(planned.fn1, (p) => s.rank('fn1', p)).proxies!.map((p) => p.instance)).toEqual(['web-b', 'web-a', 'web-c']);
  });

  it('new proxies (new instances) and proxies that go are no slots: an insert needs no round', () => {
    // [fw@fn1, mon@fn2] → [fw, x@fn2, mon]: only fw's continuation changes; x's proxy is new.
    const held = { fn1: node(proxy('fw', sid('mon'))), fn2: node(proxy('mon', E)) };
    const planned = { fn1: node(proxy('fw', 'X')), fn2: node(proxy('x', sid('mon')), proxy('mon', E)) };
    const order = positions([
      ['fn1', 'fw'],
      ['fn2', 'x'],
      ['fn2', 'mon'],
    ]);
    const s = pointerSchedule(web(['fn1', 'fn2'], order), (n) => held[n as 'fn1'], planned);
    expect(s.rounds).toBe(0);
    expect(s.rank('fn2', planned.fn2.proxies![0]!)).toBeUndefined();
  });

  it('IPv6 continuations count: a change of the IPv6 list alone is a slot', () => {
    const v6 = (p: ProxySpec, next: string): ProxySpec => ({ ...p, families: [4, 6], continuationIpv6: [next] });
    const held = { fn1: node(v6(proxy('fw', 'I'), 'I6'), v6(proxy('nat', 'M'), 'M6')), fn2: node(v6(proxy('ids', 'N'), 'N6'), v6(proxy('mon', E), 'E6')) };
    const planned = { fn1: node(v6(proxy('fw', 'I'), 'N6'), v6(proxy('nat', 'M'), 'M6')), fn2: node(v6(proxy('ids', 'N'), 'F6'), v6(proxy('mon', E), 'E6')) };
    const s = pointerSchedule(web(), (n) => held[n as 'fn1'], planned);
    expect(s.sequences[0]!.steps.map((x) => x.node)).toEqual(['fn1', 'fn2']);
  });

  it('reverse lists move in chain order (the reverse of the return path), side by side with the continuations', () => {
    // [n1@fn1, n2@fn2] → [n2, n1]: replies went n2 → n1 → ingress, now n1 → n2 → ingress.
    const I = 'fc00:1::d4';
    const held = { fn1: node(proxy('n1', 'N2', I)), fn2: node(proxy('n2', E, 'R1')) };
    const planned = { fn1: node(proxy('n1', E, 'R2')), fn2: node(proxy('n2', 'N1', I)) };
    const order = positions([
      ['fn2', 'n2'],
      ['fn1', 'n1'],
    ]);
    const s = pointerSchedule(web(['fn1', 'fn2'], order), (n) => held[n as 'fn1'], planned);
    expect(s.sequences.map((q) => [q.pointer, q.steps.map((x) => x.node)])).toEqual([
      ['continuation', ['fn1', 'fn2']],
      ['reverse', ['fn2', 'fn1']],
    ]);
    expect(s.rounds).toBe(2);
    expect(s.due('fn1', 0, planned.fn1.proxies![0]!)).toEqual({ continuation: true, reverse: false });
    expect(s.due('fn2', 0, planned.fn2.proxies![0]!)).toEqual({ continuation: false, reverse: true });
  });

  it('a reverse list that goes away is no slot (it goes in the final step)', () => {
    const held = { fn1: node(proxy('n1', 'M', 'fc00:1::d4')), fn2: node(proxy('m', E)) };
    const planned = { fn1: node(proxy('n1', 'M')), fn2: node(proxy('m', E)) };
    const s = pointerSchedule(web(['fn1'], positions([['fn1', 'n1']])), (n) => held[n as 'fn1'], planned);
    expect(s.sequences).toEqual([]);
  });

  it('positionsOf: a chain planning refused has no order', () => {
    expect(positionsOf(undefined).size).toBe(0);
    expect(positionsOf({ ok: false, failure: { reason: 'NoNodeFits', message: '' }, held: true }).size).toBe(0);
  });
});

describe('orderProxies', () => {
  it('keeps the object when the order is right, unranked proxies first', () => {
    const i = node(proxy('a', 'x'), proxy('b', 'y'), proxy('c', 'z'));
    const rank = (p: ProxySpec) => ({ 'web-b': 0, 'web-c': 1 })[p.instance as 'web-b'];
    expect(orderProxies(i, rank)).toBe(i);
    const swapped = orderProxies(i, (p) => ({ 'web-b': 1, 'web-c': 0 })[p.instance as 'web-b']);
    expect(swapped.proxies!.map((p) => p.instance)).toEqual(['web-a', 'web-c', 'web-b']);
    expect(swapped.generation).toBe(2);
  });
});
