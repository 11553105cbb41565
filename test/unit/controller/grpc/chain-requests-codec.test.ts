import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../src/common/errors.js';
import { ProtoReader } from '../../../../src/common/grpc/proto-reader.js';
import {
  applyChainFromProto,
  applyChainToProto,
  createChainFromProto,
  createChainToProto,
  deleteChainFromProto,
  deleteChainToProto,
  getChainFromProto,
  listChainsFromProto,
  listChainsToProto,
  updateChainFromProto,
  updateChainToProto,
  watchChainsFromProto,
} from '../../../../src/controller/grpc/codecs/chain-requests-codec.js';
import { applyChainPatch, updateMaskFromProto } from '../../../../src/controller/grpc/codecs/chain-update.js';
import { encodePageToken } from '../../../../src/controller/grpc/codecs/page-token.js';
import { FULL_CHAIN, MINIMAL_CHAIN, fieldsOf, violationsOf, wire } from './support.js';

const UUID = '7d444840-9dc0-11d1-b245-5ffdce74fad2';
const { labels, spec } = FULL_CHAIN;

describe('CreateChain, GetChain, DeleteChain, ApplyChain requests', () => {
  it('round-trip every field', () => {
    const create = { chainId: 'web', chain: { labels, spec }, validateOnly: true, requestId: UUID };
    expect(createChainFromProto(wire('CreateChainRequest', createChainToProto(create)))).toStrictEqual(create);

    const del = { name: 'web', etag: '"7"', allowMissing: true, validateOnly: true, requestId: UUID };
    expect(deleteChainFromProto(wire('DeleteChainRequest', deleteChainToProto(del)))).toStrictEqual(del);

    const apply = { chain: { name: 'web', labels, spec, etag: '"7"' }, validateOnly: false, requestId: UUID };
    expect(applyChainFromProto(wire('ApplyChainRequest', applyChainToProto(apply)))).toStrictEqual(apply);

    expect(getChainFromProto(wire('GetChainRequest', { name: 'chains/web' }))).toStrictEqual({ name: 'web' });
  });

  it('round-trip the smallest requests: no etag, no request id, defaults false', () => {
    const create = { chainId: 'a', chain: { labels: {}, spec: MINIMAL_CHAIN.spec }, validateOnly: false };
    expect(createChainFromProto(wire('CreateChainRequest', createChainToProto(create)))).toStrictEqual(create);
    const del = { name: 'a', allowMissing: false, validateOnly: false };
    expect(deleteChainFromProto(wire('DeleteChainRequest', deleteChainToProto(del)))).toStrictEqual(del);
  });

  it('ignores output-only fields and the name in CreateChain', () => {
    const m = wire('CreateChainRequest', { chainId: 'web', chain: { name: 'chains/other', spec: wire('Chain', { spec: createChainToProto({ chainId: 'x', chain: { labels: {}, spec } }).chain!.spec }).spec!, generation: '99', reconciling: true, status: { observedGeneration: '3' } } });
    expect(createChainFromProto(m)).toStrictEqual({ chainId: 'web', chain: { labels: {}, spec }, validateOnly: false });
  });

  it('lowercases request ids and refuses what is not a UUID', () => {
    const m = wire('DeleteChainRequest', { name: 'chains/a', requestId: UUID.toUpperCase() });
    expect(deleteChainFromProto(m).requestId).toBe(UUID);
    expect(fieldsOf(() => deleteChainFromProto(wire('DeleteChainRequest', { name: 'chains/a', requestId: 'retry-1' })))).toEqual(['request_id']);
  });

  it('names every bad field of a request at once', () => {
    const m = wire('CreateChainRequest', { chainId: 'Web_1', chain: { spec: { ingress: { node: 'nodes/e', match: { destinations: ['::/0'] } } } }, requestId: 'x' });
    expect(fieldsOf(() => createChainFromProto(m))).toEqual(['chain_id', 'chain.spec.egress', 'request_id']);
    expect(fieldsOf(() => createChainFromProto(wire('CreateChainRequest', {})))).toEqual(['chain_id', 'chain']);
    expect(fieldsOf(() => applyChainFromProto(wire('ApplyChainRequest', { chain: { spec: {} } })))).toEqual(['chain.name', 'chain.spec.ingress', 'chain.spec.egress']);
    expect(violationsOf(() => getChainFromProto(wire('GetChainRequest', { name: 'web' })))).toEqual([
      { field: 'name', description: 'must be chains/{chain} with {chain} a DNS label (lowercase letters, digits, \'-\', 1..63), got "web"' },
    ]);
    expect(fieldsOf(() => getChainFromProto(wire('GetChainRequest', {})))).toEqual(['name']);
  });

  it('throws InvalidArgumentError, which the handler wrapper answers with INVALID_ARGUMENT', () => {
    expect(() => getChainFromProto(wire('GetChainRequest', { name: 'chains/' }))).toThrow(InvalidArgumentError);
    expect(() => getChainFromProto(wire('GetChainRequest', { name: 'chains/' }))).toThrow(/invalid GetChain request: name: must be chains/);
  });
});

describe('UpdateChain requests', () => {
  it('round-trip a patch of every updatable field', () => {
    const call = { name: 'web', etag: '"7"', patch: { paths: ['labels', 'spec'] as const, labels, spec }, allowMissing: true, validateOnly: true, requestId: UUID };
    expect(updateChainFromProto(wire('UpdateChainRequest', updateChainToProto(call)))).toStrictEqual({ ...call, patch: { ...call.patch, paths: ['labels', 'spec'] } });
  });

  it('round-trip a patch of parts of the spec, including a reset to the default', () => {
    const call = {
      name: 'web',
      patch: { paths: ['spec.functions', 'spec.proxy'] as const, spec: { functions: spec.functions, proxy: undefined } },
      allowMissing: false,
      validateOnly: false,
    };
    const back = updateChainFromProto(wire('UpdateChainRequest', updateChainToProto(call)));
    expect(back).toStrictEqual({ ...call, patch: { paths: ['spec.functions', 'spec.proxy'], spec: { functions: spec.functions, proxy: undefined } } });
    expect('proxy' in back.patch.spec).toBe(true);
  });

  it('reads only what the mask names: other fields need not be valid', () => {
    const m = wire('UpdateChainRequest', { chain: { name: 'chains/web', labels: { a: 'b' }, spec: { egress: { decap: 42 as never } } }, updateMask: { paths: ['labels'] } });
    expect(updateChainFromProto(m).patch).toStrictEqual({ paths: ['labels'], labels: { a: 'b' }, spec: {} });
  });

  it('normalizes the mask: empty or * is labels and spec, covered paths and output-only paths drop', () => {
    const mask = (paths: string[]) => {
      const r = new ProtoReader();
      const out = updateMaskFromProto(r, 'update_mask', { paths });
      return { out, fields: r.violations.list.map((v) => v.field) };
    };
    expect(mask([])).toEqual({ out: ['labels', 'spec'], fields: [] });
    expect(mask(['*'])).toEqual({ out: ['labels', 'spec'], fields: [] });
    expect(mask(['spec.proxy', 'spec', 'labels', 'labels'])).toEqual({ out: ['spec', 'labels'], fields: [] });
    expect(mask(['status.conditions', 'etag', 'update_time', 'spec.ingress'])).toEqual({ out: ['spec.ingress'], fields: [] });
    expect(mask(['spec.ingress.match', 'specs', '*'])).toEqual({ out: ['labels', 'spec'], fields: ['update_mask.paths[0]', 'update_mask.paths[1]'] });
    expect(mask(['spec.ingress.match', 'spec.functions[0]']).fields).toEqual(['update_mask.paths[0]', 'update_mask.paths[1]']);
  });

  it('requires the chain and its name, and the spec parts the mask names', () => {
    expect(fieldsOf(() => updateChainFromProto(wire('UpdateChainRequest', {})))).toEqual(['chain']);
    const m = wire('UpdateChainRequest', { chain: { name: 'chains/web' }, updateMask: { paths: ['spec.egress'] } });
    expect(fieldsOf(() => updateChainFromProto(m))).toEqual(['chain.spec']);
    const n = wire('UpdateChainRequest', { chain: { spec: {} }, updateMask: { paths: ['spec.egress', 'spec.ingress'] } });
    expect(fieldsOf(() => updateChainFromProto(n))).toEqual(['chain.name', 'chain.spec.ingress', 'chain.spec.egress']);
  });

  it('applies a patch onto the current chain, and creates from one that carries ingress and egress', () => {
    const current = { labels: { app: 'web' }, spec: FULL_CHAIN.spec };
    expect(applyChainPatch(current, { paths: ['spec.proxy', 'labels'], labels: {}, spec: { proxy: undefined } })).toStrictEqual({
      labels: {},
      spec: (({ proxy: _p, ...rest }) => rest)(FULL_CHAIN.spec),
    });
    expect(applyChainPatch(current, { paths: ['spec.functions'], spec: { functions: [] } })).toStrictEqual({ labels: { app: 'web' }, spec: { ...FULL_CHAIN.spec, functions: [] } });
    const created = applyChainPatch(undefined, { paths: ['spec.ingress', 'spec.egress'], spec: { ingress: spec.ingress, egress: spec.egress } });
    expect(created).toStrictEqual({ labels: {}, spec: { ingress: spec.ingress, egress: spec.egress, functions: [] } });
    expect(violationsOf(() => applyChainPatch(undefined, { paths: ['labels'], labels: {}, spec: {} })).map((v) => v.field)).toEqual(['chain.spec.ingress', 'chain.spec.egress']);
  });
});

describe('ListChains and WatchChains requests', () => {
  it('parse the filter and default the page size', () => {
    const call = listChainsFromProto(wire('ListChainsRequest', { filter: 'labels.app = web AND NOT labels.canary:*' }));
    expect(call.filter).toEqual([
      { key: 'app', op: 'eq', value: 'web' },
      { key: 'canary', op: 'notExists' },
    ]);
    expect(call.page).toEqual({ size: 100, query: 'filter=labels.app=web AND NOT labels.canary:*' });
    expect(listChainsFromProto(wire('ListChainsRequest', { pageSize: 5000 })).page.size).toBe(1000);
    expect(watchChainsFromProto(wire('WatchChainsRequest', { filter: 'labels.app!=db' })).filter).toEqual([{ key: 'app', op: 'ne', value: 'db' }]);
  });

  it('round-trip through the client encoder, page token included', () => {
    const filter = [{ key: 'srv6-sfc/role', op: 'eq', value: 'edge' }] as const;
    const token = encodePageToken('chains/m', 'filter=labels.srv6-sfc/role=edge');
    const call = listChainsFromProto(wire('ListChainsRequest', listChainsToProto({ pageSize: 10, pageToken: token, filter })));
    expect(call).toStrictEqual({ filter, page: { size: 10, after: 'chains/m', query: 'filter=labels.srv6-sfc/role=edge' } });
  });

  it('refuse a negative page size, a bad filter, and a token of another query', () => {
    const token = encodePageToken('chains/m', 'filter=labels.a=b');
    const m = wire('ListChainsRequest', { pageSize: -1, pageToken: token, filter: 'labels.a=c' });
    expect(fieldsOf(() => listChainsFromProto(m))).toEqual(['page_size', 'page_token']);
    expect(violationsOf(() => watchChainsFromProto(wire('WatchChainsRequest', { filter: 'labels.a=b OR labels.c=d' })))).toEqual([
      { field: 'filter', description: 'is not a valid filter at column 12: expected "AND" (OR is not supported), found "OR labels.c="' },
    ]);
  });
});
