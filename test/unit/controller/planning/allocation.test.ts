import { describe, expect, it } from 'vitest';
import { failureError } from '../../../../src/controller/planning/failures.js';
import { plan } from '../../../../src/controller/planning/plan.js';
import { type PlanChainInput, type PlanOutput, statusFacts } from '../../../../src/controller/planning/types.js';
import { ResourceExhaustedError } from '../../../../src/common/errors.js';
import type { NodeRecord } from '../../../../src/model/node.js';
import { chain, edge, fn, node } from './fixtures.js';

const NODES = [edge('edge1', 'fc00:1::/48'), edge('edge2', 'fc00:2::/48'), node('h', 'fc00:a::/48')];
const dst = (i: number) => ({ match: { destinations: [`10.${i}.0.0/24`] } });
const web = chain('web', [fn('fw', { type: 'firewall' }), fn('mon')], dst(1));
const db = chain('db', [fn('fw', { type: 'firewall' })], dst(2));

function again(prev: PlanOutput, chains: PlanChainInput[], nodes: NodeRecord[] = NODES): PlanOutput {
  return plan({ chains, nodes, allocations: prev.allocations, previousIntents: prev.intents });
}

describe('SID, chain id, slot and instance id allocation', () => {
  it('is deterministic: the same input gives the same allocations, whatever the input order', () => {
    const a = plan({ chains: [web, db], nodes: NODES });
    const b = plan({ chains: [db, web], nodes: [...NODES].reverse() });
    expect(b.allocations).toEqual(a.allocations);
    expect(b.intents).toEqual(a.intents);
    expect(JSON.parse(JSON.stringify(a.allocations))).toEqual(a.allocations); // plain data
  });

  it('documents the owners: per node, SID → owner key, chain ids, instances with id and slot', () => {
    const a = plan({ chains: [db, web], nodes: NODES });
    expect(a.allocations.nodes).toEqual({
      edge1: { locator: 'fc00:1::/48', sids: {}, chainIds: { 'chain/db': 1, 'chain/web': 2 }, instances: {}, next: { fid: 1, chainId: 3, slot: 0 } },
      edge2: { locator: 'fc00:2::/48', sids: { 'fc00:2:0:1::': 'node/edge2/decap/dx4' }, chainIds: {}, instances: {}, next: { fid: 2, chainId: 1, slot: 0 } },
      h: {
        locator: 'fc00:a::/48',
        sids: { 'fc00:a:0:1::': 'chain/db/function/fw/dx4', 'fc00:a:0:2::': 'chain/web/function/fw/dx4', 'fc00:a:0:3::': 'chain/web/function/mon/dx4' },
        chainIds: {},
        instances: {
          'chain/db/function/fw': { id: 'db-fw', slot: 0 },
          'chain/web/function/fw': { id: 'web-fw', slot: 1 },
          'chain/web/function/mon': { id: 'web-mon', slot: 2 },
        },
        next: { fid: 4, chainId: 1, slot: 3 },
      },
    });
  });

  it('is stable across re-plans: adding and removing other chains never moves an owner', () => {
    const a = plan({ chains: [web], nodes: NODES });
    const b = again(a, [chain('aaa', [fn('x')], dst(3)), web, db]);
    const c = again(b, [web]);
    const facts = (o: PlanOutput) => (o.chains.web!.ok ? statusFacts(o.chains.web!.plan) : undefined);
    for (const out of [b, c]) {
      expect(facts(out)).toEqual(facts(a));
      expect(out.allocations.nodes.h!.instances['chain/web/function/fw']).toEqual(a.allocations.nodes.h!.instances['chain/web/function/fw']);
    }
    expect(c.intents.edge1!.edgeChains).toEqual(a.intents.edge1!.edgeChains);
  });

  it('releases everything of a deleted chain; the shared decap SID goes with the last chain using it', () => {
    const a = plan({ chains: [web, db], nodes: NODES });
    const b = again(a, [web]);
    const owners = (o: PlanOutput) => Object.values(o.allocations.nodes).flatMap((n) => [...Object.values(n.sids), ...Object.keys(n.chainIds), ...Object.keys(n.instances)]);
    expect(owners(b).filter((x) => x.startsWith('chain/db'))).toEqual([]);
    expect(owners(b)).toContain('node/edge2/decap/dx4');
    const c = again(b, []);
    expect(owners(c)).toEqual([]);
    expect(c.intents.edge2!.localSids).toBeUndefined();
  });

  it('never reuses a number while in use, and not right after release either (round robin)', () => {
    const a = plan({ chains: [web, db], nodes: NODES });
    const inUse = new Set(Object.keys(a.allocations.nodes.h!.sids));
    const b = again(a, [web]); // db's SID fc00:a:0:1:: and slot 0 are released...
    const c = again(b, [web, chain('new', [fn('x')], dst(4))]); // ...and not handed to the newcomer
    const sidsC = c.allocations.nodes.h!.sids;
    const newSid = Object.entries(sidsC).find(([, o]) => o === 'chain/new/function/x/dx4')![0];
    expect(inUse.has(newSid)).toBe(false);
    expect(newSid).toBe('fc00:a:0:4::');
    expect(c.allocations.nodes.h!.instances['chain/new/function/x']).toEqual({ id: 'new-x', slot: 3 });
    // every SID has exactly one owner, in every pass
    for (const o of [a, b, c]) for (const n of Object.values(o.allocations.nodes)) expect(new Set(Object.values(n.sids)).size).toBe(Object.keys(n.sids).length);
  });

  it('re-allocates SIDs when a node comes back with another locator; ids and slots stay', () => {
    const a = plan({ chains: [web], nodes: NODES });
    const moved = NODES.map((n) => (n.name === 'h' ? { ...n, locator: 'fc00:bb::/48' } : n));
    const b = again(a, [web], moved);
    expect(Object.keys(b.allocations.nodes.h!.sids)).toEqual(['fc00:bb:0:1::', 'fc00:bb:0:2::']);
    expect(b.allocations.nodes.h!.instances).toEqual(a.allocations.nodes.h!.instances);
    expect(b.chains.web!.ok && b.chains.web!.plan.segments).toEqual({ ipv4: ['fc00:bb:0:1::'] });
  });

  it('exhaustion of a tiny locator (/126: 2 usable SIDs) is a ResourceExhausted result, not a throw', () => {
    // fc00:9::/126 has function ids 1..3; id 1 is the tunnel source fc00:9::1, leaving ::2 and ::3.
    const nodes = [edge('edge1', 'fc00:1::/48'), edge('edge2', 'fc00:2::/48'), node('tiny', 'fc00:9::/126')];
    const a = plan({ chains: [chain('c1', [fn('a'), fn('b')], dst(1)), chain('c2', [fn('a')], dst(2))], nodes });
    expect(a.chains.c1!.ok && a.chains.c1!.plan.path).toEqual({ ipv4: ['fc00:9::2', 'fc00:9::3', 'fc00:2:0:1::'] });
    const c2 = a.chains.c2!;
    expect(c2.ok).toBe(false);
    if (c2.ok) return;
    expect(c2.failure).toMatchObject({ reason: 'ResourceExhausted', field: 'spec.functions[0]' });
    expect(c2.failure.message).toMatch(/no free SID left in locator fc00:9::\/126 of node tiny/);
    expect(c2.held).toBe(false);
    // the failed chain left nothing behind: no instance, no chain id
    expect(Object.keys(a.allocations.nodes.tiny!.instances)).toEqual(['chain/c1/function/a', 'chain/c1/function/b']);
    expect(Object.keys(a.allocations.nodes.edge1!.chainIds)).toEqual(['chain/c1']);
    const err = failureError('c2', c2.failure);
    expect(err).toBeInstanceOf(ResourceExhaustedError);
    expect(err.reason).toBe('RESOURCE_EXHAUSTED');
    // deleting c1 frees the space for c2 in the same pass
    const b = plan({ chains: [chain('c2', [fn('a')], dst(2))], nodes, allocations: a.allocations, previousIntents: a.intents });
    expect(b.chains.c2!.ok).toBe(true);
  });

  it('chain ids are per ingress node and stable per chain; slots per node', () => {
    const nodes = [...NODES, edge('edge3', 'fc00:3::/48')];
    const a = plan({ chains: [web, chain('other', [], { ingress: 'edge3', ...dst(5) })], nodes });
    expect(a.intents.edge1!.edgeChains!.map((c) => [c.chain, c.id])).toEqual([['web', 1]]);
    expect(a.intents.edge3!.edgeChains!.map((c) => [c.chain, c.id])).toEqual([['other', 1]]);
    const b = again(a, [chain('aaa', [], dst(6)), web], nodes);
    expect(b.intents.edge1!.edgeChains!.map((c) => [c.chain, c.id])).toEqual([['aaa', 2], ['web', 1]]);
  });

  it('instance ids are sanitized, hashed when long, and unique per node', () => {
    const long = chain('a-very-long-chain-name-that-goes-on', [fn('firewall-one'), fn('firewall-two')], dst(7));
    const lookalikes = [chain('a-b', [fn('c')], dst(8)), chain('a', [fn('b-c')], dst(9))];
    const a = plan({ chains: [long, ...lookalikes], nodes: NODES });
    const ids = a.intents.h!.instances!.map((i) => i.id);
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]([a-z0-9-]{0,22}[a-z0-9])?$/);
    expect(ids).toContain('a-b-c');
    expect(ids.filter((i) => i.startsWith('a-very-long-chai'))).toHaveLength(2);
  });
});
