import { describe, expect, it } from 'vitest';
import type { DryRunPlan } from '../../../../src/controller/grpc/codecs/chain-plan-codec.js';
import { planFromProto, planToProto } from '../../../../src/controller/grpc/codecs/chain-plan-codec.js';
import {
  applyChainResultFromProto,
  applyChainResultToProto,
  chainEventFromProto,
  chainEventToProto,
  chainResultFromProto,
  chainResultToProto,
  deleteChainResultFromProto,
  deleteChainResultToProto,
  listChainsResultFromProto,
  listChainsResultToProto,
} from '../../../../src/controller/grpc/codecs/chain-responses-codec.js';
import { FULL_CHAIN, MINIMAL_CHAIN, fieldsOf, wire } from './support.js';

const PLAN: DryRunPlan = {
  nodes: [
    { node: 'edge1', ops: { created: 2, replaced: 1, deleted: 0, unchanged: 7 }, instances: [], sids: [] },
    {
      node: 'edge2',
      ops: { created: 1, replaced: 0, deleted: 0, unchanged: 0 },
      instances: [],
      sids: [{ sid: 'fc00:2::d46', behavior: 'End.DT46', action: 'create' }],
    },
    {
      node: 'host1',
      ops: { created: 4, replaced: 0, deleted: 3, unchanged: 0 },
      instances: [
        { function: 'fw', id: 'web-fw-1', sids: { dx4: 'fc00:3::d4', dx6: 'fc00:3::d6' }, proxy: 'dynamic', action: 'create' },
        { function: 'fw', id: 'web-fw-0', sids: { dx4: 'fc00:3::a4' }, action: 'delete' },
        { function: 'mon', id: 'web-mon-0', sids: {}, proxy: 'static', action: 'keep' },
      ],
      sids: [
        { sid: 'fc00:3::d4', behavior: 'End.DX4', function: 'fw', action: 'create' },
        { sid: 'fc00:3::d6', behavior: 'End.DX6', function: 'fw', action: 'keep' },
        { sid: 'fc00:3::a4', behavior: 'End.DX4', function: 'fw', action: 'delete' },
      ],
    },
  ],
  segments: { ipv4: ['fc00:3::d4', 'fc00:2::d46'] },
};

describe('chain plan codec', () => {
  it('round-trips every field', () => {
    expect(planFromProto(wire('ChainPlan', planToProto(PLAN)))).toStrictEqual(PLAN);
    const empty: DryRunPlan = { nodes: [], segments: {} };
    expect(planFromProto(wire('ChainPlan', planToProto(empty)))).toStrictEqual(empty);
  });

  it('reports malformed fields with their paths', () => {
    const m = wire('ChainPlan', {
      nodes: [{ node: 'edge1', instances: [{ function: 'fw', action: 'PLAN_ACTION_UNSPECIFIED' }], sids: [{ sid: 'fc00::1', behavior: 'End.AD', action: 'PLAN_ACTION_KEEP' }] }],
    });
    expect(fieldsOf(() => planFromProto(m))).toEqual([
      'plan.nodes[0].node',
      'plan.nodes[0].instances[0].instance_id',
      'plan.nodes[0].instances[0].action',
      'plan.nodes[0].sids[0].behavior',
    ]);
  });
});

describe('ChainService responses and events', () => {
  it('round-trip Create/Update/Get results with and without a plan', () => {
    expect(chainResultFromProto(wire('CreateChainResponse', chainResultToProto({ chain: FULL_CHAIN, plan: PLAN })))).toStrictEqual({ chain: FULL_CHAIN, plan: PLAN });
    expect(chainResultFromProto(wire('UpdateChainResponse', chainResultToProto({ chain: MINIMAL_CHAIN })))).toStrictEqual({ chain: MINIMAL_CHAIN });
    expect(chainResultFromProto(wire('GetChainResponse', { chain: chainResultToProto({ chain: FULL_CHAIN }).chain }))).toStrictEqual({ chain: FULL_CHAIN });
  });

  it('round-trip Apply results, each outcome', () => {
    for (const outcome of ['created', 'updated', 'unchanged'] as const) {
      const res = { chain: FULL_CHAIN, outcome, ...(outcome === 'created' ? { plan: PLAN } : {}) };
      expect(applyChainResultFromProto(wire('ApplyChainResponse', applyChainResultToProto(res)))).toStrictEqual(res);
    }
    expect(fieldsOf(() => applyChainResultFromProto(wire('ApplyChainResponse', {})))).toEqual(['chain', 'outcome']);
  });

  it('round-trip Delete results and List pages', () => {
    expect(deleteChainResultFromProto(wire('DeleteChainResponse', deleteChainResultToProto({ plan: PLAN })))).toStrictEqual({ plan: PLAN });
    expect(deleteChainResultFromProto(wire('DeleteChainResponse', deleteChainResultToProto({})))).toStrictEqual({});
    const page = { chains: [MINIMAL_CHAIN, FULL_CHAIN], nextPageToken: 'abc' };
    expect(listChainsResultFromProto(wire('ListChainsResponse', listChainsResultToProto(page)))).toStrictEqual(page);
    expect(listChainsResultFromProto(wire('ListChainsResponse', listChainsResultToProto({ chains: [], nextPageToken: '' })))).toStrictEqual({ chains: [], nextPageToken: '' });
  });

  it('round-trip watch events of every type', () => {
    for (const type of ['ADDED', 'MODIFIED', 'DELETED'] as const) {
      expect(chainEventFromProto(wire('WatchChainsResponse', chainEventToProto({ type, chain: FULL_CHAIN })))).toStrictEqual({ type, chain: FULL_CHAIN });
    }
    expect(wire('WatchChainsResponse', chainEventToProto({ type: 'DELETED', chain: MINIMAL_CHAIN })).type).toBe('TYPE_DELETED');
    expect(fieldsOf(() => chainEventFromProto(wire('WatchChainsResponse', { type: 9 as never })))).toEqual(['type', 'chain']);
  });
});
