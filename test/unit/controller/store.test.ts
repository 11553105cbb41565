import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EMPTY_STATE } from '../../../src/controller/store/state.js';
import { FileStore, MemoryStore } from '../../../src/controller/store/store.js';

const dir = mkdtempSync(join(tmpdir(), 'sfc-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('controller store', () => {
  it('persists atomically and a new store (a restarted controller) reads it back, bigints included', async () => {
    const a = new FileStore(dir);
    await a.transact((s) => ({ state: { ...s, generations: { edge1: 7 }, allocations: { sids: { n: 1 } } }, result: undefined }));
    await a.transact((s) => ({ state: { ...s, nodes: {}, chains: {}, allocations: { big: 2n ** 64n - 1n } }, result: undefined }));
    const b = new FileStore(dir);
    const s = await b.read();
    expect(s.generations).toEqual({ edge1: 7 });
    expect(s.allocations).toEqual({ big: 2n ** 64n - 1n });
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).generations).toEqual({ edge1: 7 });
  });

  it('serializes racing transactions: no lost update', async () => {
    const store = new MemoryStore();
    await Promise.all(
      Array.from({ length: 50 }, () =>
        store.transact((s) => ({ state: { ...s, generations: { n: (s.generations.n ?? 0) + 1 } }, result: undefined })),
      ),
    );
    expect((await store.read()).generations.n).toBe(50);
  });

  it('a throwing transaction changes nothing and does not block the next', async () => {
    const store = new MemoryStore(EMPTY_STATE);
    await expect(store.transact(() => { throw new Error('etag mismatch'); })).rejects.toThrow('etag mismatch');
    expect(await store.transact((s) => ({ result: s.generations }))).toEqual({});
  });
});
