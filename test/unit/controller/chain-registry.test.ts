import { describe, expect, it } from 'vitest';
import { ChainRegistry, type ChainEvent, type ChainInput, type ChainValidator } from '../../../src/controller/chains/chain-registry.js';
import { parseLabelFilter } from '../../../src/controller/grpc/codecs/label-filter.js';
import { MemoryStore } from '../../../src/controller/store/store.js';
import type { ChainSpec } from '../../../src/model/chain.js';

const SPEC: ChainSpec = {
  ingress: { node: 'edge1', match: { destinations: ['10.2.0.0/24'] } },
  egress: { node: 'edge2' },
  functions: [{ name: 'fw', type: 'firewall' }],
};
const input = (name: string, labels: Record<string, string> = {}, spec: ChainSpec = SPEC): ChainInput => ({ name, labels, spec });

function registry(validate: ChainValidator = () => []) {
  const store = new MemoryStore();
  let t = 0;
  const reg = new ChainRegistry(store, validate, () => `2026-01-01T00:00:${String(t++).padStart(2, '0')}Z`);
  const events: ChainEvent[] = [];
  reg.onChange((e) => events.push(e));
  return { store, reg, events };
}

describe('chain registry', () => {
  it('creates, gets, and refuses a second create', async () => {
    const { reg, events } = registry();
    const c = await reg.create(input('web', { app: 'web' }));
    expect(c).toMatchObject({ name: 'web', generation: 1, labels: { app: 'web' }, status: { observedGeneration: 0 } });
    expect(await reg.get('web')).toEqual(c);
    await expect(reg.create(input('web'))).rejects.toMatchObject({ reason: 'CHAIN_ALREADY_EXISTS' });
    await expect(reg.get('nope')).rejects.toMatchObject({ reason: 'CHAIN_NOT_FOUND' });
    expect(events.map((e) => e.type)).toEqual(['ADDED']);
  });

  it('apply is create-or-update; an unchanged apply changes nothing', async () => {
    const { reg, events } = registry();
    const a = await reg.apply(input('web'));
    const same = await reg.apply(input('web'));
    expect(same).toEqual(a);
    const b = await reg.apply(input('web', {}, { ...SPEC, functions: [...SPEC.functions, { name: 'mon', type: 'monitor' }] }));
    expect(b.generation).toBe(2);
    expect(b.etag).not.toBe(a.etag);
    expect(b.createTime).toBe(a.createTime);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
  });

  it('update with a stale etag is ABORTED; the right etag wins; allow_missing creates', async () => {
    const { reg } = registry();
    const a = await reg.create(input('web'));
    await reg.update(input('web', { v: '2' }), { etag: a.etag });
    await expect(reg.update(input('web', { v: '3' }), { etag: a.etag })).rejects.toMatchObject({ reason: 'ETAG_MISMATCH' });
    await expect(reg.update(input('other'))).rejects.toMatchObject({ reason: 'CHAIN_NOT_FOUND' });
    expect((await reg.update(input('other'), { allowMissing: true })).generation).toBe(1);
  });

  it('two racing read-modify-writes: exactly one wins, the other is ABORTED, never a torn chain', async () => {
    const { reg } = registry();
    const a = await reg.create(input('web'));
    const results = await Promise.allSettled([reg.update(input('web', { who: 'x' }), { etag: a.etag }), reg.update(input('web', { who: 'y' }), { etag: a.etag })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.reason)).toEqual(['ETAG_MISMATCH']);
    const now = await reg.get('web');
    expect(now.generation).toBe(2);
    expect(['x', 'y']).toContain(now.labels.who);
  });

  it('validate_only validates and plans but stores nothing', async () => {
    const { reg, events } = registry();
    const c = await reg.create(input('web'), { validateOnly: true });
    expect(c.generation).toBe(1);
    await expect(reg.get('web')).rejects.toMatchObject({ reason: 'CHAIN_NOT_FOUND' });
    expect(events).toEqual([]);
  });

  it('invalid chains are refused with every violation, and nothing is stored', async () => {
    const { reg } = registry(() => [
      { field: 'spec.ingress.node', description: "unknown node 'x'" },
      { field: 'spec.functions[0].type', description: 'bad' },
    ]);
    const err = await reg.create(input('web')).catch((e: unknown) => e);
    expect((err as { violations: unknown[] }).violations).toHaveLength(2);
    expect((await reg.list()).chains).toEqual([]);
  });

  it('deletes with etag and allow_missing', async () => {
    const { reg, events } = registry();
    const a = await reg.create(input('web'));
    await expect(reg.delete('web', { etag: 'stale' })).rejects.toMatchObject({ reason: 'ETAG_MISMATCH' });
    expect((await reg.delete('web', { etag: a.etag }))?.name).toBe('web');
    await expect(reg.delete('web')).rejects.toMatchObject({ reason: 'CHAIN_NOT_FOUND' });
    expect(await reg.delete('web', { allowMissing: true })).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
  });

  it('lists in pages with a label filter', async () => {
    const { reg } = registry();
    for (let i = 0; i < 25; i++) await reg.create(input(`c${String(i).padStart(2, '0')}`, { tier: i % 2 ? 'odd' : 'even' }));
    const after = (token: string) => (token ? (JSON.parse(Buffer.from(token, 'base64url').toString()) as { after: string }).after : undefined);
    const p1 = await reg.list({ size: 10, query: '' });
    const p2 = await reg.list({ size: 10, query: '', after: after(p1.nextPageToken) });
    const p3 = await reg.list({ size: 10, query: '', after: after(p2.nextPageToken) });
    expect(new Set([...p1.chains, ...p2.chains, ...p3.chains].map((c) => c.name)).size).toBe(25);
    expect(p3.nextPageToken).toBe('');
    const odd = parseLabelFilter('labels.tier=odd');
    if (!('filter' in odd)) throw new Error(odd.error);
    expect((await reg.list({ size: 100, query: 'labels.tier=odd' }, odd.filter)).chains).toHaveLength(12);
  });

  it('status updates keep generation and etag', async () => {
    const { reg, events } = registry();
    const a = await reg.create(input('web'));
    await reg.setStatus('web', { observedGeneration: 1, conditions: [], segments: { ipv4: ['fc00:2::f4'] }, instances: [{ function: 'fw', node: 'fn1', id: 'web-fw', sids: { dx4: 'fc00:2::f4' }, packets: 2n ** 60n }] });
    const b = await reg.get('web');
    expect([b.generation, b.etag]).toEqual([a.generation, a.etag]);
    expect(b.status.instances[0]?.packets).toBe(2n ** 60n);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
  });
});
