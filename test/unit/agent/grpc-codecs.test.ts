import { describe, expect, it } from 'vitest';
import { applyResultFromProto, applyResultToProto } from '../../../src/agent/grpc/apply-result-codec.js';
import { eventFromProto, eventToProto } from '../../../src/agent/grpc/event-codec.js';
import { intentFromProto, intentToProto } from '../../../src/agent/grpc/intent-codec.js';
import { nodeInfoFromProto, nodeInfoToProto } from '../../../src/agent/grpc/node-codec.js';
import { featureList, nodeResource } from '../../../src/agent/grpc/node-resource.js';
import { observedFromProto, observedToProto } from '../../../src/agent/grpc/observed-codec.js';
import type { AgentEvent, ApplyResult, ObservedState } from '../../../src/agent/reconcile/types.js';
import { InvalidArgumentError } from '../../../src/common/errors.js';
import { loadProtos } from '../../../src/common/grpc/load-proto.js';
import { FULL_INTENT, NODE } from './grpc-support.js';

/** Through the wire format and back, with the loader's options (what a handler sees). */
const agent = () => loadProtos().srv6sfc.agent.v1;
const wire = {
  intent: (m: ReturnType<typeof intentToProto>) => agent().NodeIntent.deserialize(agent().NodeIntent.serialize(m)),
  observed: (m: ReturnType<typeof observedToProto>) => agent().ObservedState.deserialize(agent().ObservedState.serialize(m)),
  event: (m: ReturnType<typeof eventToProto>) => agent().AgentEvent.deserialize(agent().AgentEvent.serialize(m)),
  result: (m: ReturnType<typeof applyResultToProto>) => agent().ApplyIntentResponse.deserialize(agent().ApplyIntentResponse.serialize(m)),
  node: (m: ReturnType<typeof nodeInfoToProto>) => agent().NodeInfo.deserialize(agent().NodeInfo.serialize(m)),
};

function violationsOf(f: () => unknown): readonly { field: string; description: string }[] {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidArgumentError);
    return (err as InvalidArgumentError).violations;
  }
  throw new Error('expected InvalidArgumentError');
}

describe('intent codec', () => {
  it('round-trips an intent with every item kind, behaviour and function type', () => {
    expect(intentFromProto(wire.intent(intentToProto(FULL_INTENT)))).toStrictEqual(FULL_INTENT);
  });

  it('round-trips the smallest intent', () => {
    expect(intentFromProto(wire.intent(intentToProto({ generation: 0 })))).toStrictEqual({ generation: 0 });
  });

  it('reports every malformed field with its proto path', () => {
    const m = wire.intent({
      generation: '9007199254740993', // 2^53 + 1: not representable
      edgeChains: [
        { chain: 'a', dev: 'e0', segments: ['fc00::1'] },
        { chain: '', dev: 'e0', segments: ['fc00::1'], mode: 'SEG6_MODE_INLINE' },
        { chain: 'c', dev: 'e0', segments: ['', 'fc00::2'], mode: 9 as never },
      ],
      localSids: [
        { sid: 'fc00::5', dev: 'e0' },
        { sid: 'fc00::6', dev: 'e0', behavior: { endDx4: {} } },
        { sid: 'fc00::7', dev: 'e0', behavior: { endDt6: {} } },
        { sid: 'fc00::8', dev: 'e0', behavior: { end: { flavors: { operations: ['FLAVOR_OPERATION_UNSPECIFIED'] } } } },
      ],
      instances: [
        { id: 'i', legs: 3, slot: 0 },
        { id: 'j', legs: 1, function: { nat: {} } },
        { id: 'k', legs: 1, function: { firewall: { rules: [{ protocol: 'L4_PROTOCOL_TCP' }] } } },
      ],
      proxies: [{ instance: 'i', chain: 'a', continuation: ['fc00::9'], dev: 'e0', families: ['ADDRESS_FAMILY_UNSPECIFIED'] }],
    });
    const fields = violationsOf(() => intentFromProto(m)).map((v) => v.field);
    expect(fields).toEqual([
      'intent.edge_chains[1].mode',
      'intent.edge_chains[1].chain',
      'intent.edge_chains[2].mode',
      'intent.edge_chains[2].segments[0]',
      'intent.local_sids[0].behavior',
      'intent.local_sids[1].behavior.end_dx4.nh4',
      'intent.local_sids[2].behavior.end_dt6',
      'intent.local_sids[3].behavior.end.flavors.operations[0]',
      'intent.instances[0].function',
      'intent.instances[0].legs',
      'intent.instances[1].function.nat',
      'intent.instances[2].function.firewall.rules[0].action',
      'intent.proxies[0].families[0]',
      'intent.generation',
    ]);
  });

  it('requires the intent itself', () => {
    expect(violationsOf(() => intentFromProto(null))).toEqual([{ field: 'intent', description: 'is required' }]);
  });
});

describe('observed, event, result and node codecs', () => {
  it('round-trips observed state, counters beyond 2^53 exact', () => {
    const big = 2n ** 64n - 1n;
    const o: ObservedState = {
      generation: 42,
      tunnelSource: 'fc00:1::1',
      routes: [
        { family: 4, dst: '10.2.0.0/24', table: 254, protocol: 200, metric: 0, nhid: 1 },
        { family: 6, dst: '2001:db8::/64', table: 1000, protocol: 200, metric: 1024, type: 'blackhole' },
        { family: 6, dst: 'fc00:1::7/128', table: 254, protocol: 200, metric: 1024, dev: 'e0', via: 'fe80::1', encap: { type: 'seg6', mode: 'inline', segments: ['fc00:2::1'], tag: 5 } },
        {
          family: 6,
          dst: 'fc00:1::8/128',
          table: 254,
          protocol: 200,
          metric: 1024,
          dev: 'e0',
          encap: { type: 'seg6local', behavior: { action: 'End.BPF', program: { id: 17, name: 'p' } }, count: true, counters: { packets: big, bytes: 123n, errors: 0n } },
        },
      ],
      nexthops: [
        { id: 1, family: 4, dev: 'e0', protocol: 200, encap: { type: 'seg6', mode: 'encap', segments: ['fc00:2::e1', 'fc00:3::d4'] } },
        { id: 2, family: 6, blackhole: true, protocol: 0 },
        { id: 3, family: 6, dev: 'e1', gateway: 'fe80::2' },
      ],
      rules: [
        { family: 4, priority: 0, table: 1001, src: '10.0.0.0/8', dst: '10.2.0.0/24', ipproto: 6, sport: { start: 1, end: 2 }, dport: { start: 443, end: 443 }, iif: 'c0', protocol: 200 },
        { family: 6, priority: 5, table: 1002, oif: 'e0', fwmark: 0, fwmask: 255 },
      ],
      instances: [
        { id: 'fw-1', spec: FULL_INTENT.instances![0]!, attachment: { inDev: 'sfc-fw-1-i', outDev: 'sfc-fw-1-o', in4: '169.254.0.2', in6: 'fe80::2' }, state: 'running' },
        { id: 'mon-1', spec: FULL_INTENT.instances![4]!, attachment: { inDev: 'sfc-mon-1', outDev: 'sfc-mon-1', in4: '169.254.0.6', in6: 'fe80::6' }, state: 'exited', reason: 'namespace removed' },
      ],
    };
    expect(observedFromProto(wire.observed(observedToProto(o)))).toStrictEqual(o);
  });

  it('round-trips every event type', () => {
    const events: AgentEvent[] = [
      { type: 'instanceExited', instance: 'fw-1', reason: 'process exited with 137' },
      { type: 'driftCorrected', ops: { created: 1, replaced: 2, deleted: 3, unchanged: 4 }, details: ['route fc00:1::7/128 restored'] },
      { type: 'counters', sids: [{ sid: 'fc00:1::7', packets: 2n ** 60n, bytes: 9n, errors: 1n }] },
    ];
    for (const e of events) expect(eventFromProto(wire.event(eventToProto(e)))).toStrictEqual(e);
  });

  it('round-trips an apply result; item field paths travel in proto names', () => {
    const a: ApplyResult = {
      generation: 42,
      items: [
        { kind: 'edgeChain', key: 'web', ok: true },
        { kind: 'localSid', key: 'fc00:9::1', ok: false, reason: 'INVALID_ITEM', message: 'SID outside the locator', field: 'localSids[3].sid' },
        { kind: 'tunnelSource', key: 'tunnelSource', ok: true },
      ],
      ops: { created: 5, replaced: 0, deleted: 1, unchanged: 7 },
    };
    const m = wire.result(applyResultToProto(a));
    expect(m.items[1]!.field).toBe('intent.local_sids[3].sid');
    expect(applyResultFromProto(m)).toStrictEqual(a);
  });

  it('round-trips the node, and flattens features for the controller', () => {
    expect(nodeInfoFromProto(wire.node(nodeInfoToProto(NODE)))).toStrictEqual(NODE);
    const features = featureList(NODE.features);
    expect(features).toContainEqual({ name: 'vrf', supported: false, reason: 'no VRF support in this kernel (EOPNOTSUPP)' });
    expect(features).toContainEqual({ name: 'seg6local.End.DT6.vrf', supported: false, reason: 'EOPNOTSUPP' });
    expect(features).toContainEqual({ name: 'seg6local.End.DX4', supported: true, reason: '' });
    expect(features).toContainEqual({ name: 'flavor.next-csid', supported: false, reason: 'EINVAL' });
    expect(nodeResource(NODE)).toMatchObject({ name: 'nodes/edge1', address: NODE.address, locator: NODE.locator, runtimes: ['netns'] });
  });

  it('reads a feature an older agent did not report as unsupported', () => {
    const m = wire.node({ name: 'old', features: { seg6: { supported: true } } });
    const n = nodeInfoFromProto(m);
    expect(n.features.seg6).toEqual({ ok: true });
    expect(n.features.lwtBpf).toEqual({ ok: false, reason: 'not reported by the agent' });
    expect(n.features.seg6local['End.DT46']).toEqual({ ok: false, reason: 'not reported by the agent' });
  });
});
