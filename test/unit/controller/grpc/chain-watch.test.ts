/**
 * WatchChains on a real server: the snapshot, then the changes of the client's filtered view
 * (chains entering and leaving it), the registry listener released when the client cancels or
 * the server drains, and the view's bookkeeping on its own.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChainView } from '../../../../src/controller/grpc/chain-view.js';
import { chainEventFromProto } from '../../../../src/controller/grpc/codecs/chain-responses-codec.js';
import { parseLabelFilter } from '../../../../src/controller/grpc/codecs/label-filter.js';
import type { Chain as ChainMsg } from '../../../../src/gen/srv6sfc/v1/Chain.js';
import type { WatchChainsResponse__Output } from '../../../../src/gen/srv6sfc/v1/WatchChainsResponse.js';
import type { Chain } from '../../../../src/model/chain.js';
import { type Controller, expectRpcError, startController, unary, until, webChain } from './server-support.js';

let c: Controller;
beforeEach(async () => {
  c = await startController();
});
afterEach(async () => {
  await c.close();
});

/** A chain with its own destination (chains may not share a classifier) and these labels. */
function chain(id: string, labels: Record<string, string>): ChainMsg {
  const m = webChain({ name: `chains/${id}`, labels });
  m.spec!.ingress!.match = { destinations: [`10.${id.charCodeAt(0)}.0.0/24`] };
  return m;
}
const apply = (m: ChainMsg) => unary((o, cb) => c.chain.ApplyChain({ chain: m }, o, cb));

interface Watch {
  readonly events: { type: string; name: string; labels: Record<string, string> }[];
  readonly call: grpc.ClientReadableStream<WatchChainsResponse__Output>;
  readonly ended: Promise<grpc.ServiceError | undefined>;
}

function watch(filter = ''): Watch {
  const events: Watch['events'] = [];
  const call = c.chain.WatchChains({ filter });
  call.on('data', (m: WatchChainsResponse__Output) => {
    const e = chainEventFromProto(m);
    events.push({ type: e.type, name: e.chain.name, labels: { ...e.chain.labels } });
  });
  const ended = new Promise<grpc.ServiceError | undefined>((resolve) => {
    call.on('error', (err: grpc.ServiceError) => resolve(err));
    call.on('end', () => resolve(undefined));
  });
  return { events, call, ended };
}

describe('WatchChains', () => {
  it('sends the filtered snapshot, then every change of the view, and releases its listener on cancel', async () => {
    await apply(chain('a', { app: 'web' }));
    await apply(chain('b', { app: 'db' }));
    const w = watch('labels.app=web');
    await until(() => w.events.length === 1, 'the snapshot');
    expect(w.events).toEqual([{ type: 'ADDED', name: 'a', labels: { app: 'web' } }]);
    expect(c.listeners()).toBe(1);

    await apply(chain('c', { app: 'web' })); // created in view: ADDED
    await apply(chain('a', { app: 'db' })); // leaves the view: DELETED, with its new labels
    await apply(chain('b', { app: 'web' })); // enters the view: ADDED
    await apply(chain('b', { app: 'web' })); // unchanged: nothing
    await apply(chain('d', { app: 'db' })); // outside the view: nothing
    await c.chains.setStatus('c', { observedGeneration: 1, conditions: [], segments: {}, instances: [] }); // status: MODIFIED
    await unary((o, cb) => c.chain.DeleteChain({ name: 'chains/c' }, o, cb)); // DELETED
    await until(() => w.events.length === 6, 'six events');
    expect(w.events.slice(1)).toEqual([
      { type: 'ADDED', name: 'c', labels: { app: 'web' } },
      { type: 'DELETED', name: 'a', labels: { app: 'db' } },
      { type: 'ADDED', name: 'b', labels: { app: 'web' } },
      { type: 'MODIFIED', name: 'c', labels: { app: 'web' } },
      { type: 'DELETED', name: 'c', labels: { app: 'web' } },
    ]);

    w.call.cancel();
    expect((await w.ended)?.code).toBe(grpc.status.CANCELLED);
    await until(() => c.listeners() === 0, 'the listener to go');
  });

  it('without a filter sees everything; the server draining ends it with UNAVAILABLE (SHUTTING_DOWN)', async () => {
    await apply(chain('a', {}));
    const w = watch();
    await until(() => w.events.length === 1, 'the snapshot');
    await apply(chain('b', { any: 'thing' }));
    await until(() => w.events.length === 2, 'the second chain');
    c.chainService.drain();
    await expectRpcError(w.ended.then((err) => Promise.reject(err)), 'UNAVAILABLE', 'SHUTTING_DOWN');
    await until(() => c.listeners() === 0, 'the listener to go');
  });

  it('a filter that does not parse is INVALID_ARGUMENT on filter', async () => {
    const w = watch('labels.app=web OR labels.app=db');
    const e = await expectRpcError(w.ended.then((err) => Promise.reject(err)), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(e.violations.map((v) => v.field)).toEqual(['filter']);
    expect(c.listeners()).toBe(0);
  });
});

describe('ChainView', () => {
  const at = (name: string, labels: Record<string, string>): Chain => ({
    name,
    labels,
    spec: { ingress: { node: 'edge1', match: { destinations: ['10.0.0.0/8'] } }, egress: { node: 'edge2' }, functions: [] },
    generation: 1,
    etag: '',
    createTime: '2026-01-01T00:00:00.000Z',
    updateTime: '2026-01-01T00:00:00.000Z',
    status: { observedGeneration: 0, conditions: [], segments: {}, instances: [] },
  });

  it('drops an event the snapshot already showed (the same object), and deletions of chains it never sent', () => {
    const filter = parseLabelFilter('labels.app=web');
    if ('error' in filter) throw new Error(filter.error);
    const view = new ChainView(filter.filter);
    const a = at('a', { app: 'web' });
    expect(view.next({ type: 'ADDED', chain: a })).toEqual({ type: 'ADDED', chain: a });
    expect(view.next({ type: 'ADDED', chain: a })).toBeUndefined(); // held back during the snapshot
    expect(view.next({ type: 'DELETED', chain: at('x', { app: 'web' }) })).toBeUndefined();
    const a2 = at('a', { app: 'web' });
    expect(view.next({ type: 'MODIFIED', chain: a2 })).toEqual({ type: 'MODIFIED', chain: a2 });
    expect(view.next({ type: 'DELETED', chain: a2 })).toEqual({ type: 'DELETED', chain: a2 });
    expect(view.next({ type: 'DELETED', chain: a2 })).toBeUndefined();
  });
});
