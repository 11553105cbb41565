import { describe, expect, it } from 'vitest';
import {
  type ChainInstance,
  getInstanceFromProto,
  instanceFromProto,
  instanceToProto,
  listInstancesFromProto,
  listInstancesResultFromProto,
  listInstancesResultToProto,
  listInstancesToProto,
} from '../../../../src/controller/grpc/codecs/instance-codec.js';
import { encodePageToken } from '../../../../src/controller/grpc/codecs/page-token.js';
import { ALL_CHAINS } from '../../../../src/controller/grpc/codecs/resource-name.js';
import { MAX_U64, fieldsOf, wire } from './support.js';

const RUNNING: ChainInstance = {
  chain: 'web',
  function: 'fw',
  node: 'host1',
  id: 'web-fw-0',
  sids: { dx4: 'fc00:3::d4', dx6: 'fc00:3::d6' },
  state: 'running',
  counters: { packets: MAX_U64, bytes: 2n ** 53n + 1n, errors: 0n },
};
const EXITED: ChainInstance = { chain: 'web', function: 'mon', node: 'host2', id: 'web-mon-0', sids: {}, state: 'exited', reason: 'namespace removed' };
const PENDING: ChainInstance = { chain: 'db', function: 'nat', node: 'host1', id: 'db-nat-0', sids: { dx6: 'fc00:3::e6' }, state: 'pending' };

describe('instance codec', () => {
  it('round-trips every field and state, counters exact beyond 2^53, absent counters absent', () => {
    for (const i of [RUNNING, EXITED, PENDING]) expect(instanceFromProto(wire('Instance', instanceToProto(i)))).toStrictEqual(i);
    const m = instanceToProto(RUNNING);
    expect(m.name).toBe('chains/web/instances/fw');
    expect(m.counters).toEqual({ packets: '18446744073709551615', bytes: '9007199254740993', errors: '0' });
  });

  it('reports malformed instances with their paths', () => {
    const m = wire('Instance', { name: 'chains/web/functions/fw', node: 'host1', state: 'STATE_UNSPECIFIED' });
    expect(fieldsOf(() => instanceFromProto(m))).toEqual(['instance.name', 'instance.node', 'instance.instance_id', 'instance.state']);
    expect(fieldsOf(() => instanceFromProto(null))).toEqual(['instance']);
  });

  it('decodes GetInstance and ListInstances requests: a chain, or chains/- for all', () => {
    expect(getInstanceFromProto(wire('GetInstanceRequest', { name: 'chains/web/instances/fw' }))).toEqual({ chain: 'web', function: 'fw' });
    expect(fieldsOf(() => getInstanceFromProto(wire('GetInstanceRequest', { name: 'chains/web' })))).toEqual(['name']);
    const all = listInstancesFromProto(wire('ListInstancesRequest', listInstancesToProto({})));
    expect(all).toStrictEqual({ chain: ALL_CHAINS, page: { size: 100, query: 'parent=chains/-' } });
    const token = encodePageToken('chains/web/instances/fw', 'parent=chains/web');
    const one = listInstancesFromProto(wire('ListInstancesRequest', listInstancesToProto({ chain: 'web', pageSize: 1, pageToken: token })));
    expect(one).toStrictEqual({ chain: 'web', page: { size: 1, after: 'chains/web/instances/fw', query: 'parent=chains/web' } });
    expect(fieldsOf(() => listInstancesFromProto(wire('ListInstancesRequest', { parent: 'chains/db', pageToken: token })))).toEqual(['page_token']);
    expect(fieldsOf(() => listInstancesFromProto(wire('ListInstancesRequest', { parent: '-' })))).toEqual(['parent']);
  });

  it('round-trips ListInstances pages', () => {
    const page = { instances: [PENDING, RUNNING, EXITED], nextPageToken: 't' };
    expect(listInstancesResultFromProto(wire('ListInstancesResponse', listInstancesResultToProto(page)))).toStrictEqual(page);
  });
});
