/**
 * ChainService on a real server with a real client over a MemoryStore: the standard methods with
 * their AIP fields (etag, allow_missing, update_mask, validate_only, request_id), pages and
 * filters. Errors and watch have their own files.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainFromProto } from '../../../../src/controller/grpc/codecs/chain-codec.js';
import { planFromProto } from '../../../../src/controller/grpc/codecs/chain-plan-codec.js';
import type { ApplyChainResponse__Output } from '../../../../src/gen/srv6sfc/v1/ApplyChainResponse.js';
import type { Chain as ChainMsg } from '../../../../src/gen/srv6sfc/v1/Chain.js';
import type { CreateChainResponse__Output } from '../../../../src/gen/srv6sfc/v1/CreateChainResponse.js';
import type { DeleteChainResponse__Output } from '../../../../src/gen/srv6sfc/v1/DeleteChainResponse.js';
import type { GetChainResponse__Output } from '../../../../src/gen/srv6sfc/v1/GetChainResponse.js';
import type { ListChainsResponse__Output } from '../../../../src/gen/srv6sfc/v1/ListChainsResponse.js';
import type { UpdateChainRequest } from '../../../../src/gen/srv6sfc/v1/UpdateChainRequest.js';
import type { UpdateChainResponse__Output } from '../../../../src/gen/srv6sfc/v1/UpdateChainResponse.js';
import { type Controller, expectRpcError, startController, unary, webChain } from './server-support.js';

let c: Controller;
beforeEach(async () => {
  c = await startController();
});
afterEach(async () => {
  await c.close();
});

const create = (chainId: string, chain: ChainMsg = webChain(), extra: { validateOnly?: boolean; requestId?: string } = {}) =>
  unary<CreateChainResponse__Output>((o, cb) => c.chain.CreateChain({ chainId, chain, ...extra }, o, cb));
const get = (name: string) => unary<GetChainResponse__Output>((o, cb) => c.chain.GetChain({ name }, o, cb));
const update = (req: UpdateChainRequest) => unary<UpdateChainResponse__Output>((o, cb) => c.chain.UpdateChain(req, o, cb));
const apply = (chain: ChainMsg, extra: { validateOnly?: boolean; requestId?: string } = {}) =>
  unary<ApplyChainResponse__Output>((o, cb) => c.chain.ApplyChain({ chain, ...extra }, o, cb));
const del = (name: string, extra: { etag?: string; allowMissing?: boolean; validateOnly?: boolean; requestId?: string } = {}) =>
  unary<DeleteChainResponse__Output>((o, cb) => c.chain.DeleteChain({ name, ...extra }, o, cb));
const list = (req: { pageSize?: number; pageToken?: string; filter?: string } = {}) => unary<ListChainsResponse__Output>((o, cb) => c.chain.ListChains(req, o, cb));

describe('ChainService: create, get, update, delete', () => {
  it('creates a chain with the defaults made explicit, gets it back, refuses a second create', async () => {
    const res = await create('web');
    expect(res.plan).toBeNull();
    const chain = chainFromProto(res.chain);
    expect(chain).toMatchObject({ name: 'web', labels: { app: 'web', tier: 'front' }, generation: 1 });
    // As YAML documents are defaulted: decap auto, sr unaware, proxy auto; a function's proxy stays
    // absent (it follows the chain's).
    expect(chain.spec.egress.decap).toBe('auto');
    expect(chain.spec.functions.map((f) => f.sr)).toEqual(['unaware', 'unaware']);
    expect(chain.spec.proxy).toBe('auto');
    expect(res.chain!.spec!.proxy).toBe('PROXY_MODE_AUTO');
    expect(chain.spec.functions.map((f) => f.proxy)).toEqual([undefined, undefined]);
    expect(res.chain!.reconciling).toBe(true);
    expect(chainFromProto((await get('chains/web')).chain)).toEqual(chain);
    await expectRpcError(create('web'), 'ALREADY_EXISTS', 'CHAIN_ALREADY_EXISTS');
  });

  it('updates the fields the mask names and nothing else; an empty mask replaces labels and spec', async () => {
    const first = (await create('web')).chain!;
    const labelsOnly = (await update({ chain: { name: 'chains/web', labels: { app: 'shop' } }, updateMask: { paths: ['labels'] } })).chain!;
    expect(labelsOnly.labels).toEqual({ app: 'shop' });
    expect(labelsOnly.spec).toEqual(first.spec);
    expect(labelsOnly.generation).toBe('2');

    // A spec part replaces that part whole; the rest of the spec is kept.
    const proxy = (await update({ chain: { name: 'chains/web', spec: { proxy: 'PROXY_MODE_DYNAMIC' } }, updateMask: { paths: ['spec.proxy'] } })).chain!;
    expect(proxy.spec!.proxy).toBe('PROXY_MODE_DYNAMIC');
    expect(proxy.spec!.functions).toEqual(first.spec!.functions);
    // Named and left at its zero value: back to the default.
    const reset = (await update({ chain: { name: 'chains/web', spec: {} }, updateMask: { paths: ['spec.proxy'] } })).chain!;
    expect(reset.spec!.proxy).toBe('PROXY_MODE_AUTO');

    const full = (await update({ chain: webChain({ name: 'chains/web', labels: {} }) })).chain!;
    expect(full.labels).toEqual({});
    expect(full.generation).toBe('5');
  });

  it('update of a missing chain: NOT_FOUND, or with allow_missing a create (which needs ingress and egress)', async () => {
    await expectRpcError(update({ chain: { name: 'chains/nope', labels: {} }, updateMask: { paths: ['labels'] } }), 'NOT_FOUND', 'CHAIN_NOT_FOUND');
    const e = await expectRpcError(update({ chain: { name: 'chains/nope', labels: {} }, updateMask: { paths: ['labels'] }, allowMissing: true }), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(e.violations.map((v) => v.field)).toEqual(['chain.spec.ingress', 'chain.spec.egress']);
    const created = (await update({ chain: webChain({ name: 'chains/nope' }), allowMissing: true })).chain!;
    expect(created.generation).toBe('1');
  });

  it('updates without an etag read, patch and write again when another writer got in between (no lost update)', async () => {
    await create('web');
    // The three first reads wait for each other, so all three patch the same version.
    let reads = 0;
    let release: () => void = () => undefined;
    const together = new Promise<void>((resolve) => (release = resolve));
    const registryGet = c.chains.get.bind(c.chains);
    c.chains.get = async (name) => {
      const chain = await registryGet(name);
      if (++reads <= 3) {
        if (reads === 3) release();
        await together;
      }
      return chain;
    };
    let raced = 0;
    const registryUpdate = c.chains.update.bind(c.chains);
    c.chains.update = (input, opts) =>
      registryUpdate(input, opts).catch((err: { reason?: string }) => {
        if (err.reason === 'ETAG_MISMATCH') raced++;
        throw err;
      });
    await Promise.all([
      update({ chain: { name: 'chains/web', labels: { app: 'web', who: 'labels' } }, updateMask: { paths: ['labels'] } }),
      update({ chain: { name: 'chains/web', spec: { proxy: 'PROXY_MODE_DYNAMIC' } }, updateMask: { paths: ['spec.proxy'] } }),
      update({ chain: { name: 'chains/web', spec: { egress: { node: 'nodes/edge2', decap: 'DECAP_MODE_DX' } } }, updateMask: { paths: ['spec.egress'] } }),
    ]);
    const now = chainFromProto((await get('chains/web')).chain);
    expect(now.labels.who).toBe('labels');
    expect(now.spec.proxy).toBe('dynamic');
    expect(now.spec.egress.decap).toBe('dx');
    expect(now.generation).toBe(4);
    expect(raced).toBeGreaterThanOrEqual(2); // the three read the same version: two had to read again
  });

  it('deletes; again is NOT_FOUND, or success with allow_missing', async () => {
    await create('web');
    expect(await del('chains/web')).toEqual({ plan: null });
    await expectRpcError(get('chains/web'), 'NOT_FOUND', 'CHAIN_NOT_FOUND');
    await expectRpcError(del('chains/web'), 'NOT_FOUND', 'CHAIN_NOT_FOUND');
    expect(await del('chains/web', { allowMissing: true })).toEqual({ plan: null });
  });
});

describe('ChainService: etag', () => {
  it('two concurrent updates with the same etag: exactly one wins, the other is ABORTED', async () => {
    const etag = (await create('web')).chain!.etag;
    const results = await Promise.allSettled(
      ['x', 'y'].map((who) => update({ chain: { name: 'chains/web', labels: { who }, etag }, updateMask: { paths: ['labels'] } })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    await expectRpcError(Promise.reject(loser.reason), 'ABORTED', 'ETAG_MISMATCH');
    const now = chainFromProto((await get('chains/web')).chain);
    expect(now.generation).toBe(2);
    expect(['x', 'y']).toContain(now.labels.who);
  });

  it('a stale etag aborts update, apply and delete; the current one succeeds; status updates keep it', async () => {
    const v1 = (await create('web')).chain!.etag;
    const v2 = (await update({ chain: { name: 'chains/web', labels: { v: '2' } }, updateMask: { paths: ['labels'] } })).chain!.etag;
    expect(v2).not.toBe(v1);
    await expectRpcError(update({ chain: { name: 'chains/web', labels: {}, etag: v1 }, updateMask: { paths: ['labels'] } }), 'ABORTED', 'ETAG_MISMATCH');
    await expectRpcError(apply(webChain({ name: 'chains/web', etag: v1 })), 'ABORTED', 'ETAG_MISMATCH');
    await expectRpcError(del('chains/web', { etag: v1 }), 'ABORTED', 'ETAG_MISMATCH');
    // The reconciler's observations do not change the etag: a read-modify-write still works.
    await c.chains.setStatus('web', { observedGeneration: 2, conditions: [], segments: {}, instances: [] });
    expect((await get('chains/web')).chain!.etag).toBe(v2);
    await del('chains/web', { etag: v2 });
  });
});

describe('ChainService: apply', () => {
  it('creates, leaves an identical chain alone (same etag, map order irrelevant), updates a changed one', async () => {
    const created = await apply(webChain({ name: 'chains/web' }));
    expect(created.outcome).toBe('OUTCOME_CREATED');
    // The same labels and selector in another order, the defaults spelled out: the same chain.
    const same = webChain({ name: 'chains/web', labels: { tier: 'front', app: 'web' } });
    same.spec!.egress!.decap = 'DECAP_MODE_AUTO';
    same.spec!.proxy = 'PROXY_MODE_AUTO';
    const unchanged = await apply(same);
    expect(unchanged.outcome).toBe('OUTCOME_UNCHANGED');
    expect(unchanged.chain!.etag).toBe(created.chain!.etag);
    expect(unchanged.chain!.generation).toBe('1');
    const updated = await apply(webChain({ name: 'chains/web', labels: { app: 'web' } }));
    expect(updated.outcome).toBe('OUTCOME_UPDATED');
    expect(updated.chain!.generation).toBe('2');
  });

  it("a function's own proxy is stored as given; changing it is an update", async () => {
    const chain = webChain({ name: 'chains/web' });
    chain.spec!.functions![1]!.proxy = 'PROXY_MODE_STATIC';
    const created = await apply(chain);
    expect(created.chain!.spec!.functions.map((f) => f.proxy)).toEqual(['PROXY_MODE_UNSPECIFIED', 'PROXY_MODE_STATIC']);
    expect(chainFromProto(created.chain).spec.functions[1]!.proxy).toBe('static');
    chain.spec!.functions![1]!.proxy = 'PROXY_MODE_DYNAMIC';
    const updated = await apply(chain);
    expect(updated.outcome).toBe('OUTCOME_UPDATED');
    expect(updated.chain!.spec!.functions[1]!.proxy).toBe('PROXY_MODE_DYNAMIC');
  });

  it('a protocol number with a name is stored as the name, as in documents', async () => {
    const chain = webChain({ name: 'chains/web' });
    chain.spec!.ingress!.match = { destinations: ['10.2.0.0/24'], protocolNumber: 6, ports: [{ start: 80, end: 80 }] };
    const res = await apply(chain);
    expect(res.chain!.spec!.ingress!.match).toMatchObject({ protocol: 'protocolName', protocolName: 'L4_PROTOCOL_TCP' });
  });
});

describe('ChainService: validate_only', () => {
  it('create, update, apply and delete answer the planner’s plan and change nothing', async () => {
    const dry = await create('web', webChain(), { validateOnly: true });
    expect(chainFromProto(dry.chain).generation).toBe(1);
    const plan = planFromProto(dry.plan!);
    expect(plan.nodes.map((n) => n.node)).toEqual(['edge1', 'edge2', 'host1']);
    expect(plan.nodes.find((n) => n.node === 'host1')!.instances).toEqual([{ function: 'fw', id: 'web-fw', sids: { dx4: 'fc00:3::d4' }, action: 'create' }]);
    await expectRpcError(get('chains/web'), 'NOT_FOUND', 'CHAIN_NOT_FOUND');

    const real = (await create('web')).chain!;
    const dryUpdate = await update({ chain: { name: 'chains/web', labels: { v: '2' } }, updateMask: { paths: ['labels'] }, validateOnly: true });
    expect(dryUpdate.chain!.generation).toBe('2');
    expect(dryUpdate.plan).not.toBeNull();
    const dryApply = await apply(webChain({ name: 'chains/web', labels: {} }), { validateOnly: true });
    expect(dryApply.outcome).toBe('OUTCOME_UPDATED');
    expect(dryApply.plan).not.toBeNull();
    const dryDelete = await del('chains/web', { validateOnly: true });
    expect(planFromProto(dryDelete.plan!).nodes.flatMap((n) => n.instances.map((i) => i.action))).toEqual(['delete']);
    // Deleting nothing, as a dry run with allow_missing: an empty plan.
    expect(planFromProto((await del('chains/none', { validateOnly: true, allowMissing: true })).plan!)).toEqual({ nodes: [], segments: {} });

    expect((await get('chains/web')).chain).toEqual(real);
    expect(c.planner.asked.map((a) => [a.chain.name, a.delete])).toEqual([
      ['web', false],
      ['web', false],
      ['web', false],
      ['web', true],
    ]);
  });

  it('fails exactly when the real call would: a validate_only create of an existing chain is ALREADY_EXISTS', async () => {
    await create('web');
    await expectRpcError(create('web', webChain(), { validateOnly: true }), 'ALREADY_EXISTS', 'CHAIN_ALREADY_EXISTS');
    await expectRpcError(del('chains/other', { validateOnly: true }), 'NOT_FOUND', 'CHAIN_NOT_FOUND');
  });
});

describe('ChainService: list', () => {
  it('pages in name order with a label filter; tokens are bound to the filter', async () => {
    for (const [id, app] of [['e', 'web'], ['a', 'web'], ['d', 'db'], ['c', 'web'], ['b', 'web']] as const) {
      const chain = webChain({ labels: { app } });
      chain.spec!.ingress!.match = { destinations: [`10.${id.charCodeAt(0)}.0.0/24`] };
      await create(id, chain);
    }
    const names: string[][] = [];
    let pageToken = '';
    do {
      const page = await list({ pageSize: 2, pageToken, filter: 'labels.app = web' });
      names.push(page.chains.map((ch) => ch.name));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(names).toEqual([['chains/a', 'chains/b'], ['chains/c', 'chains/e']]);
    expect((await list()).chains).toHaveLength(5);
    expect((await list({ filter: 'NOT labels.app:*' })).chains).toEqual([]);

    const first = await list({ pageSize: 1, filter: 'labels.app=web' });
    const e = await expectRpcError(list({ pageSize: 1, pageToken: first.nextPageToken, filter: 'labels.app=db' }), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(e.violations.map((v) => v.field)).toEqual(['page_token']);
    const bad = await expectRpcError(list({ pageSize: -1, filter: 'labels.app=web OR labels.app=db' }), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(bad.violations.map((v) => v.field)).toEqual(['filter', 'page_size']);
  });
});

describe('ChainService: request_id', () => {
  it('a retried create answers the first answer instead of ALREADY_EXISTS; a retried delete succeeds', async () => {
    const requestId = randomUUID();
    const first = await create('web', webChain(), { requestId });
    const retry = await create('web', webChain(), { requestId });
    expect(retry).toEqual(first);
    // The same id in upper case is the same id (AIP-155 ids are UUIDs).
    expect(await create('web', webChain(), { requestId: requestId.toUpperCase() })).toEqual(first);
    await expectRpcError(create('web', webChain(), { requestId: randomUUID() }), 'ALREADY_EXISTS', 'CHAIN_ALREADY_EXISTS');

    const deleteId = randomUUID();
    await del('chains/web', { requestId: deleteId });
    expect(await del('chains/web', { requestId: deleteId })).toEqual({ plan: null });
  });

  it('concurrent duplicates share one execution; one id is per method', async () => {
    const requestId = randomUUID();
    const [a, b] = await Promise.all([create('web', webChain(), { requestId }), create('web', webChain(), { requestId })]);
    expect(a).toEqual(b);
    // An UpdateChain with the same id is a different request of another method: it runs.
    const res = await update({ chain: { name: 'chains/web', labels: {} }, updateMask: { paths: ['labels'] }, requestId });
    expect(res.chain!.generation).toBe('2');
  });

  it('a failed call is not remembered (the retry runs); the same id for another request is refused', async () => {
    const requestId = randomUUID();
    const unknownNode = webChain();
    unknownNode.spec!.egress = { node: 'nodes/edge3' };
    await expectRpcError(create('web', unknownNode, { requestId }), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    await c.nodes.register({ ...(await c.nodes.get('edge2')), name: 'edge3', locator: 'fc00:9::/48' });
    expect((await create('web', unknownNode, { requestId })).chain!.generation).toBe('1');

    const e = await expectRpcError(create('other', webChain(), { requestId }), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(e.violations).toEqual([{ field: 'request_id', description: 'was already used for a different CreateChain request: use a new id for every request' }]);
    const malformed = await expectRpcError(create('other', webChain(), { requestId: 'retry-1' }), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(malformed.violations.map((v) => v.field)).toEqual(['request_id']);
  });

  it('dry runs are not remembered: the same id later runs for real', async () => {
    const requestId = randomUUID();
    await create('web', webChain(), { requestId, validateOnly: true });
    expect((await create('web', webChain(), { requestId })).chain!.generation).toBe('1');
    await get('chains/web');
  });
});
