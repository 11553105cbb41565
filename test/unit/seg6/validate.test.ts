/**
 * src/dataplane/validate.ts: every op is checked before anything reaches the kernel, and one
 * InvalidArgumentError names every bad field with its path.
 */
import { describe, expect, it } from 'vitest';
import { type FieldViolation, InvalidArgumentError } from '../../../src/common/errors.js';
import type { DataplaneOp } from '../../../src/dataplane/dataplane.js';
import type { Nexthop } from '../../../src/dataplane/seg6/nexthop.js';
import type { Route } from '../../../src/dataplane/seg6/route.js';
import type { Rule } from '../../../src/dataplane/seg6/rule.js';
import type { Seg6LocalBehavior } from '../../../src/dataplane/seg6/seg6local.js';
import { checkOps, describeOp } from '../../../src/dataplane/validate.js';

function violationsOf(ops: unknown[]): FieldViolation[] {
  try {
    checkOps(ops as DataplaneOp[]);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    const err = e as InvalidArgumentError;
    expect(err.reason).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(/^invalid dataplane operation: /);
    return [...err.violations];
  }
  throw new Error('checkOps accepted the ops');
}

const sid = (behavior: unknown): Route => ({ family: 6, dst: 'fc00:f::1', dev: 'd0', encap: { type: 'seg6local', behavior: behavior as Seg6LocalBehavior } });
const routeOp = (object: unknown, op = 'add') => ({ op, kind: 'route', object });
const seg6 = (segments: string[]) => ({ family: 6, dst: 'fc00:1::/64', dev: 'd0', encap: { type: 'seg6', mode: 'encap', segments } });
const sids = (n: number) => Array.from({ length: n }, (_, i) => `fc00::${(i + 1).toString(16)}`);

/** One bad object per case: the single violation's field must end with `field`. */
const ONE: [string, unknown, string, RegExp?][] = [
  ['End.DX4 without nh4', routeOp(sid({ action: 'End.DX4' })), 'behavior.nh4', /required/],
  ['lblen 33', routeOp(sid({ action: 'End', flavors: { operations: ['next-csid'], lblen: 33 } })), 'behavior.flavors.lblen', /multiple of 8/],
  ['lblen + nflen > 128', routeOp(sid({ action: 'End', flavors: { operations: ['next-csid'], lblen: 80, nflen: 56 } })), 'behavior.flavors', /128/],
  ['usp flavor', routeOp(sid({ action: 'End', flavors: { operations: ['usp'] } })), 'behavior.flavors.operations', /not usp/],
  ['End.X with psp', routeOp(sid({ action: 'End.X', nh6: 'fc00::2', flavors: { operations: ['psp'] } })), 'behavior.flavors.operations', /End\.X/],
  ['End.AS', routeOp(sid({ action: 'End.AS' })), 'behavior.action', /not implemented by mainline Linux/],
  ['End.AM', routeOp(sid({ action: 'End.AM' })), 'behavior.action', /not implemented by mainline Linux/],
  ['End.BM', routeOp(sid({ action: 'End.BM' })), 'behavior.action', /not implemented by mainline Linux/],
  ['End.S', routeOp(sid({ action: 'End.S' })), 'behavior.action', /not implemented by mainline Linux/],
  ['an empty segment list', routeOp(seg6([])), 'encap.segments', /at least one/],
  ['128 segments', routeOp(seg6(sids(128))), 'encap.segments', /at most 127/],
  ['a route table above 2^32-1', routeOp({ ...seg6(['fc00::1']), table: 2 ** 32 }), 'object.table', /4294967295/],
  ['route table 0', routeOp({ ...seg6(['fc00::1']), table: 0 }), 'object.table'],
  ['End.T table above 2^32-1', routeOp(sid({ action: 'End.T', table: 2 ** 32 })), 'behavior.table'],
  ['End.DT6 table 0', routeOp(sid({ action: 'End.DT6', table: 0 })), 'behavior.table'],
  ['a route with nhid and dev', routeOp({ family: 4, dst: '10.0.0.0/8', nhid: 1, dev: 'd0' }), 'object.dev', /nhid/],
  ['a seg6local encap on an IPv4 route', routeOp({ ...sid({ action: 'End' }), family: 4, dst: '10.0.0.1' }), 'object.encap', /IPv6/],
  ['a bad prefix', routeOp({ family: 6, dst: 'fc00::/129', dev: 'd0' }), 'object.dst'],
  ['a prefix with host bits', routeOp({ family: 4, dst: '10.0.0.1/8', dev: 'd0' }), 'object.dst', /host bits/],
  ['seg6 inline on an IPv4 route', routeOp({ family: 4, dst: '10.0.0.0/8', dev: 'd0', encap: { type: 'seg6', mode: 'inline', segments: ['fc00::1'] } }), 'encap.mode'],
  ['a rule with sport but no ipproto', { op: 'add', kind: 'rule', object: { family: 4, priority: 10, table: 100, sport: { start: 1, end: 2 } } }, 'object.sport', /ipproto/],
  [
    'a nexthop with a seg6local encap',
    { op: 'add', kind: 'nexthop', object: { id: 1, family: 6, dev: 'd0', encap: { type: 'seg6local', behavior: { action: 'End' } } } },
    'object.encap.type',
    /seg6/,
  ],
  ['a rule replace', { op: 'replace', kind: 'rule', object: { family: 4, priority: 1, table: 1 } }, 'rule.op'],
  ['an unknown kind', { op: 'add', kind: 'link', object: {} }, 'link.kind'],
  ['a SID on lo (the kernel makes it a reject route)', routeOp({ ...sid({ action: 'End' }), dev: 'lo' }), 'object.dev', /drops every packet/],
  ['a nexthop delete with id 0', { op: 'delete', kind: 'nexthop', object: { id: 0 } }, 'object.id'],
];

describe('checkOps', () => {
  it.each(ONE)('%s', (_name, op, field, description) => {
    const vs = violationsOf([op]);
    expect(vs).toHaveLength(1);
    expect(vs[0]!.field.endsWith(field)).toBe(true);
    if (description) expect(vs[0]!.description).toMatch(description);
  });

  it('a single op is named by its kind, several by their index', () => {
    expect(violationsOf([routeOp(sid({ action: 'End.DX4' }))])[0]!.field).toBe('route.object.encap.behavior.nh4');
    const ok = routeOp(seg6(['fc00::1']));
    expect(violationsOf([ok, routeOp(sid({ action: 'End.DX4' })), ok])[0]!.field).toBe('ops[1].object.encap.behavior.nh4');
  });

  it('every error in one object is reported at once', () => {
    const route = { family: 4, dst: '10.0.0.0/33', table: 0, nhid: 1, dev: 'd0', encap: { type: 'seg6local', behavior: { action: 'End.DX4' } } };
    expect(violationsOf([routeOp(route)]).map((v) => v.field)).toEqual([
      'route.object.dst',
      'route.object.table',
      'route.object.dev',
      'route.object.encap',
      'route.object.encap.behavior.nh4',
      'route.object.encap',
    ]);
    const local = sid({ action: 'End.X', nh6: '10.0.0.1', flavors: { operations: ['psp', 'usp'], lblen: 33 } });
    expect(violationsOf([routeOp(local)]).map((v) => v.field)).toEqual([
      'route.object.encap.behavior.nh6',
      'route.object.encap.behavior.flavors.operations',
      'route.object.encap.behavior.flavors.lblen',
    ]);
  });

  it('errors across several ops are all reported, each with its index', () => {
    const vs = violationsOf([
      routeOp(seg6([])),
      { op: 'add', kind: 'nexthop', object: { id: 1, family: 4, dev: 'd0', encap: { type: 'seg6', mode: 'inline', segments: ['fc00::1'] } } },
      { op: 'add', kind: 'rule', object: { family: 4, priority: 1, table: 0 } },
    ]);
    expect(vs.map((v) => v.field)).toEqual(['ops[0].object.encap.segments', 'ops[1].object.encap.mode', 'ops[2].object.table']);
  });

  it('deletes check only the identity', () => {
    expect(() => checkOps([{ op: 'delete', kind: 'route', object: { family: 6, dst: 'fc00::/64' } as Route }])).not.toThrow();
    expect(() => checkOps([{ op: 'delete', kind: 'nexthop', object: { id: 5 } as Nexthop }])).not.toThrow();
    expect(violationsOf([routeOp({ family: 6, dst: 'fc00::1/200' }, 'delete')])[0]!.field).toBe('route.object.dst');
  });

  it('accepts good ops of every kind', () => {
    const ops: DataplaneOp[] = [
      { op: 'add', kind: 'route', object: seg6(['fc00:a::1', 'fc00:b::100']) as Route },
      { op: 'replace', kind: 'route', object: sid({ action: 'End.DX4', nh4: '0.0.0.0' }) },
      { op: 'replace', kind: 'nexthop', object: { id: 1, family: 4, dev: 'd0', encap: { type: 'seg6', mode: 'encap', segments: sids(127) } } },
      { op: 'add', kind: 'rule', object: { family: 4, priority: 10, table: 100, ipproto: 6, sport: { start: 1, end: 2 } } as Rule },
    ];
    expect(() => checkOps(ops)).not.toThrow();
  });
});

describe('describeOp', () => {
  it('names the operation and the object', () => {
    expect(describeOp({ op: 'add', kind: 'route', object: { family: 6, dst: 'fc00::/64' } })).toEqual({ operation: 'add', object: 'route fc00::/64 table 254' });
    expect(describeOp({ op: 'replace', kind: 'nexthop', object: { id: 7, family: 6 } })).toEqual({ operation: 'replace', object: 'nexthop id 7' });
    expect(describeOp({ op: 'delete', kind: 'rule', object: { family: 4, priority: 9, table: 1 } })).toEqual({ operation: 'delete', object: 'rule pref 9' });
  });
});
