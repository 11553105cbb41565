import { describe, expect, it } from 'vitest';
import { featureList, nodeResource } from '../../../../src/agent/grpc/node-resource.js';
import {
  listNodesFromProto,
  listNodesResultFromProto,
  listNodesResultToProto,
  listNodesToProto,
  nodeFromProto,
  nodeNameFromProto,
  nodeToProto,
  registerNodeFromProto,
  registerNodeToProto,
} from '../../../../src/controller/grpc/codecs/node-codec.js';
import { featuresFromProto, featuresToProto } from '../../../../src/controller/grpc/codecs/node-features.js';
import type { NodeRecord } from '../../../../src/model/node.js';
import { FEATURES, NODE } from '../../agent/grpc-support.js';
import { fieldsOf, wire } from './support.js';

const RECORD: NodeRecord = {
  name: 'edge1',
  address: '127.0.0.1:7001',
  locator: 'fc00:1::/48',
  labels: { 'srv6-sfc/role': 'edge', zone: 'a' },
  features: FEATURES,
  runtimes: ['netns'],
  interfaces: ['lo', 'eth0', 'c0'],
  coreInterface: 'eth0',
  capacity: 0,
  state: 'READY',
  lastHeartbeat: '2025-01-02T03:04:05.678Z',
};

const MINIMAL: NodeRecord = {
  name: 'h',
  address: 'unix:/run/sfc.sock',
  locator: 'fc00:9::/48',
  labels: {},
  features: FEATURES,
  runtimes: [],
  interfaces: [],
  state: 'UNREACHABLE',
  lastHeartbeat: '2025-01-02T03:04:05.000Z',
};

describe('node codec', () => {
  it('round-trips every field (capacity 0 is kept), and the smallest node', () => {
    expect(nodeFromProto(wire('Node', nodeToProto(RECORD)))).toStrictEqual(RECORD);
    expect(nodeFromProto(wire('Node', nodeToProto(MINIMAL)))).toStrictEqual(MINIMAL);
    const m = nodeToProto(RECORD, '2025-01-01T00:00:00.000Z');
    expect(m.registerTime).toEqual({ seconds: '1735689600', nanos: 0 });
    expect(m.name).toBe('nodes/edge1');
  });

  it('names features as the agent does when it registers', () => {
    expect(featuresToProto(FEATURES)).toEqual(featureList(FEATURES));
  });

  it('reads a feature the agent did not report as unsupported, and skips names it does not know', () => {
    const f = featuresFromProto([{ name: 'vrf', supported: true, reason: '' }, { name: 'teleport', supported: true, reason: '' }]);
    expect(f.vrf).toEqual({ ok: true });
    expect(f.seg6).toEqual({ ok: false, reason: 'not reported by the agent' });
    expect(f.seg6local['End.DT6 (vrf)']).toEqual({ ok: false, reason: 'not reported by the agent' });
  });

  it('decodes what an agent registers (src/agent/grpc/node-resource.ts)', () => {
    const call = registerNodeFromProto(wire('RegisterNodeRequest', { node: nodeResource(NODE), validateOnly: true }));
    expect(call).toStrictEqual({
      // Agents register their interfaces (planning checks devices against them).
      node: { name: 'edge1', address: NODE.address, locator: NODE.locator, labels: {}, features: NODE.features, runtimes: [...NODE.runtimes], interfaces: NODE.interfaces.map((l) => l.name) },
      validateOnly: true,
    });
  });

  it('round-trips RegisterNode requests; output-only fields are ignored', () => {
    const { state: _s, lastHeartbeat: _h, ...registration } = RECORD;
    expect(registerNodeFromProto(wire('RegisterNodeRequest', registerNodeToProto({ node: registration })))).toStrictEqual({ node: registration, validateOnly: false });
    const withOutput = wire('RegisterNodeRequest', { node: { ...nodeToProto(RECORD), state: 7 as never } });
    expect(registerNodeFromProto(withOutput).node).toStrictEqual(registration);
  });

  it('reports malformed nodes and requests with their paths', () => {
    expect(fieldsOf(() => registerNodeFromProto(wire('RegisterNodeRequest', {})))).toEqual(['node']);
    expect(fieldsOf(() => registerNodeFromProto(wire('RegisterNodeRequest', { node: { name: 'edge1', runtimes: [''] } })))).toEqual(['node.name', 'node.runtimes[0]']);
    expect(fieldsOf(() => nodeFromProto(wire('Node', { name: 'nodes/a', state: 'STATE_UNSPECIFIED' })))).toEqual(['node.state', 'node.heartbeat_time']);
    expect(fieldsOf(() => nodeNameFromProto(wire('HeartbeatRequest', { name: 'nodes/a/b' }), 'Heartbeat'))).toEqual(['name']);
    expect(nodeNameFromProto(wire('GetNodeRequest', { name: 'nodes/edge1' }), 'GetNode')).toBe('edge1');
  });

  it('round-trips ListNodes requests and pages', () => {
    const call = listNodesFromProto(wire('ListNodesRequest', listNodesToProto({ pageSize: 2, filter: [{ key: 'zone', op: 'exists' }] })));
    expect(call).toStrictEqual({ filter: [{ key: 'zone', op: 'exists' }], page: { size: 2, query: 'filter=labels.zone:*' } });
    const page = { nodes: [RECORD, MINIMAL], nextPageToken: 'x' };
    expect(listNodesResultFromProto(wire('ListNodesResponse', listNodesResultToProto(page)))).toStrictEqual(page);
    expect(fieldsOf(() => listNodesFromProto(wire('ListNodesRequest', { filter: 'zone=a' })))).toEqual(['filter']);
  });
});
