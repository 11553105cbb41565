import { describe, expect, it } from 'vitest';
import { chainView } from '../../../src/lab/sfclab/chain-views.js';
import { labNamespacePrefix, labPaths, nodeNamespace } from '../../../src/lab/sfclab/lab-layout.js';
import { underlayBatch } from '../../../src/lab/sfclab/wire.js';
import type { Chain } from '../../../src/model/chain.js';

describe('sfclab pure parts', () => {
  it('names everything with the project prefix and keeps run files in the lab directory', () => {
    expect(nodeNamespace('demo', 'fn1')).toBe('sfc-demo-fn1');
    expect(labNamespacePrefix('demo')).toBe('sfc-demo-');
    const p = labPaths('demo', '/run/x');
    expect([p.record, p.controllerSocket, p.agentSocket('fn1'), p.agentState('fn1')]).toEqual([
      '/run/x/demo/lab.json',
      '/run/x/demo/controller.sock',
      '/run/x/demo/agents/fn1.sock',
      '/run/x/demo/agents/fn1-state',
    ]);
  });

  it('turns a node underlay into one ip -batch: IPv6 addresses without DAD, -6 implied by the addresses', () => {
    const batch = underlayBatch({
      node: 'edge1',
      addresses: [
        { dev: 'lo', address: 'fc00:1::1/128' },
        { dev: 'eth1', address: '10.1.0.1/24' },
      ],
      routes: ['-6 route add fc00:2::/48 via fcf0:0:1::2 dev eth2', 'route add 10.2.0.0/24 metric 5000 encap seg6 mode encap segs fc00:5::d4 dev eth2'],
      sysctls: {},
      customerInterfaces: ['eth1'],
    });
    expect(batch).toBe(
      [
        'addr add fc00:1::1/128 dev lo nodad',
        'addr add 10.1.0.1/24 dev eth1',
        'route add fc00:2::/48 via fcf0:0:1::2 dev eth2',
        'route add 10.2.0.0/24 metric 5000 encap seg6 mode encap segs fc00:5::d4 dev eth2',
        '',
      ].join('\n'),
    );
    expect(underlayBatch({ node: 'h', addresses: [], routes: [], sysctls: {}, customerInterfaces: [] })).toBe('');
  });

  it('draws a chain from its status: functions on the nodes they run on, NotReady with its reason', () => {
    const chain = {
      name: 'web',
      labels: {},
      generation: 2,
      etag: 'x',
      createTime: '',
      updateTime: '',
      spec: {
        ingress: { node: 'edge1', match: { destinations: ['10.2.0.0/24'] } },
        egress: { node: 'edge2' },
        functions: [
          { name: 'fw', type: 'firewall', placement: { node: 'fn1' } },
          { name: 'mon', type: 'monitor', placement: { nodeSelector: { 'srv6-sfc/role': 'vnf-host' } } },
        ],
      },
      status: {
        observedGeneration: 2,
        conditions: [{ type: 'Ready', status: 'False', reason: 'NodeUnreachable', message: 'fn2 is UNREACHABLE', lastTransitionTime: '', observedGeneration: 2 }],
        segments: { ipv4: ['fc00:2:0:1::'] },
        instances: [{ function: 'fw', node: 'fn1', id: 'web-fw', sids: { dx4: 'fc00:2:0:1::' } }],
      },
    } satisfies Chain;
    expect(chainView(chain)).toEqual({
      name: 'web',
      ready: false,
      reason: 'NodeUnreachable: fn2 is UNREACHABLE',
      ingress: 'edge1',
      egress: 'edge2',
      functions: [
        { name: 'fw', type: 'firewall', node: 'fn1', sid: 'fc00:2:0:1::' },
        { name: 'mon', type: 'monitor', node: '?' },
      ],
      segments: ['fc00:2:0:1::'],
    });
  });
});
