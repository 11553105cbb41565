import { describe, expect, it } from 'vitest';
import { chainFromProto, chainToProto, isReconciling } from '../../../../src/controller/grpc/codecs/chain-codec.js';
import type { Chain } from '../../../../src/model/chain.js';
import { FULL_CHAIN, MAX_U64, MINIMAL_CHAIN, fieldsOf, wire } from './support.js';

const roundTrip = (c: Chain): Chain => chainFromProto(wire('Chain', chainToProto(c)));

describe('chain codec', () => {
  it('round-trips every field, every function type, every condition status, counters beyond 2^53', () => {
    expect(roundTrip(FULL_CHAIN)).toStrictEqual(FULL_CHAIN);
  });

  it('round-trips the smallest chain: absent optional fields stay absent', () => {
    expect(roundTrip(MINIMAL_CHAIN)).toStrictEqual(MINIMAL_CHAIN);
  });

  it('keeps a protocol given by number apart from one given by name', () => {
    const byNumber: Chain = { ...MINIMAL_CHAIN, spec: { ...MINIMAL_CHAIN.spec, ingress: { node: 'e', match: { destinations: ['::/0'], protocol: 6 } } } };
    expect(roundTrip(byNumber).spec.ingress.match.protocol).toBe(6);
    const zero: Chain = { ...MINIMAL_CHAIN, spec: { ...MINIMAL_CHAIN.spec, ingress: { node: 'e', match: { destinations: ['::/0'], protocol: 0 } } } };
    expect(roundTrip(zero).spec.ingress.match.protocol).toBe(0);
  });

  it('writes resource names on the wire and ids in the domain', () => {
    const m = chainToProto(FULL_CHAIN);
    expect(m.name).toBe('chains/web');
    expect(m.spec?.ingress?.node).toBe('nodes/edge1');
    expect(m.spec?.functions?.[0]?.placement?.node).toBe('nodes/host1');
    expect(m.status?.instances?.[0]?.node).toBe('nodes/host1');
    expect(m.status?.instances?.[0]?.packets).toBe(MAX_U64.toString());
    expect(m.generation).toBe('7');
    expect(m.createTime).toEqual({ seconds: '1735787045', nanos: 678_000_000 });
  });

  it('carries the chain\'s and each function\'s proxy (AUTO included), and each instance\'s chosen one', () => {
    const m = wire('Chain', chainToProto(FULL_CHAIN));
    expect(m.spec!.proxy).toBe('PROXY_MODE_DYNAMIC');
    // Absent stays unspecified on the wire: the function follows the chain's proxy.
    expect(m.spec!.functions.map((f) => f.proxy)).toEqual(['PROXY_MODE_STATIC', 'PROXY_MODE_UNSPECIFIED', 'PROXY_MODE_AUTO', 'PROXY_MODE_DYNAMIC', 'PROXY_MODE_UNSPECIFIED']);
    expect(m.status!.instances.map((i) => i.proxy)).toEqual(['PROXY_MODE_STATIC', 'PROXY_MODE_DYNAMIC', 'PROXY_MODE_UNSPECIFIED']);
    const auto: Chain = { ...MINIMAL_CHAIN, spec: { ...MINIMAL_CHAIN.spec, proxy: 'auto' } };
    expect(wire('Chain', chainToProto(auto)).spec!.proxy).toBe('PROXY_MODE_AUTO');
    expect(roundTrip(auto).spec.proxy).toBe('auto');
  });

  it('refuses an unknown proxy on a function, and AUTO as an instance\'s chosen proxy', () => {
    const m = wire('Chain', {
      ...chainToProto(MINIMAL_CHAIN),
      spec: { ...chainToProto(MINIMAL_CHAIN).spec, functions: [{ name: 'm', monitor: {}, proxy: 9 as never }] },
      status: { instances: [{ function: 'm', node: 'nodes/host1', instanceId: 'a-m-0', proxy: 'PROXY_MODE_AUTO' }] },
    });
    expect(fieldsOf(() => chainFromProto(m))).toEqual(['chain.spec.functions[0].proxy', 'chain.status.instances[0].proxy']);
  });

  it('puts each function type in its oneof member', () => {
    const fns = wire('Chain', chainToProto(FULL_CHAIN)).spec!.functions;
    expect(fns.map((f) => f.type)).toEqual(['firewall', 'nat', 'nat', 'monitor', 'responder']);
    expect(fns[1]!.nat).toEqual({ snat: { toAddress: '192.0.2.1' }, mode: 'snat' });
  });

  it('derives reconciling: not yet at the current generation, or not Ready', () => {
    expect(isReconciling(FULL_CHAIN)).toBe(true);
    const ready: Chain = {
      ...MINIMAL_CHAIN,
      status: { ...MINIMAL_CHAIN.status, observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: '', lastTransitionTime: MINIMAL_CHAIN.createTime, observedGeneration: 1 }] },
    };
    expect(isReconciling(ready)).toBe(false);
    expect(chainToProto(ready).reconciling).toBe(false);
    expect(isReconciling({ ...ready, generation: 2 })).toBe(true);
    expect(chainToProto(ready, true).reconciling).toBe(true);
  });

  it('reads an absent status as nothing observed yet', () => {
    const m = wire('Chain', { ...chainToProto(MINIMAL_CHAIN), status: null });
    expect(chainFromProto(m).status).toStrictEqual(MINIMAL_CHAIN.status);
  });

  it('reports every malformed field with its proto path', () => {
    const m = wire('Chain', {
      name: 'web',
      generation: '9007199254740993',
      createTime: { seconds: '1', nanos: 1_000_000_000 },
      spec: {
        ingress: { node: 'edge1', match: { destinations: [''], protocolName: 9 as never } },
        egress: { node: 'nodes/', decap: 7 as never },
        functions: [
          { name: '', monitor: {} },
          { name: 'x' },
          { name: 'n', nat: {}, sr: 'SR_MODE_AWARE', placement: { node: 'host1' } },
          { name: 'f', firewall: { rules: [{ protocol: 'L4_PROTOCOL_TCP' }] } },
        ],
        proxy: 5 as never,
      },
      status: {
        observedGeneration: '1',
        conditions: [{ type: 'Healthy', status: 'STATUS_UNSPECIFIED', observedGeneration: '1' }],
        segments: { ipv4: ['', 'fc00::1'] },
        instances: [{ function: '', node: 'host1', instanceId: '' }],
      },
    });
    expect(fieldsOf(() => chainFromProto(m))).toEqual([
      'chain.name',
      'chain.spec.proxy',
      'chain.spec.ingress.node',
      'chain.spec.ingress.match.protocol_name',
      'chain.spec.ingress.match.destinations[0]',
      'chain.spec.egress.decap',
      'chain.spec.egress.node',
      'chain.spec.functions[0].name',
      'chain.spec.functions[1]',
      'chain.spec.functions[2].nat',
      'chain.spec.functions[2].placement.node',
      'chain.spec.functions[3].firewall.rules[0].action',
      'chain.generation',
      'chain.create_time.nanos',
      'chain.update_time',
      'chain.status.conditions[0].type',
      'chain.status.conditions[0].status',
      'chain.status.conditions[0].last_transition_time',
      'chain.status.segments.ipv4[0]',
      'chain.status.instances[0].function',
      'chain.status.instances[0].node',
      'chain.status.instances[0].instance_id',
    ]);
  });

  it('requires the chain, its spec, ingress, match and egress', () => {
    expect(fieldsOf(() => chainFromProto(null))).toEqual(['chain']);
    const noSpec = wire('Chain', { name: 'chains/a', createTime: { seconds: '0' }, updateTime: { seconds: '0' } });
    expect(fieldsOf(() => chainFromProto(noSpec))).toEqual(['chain.spec']);
    const empty = wire('Chain', { name: 'chains/a', spec: { ingress: {}, egress: {} }, createTime: { seconds: '0' }, updateTime: { seconds: '0' } });
    expect(fieldsOf(() => chainFromProto(empty))).toEqual(['chain.spec.ingress.node', 'chain.spec.ingress.match', 'chain.spec.egress.node']);
    const noParts = wire('Chain', { name: 'chains/a', spec: { ingress: { node: 'nodes/e', match: {} } }, createTime: { seconds: '0' }, updateTime: { seconds: '0' } });
    expect(fieldsOf(() => chainFromProto(noParts))).toEqual(['chain.spec.ingress.match.destinations', 'chain.spec.egress']);
  });
});
