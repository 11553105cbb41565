/**
 * InstanceService on a real server: instances read from the chains' status (what the reconciler
 * observed), one chain or every chain (`chains/-`), in name order, a page at a time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instanceFromProto, listInstancesResultFromProto } from '../../../../src/controller/grpc/codecs/instance-codec.js';
import type { GetInstanceResponse__Output } from '../../../../src/gen/srv6sfc/v1/GetInstanceResponse.js';
import type { ListInstancesResponse__Output } from '../../../../src/gen/srv6sfc/v1/ListInstancesResponse.js';
import type { ChainStatus } from '../../../../src/model/chain.js';
import { type Controller, expectRpcError, startController, unary, webChain } from './server-support.js';

let c: Controller;
beforeEach(async () => {
  c = await startController();
  for (const id of ['web', 'db']) {
    const chain = webChain({ name: `chains/${id}` });
    chain.spec!.ingress!.match = { destinations: [id === 'web' ? '10.1.0.0/24' : '10.2.0.0/24'] };
    await unary((o, cb) => c.chain.ApplyChain({ chain }, o, cb));
  }
  await c.chains.setStatus('web', status(true, [['mon', 'host2', 'web-mon-0'], ['fw', 'host1', 'web-fw-0']]));
  await c.chains.setStatus('db', status(false, [['fw', 'host1', 'db-fw-0']]));
});
afterEach(async () => {
  await c.close();
});

function status(ready: boolean, instances: [string, string, string][]): ChainStatus {
  return {
    observedGeneration: 1,
    conditions: [{ type: 'InstancesReady', status: ready ? 'True' : 'False', reason: ready ? 'Running' : 'Spawning', message: '', lastTransitionTime: '2026-01-01T00:00:00.000Z', observedGeneration: 1 }],
    segments: {},
    instances: instances.map(([fn, node, id]) => ({ function: fn, node, id, sids: { dx4: 'fc00:3::d4', dx6: 'fc00:3::d6' }, packets: 12n })),
  };
}

const getInstance = (name: string) => unary<GetInstanceResponse__Output>((o, cb) => c.instance.GetInstance({ name }, o, cb));
const listInstances = (parent: string, pageSize = 0, pageToken = '') =>
  unary<ListInstancesResponse__Output>((o, cb) => c.instance.ListInstances({ parent, pageSize, pageToken }, o, cb));

describe('InstanceService', () => {
  it('gets an instance from its chain’s status', async () => {
    expect(instanceFromProto((await getInstance('chains/web/instances/fw')).instance)).toEqual({
      chain: 'web',
      function: 'fw',
      node: 'host1',
      id: 'web-fw-0',
      sids: { dx4: 'fc00:3::d4', dx6: 'fc00:3::d6' },
      state: 'running',
    });
    expect(instanceFromProto((await getInstance('chains/db/instances/fw')).instance).state).toBe('pending');
  });

  it('NOT_FOUND: CHAIN_NOT_FOUND for the chain, INSTANCE_NOT_FOUND for a function without an instance', async () => {
    await expectRpcError(getInstance('chains/nope/instances/fw'), 'NOT_FOUND', 'CHAIN_NOT_FOUND');
    await expectRpcError(getInstance('chains/db/instances/mon'), 'NOT_FOUND', 'INSTANCE_NOT_FOUND'); // in the spec, not placed yet
    await expectRpcError(getInstance('chains/db/instances/ids'), 'NOT_FOUND', 'INSTANCE_NOT_FOUND');
    await expectRpcError(listInstances('chains/nope'), 'NOT_FOUND', 'CHAIN_NOT_FOUND');
    const bad = await expectRpcError(getInstance('chains/db/functions/fw'), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(bad.violations.map((v) => v.field)).toEqual(['name']);
  });

  it('lists one chain’s instances or every chain’s (chains/-), in name order, a page at a time', async () => {
    const web = listInstancesResultFromProto(await listInstances('chains/web'));
    expect(web.instances.map((i) => i.function)).toEqual(['fw', 'mon']);
    const names: string[] = [];
    let token = '';
    do {
      const page = await listInstances('chains/-', 2, token);
      expect(page.instances.length).toBeLessThanOrEqual(2);
      names.push(...page.instances.map((i) => i.name));
      token = page.nextPageToken;
    } while (token);
    expect(names).toEqual(['chains/db/instances/fw', 'chains/web/instances/fw', 'chains/web/instances/mon']);
    const first = await listInstances('chains/-', 1);
    const e = await expectRpcError(listInstances('chains/web', 1, first.nextPageToken), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(e.violations.map((v) => v.field)).toEqual(['page_token']);
  });
});
