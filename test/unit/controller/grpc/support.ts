/**
 * Shared by the northbound codec tests: messages through the wire format and back with the
 * loader's options (what a handler or a client sees), the violations of a failed decode, and a
 * chain that uses every field, every function type and every condition status.
 */
import { expect } from 'vitest';
import { InvalidArgumentError } from '../../../../src/common/errors.js';
import { loadProtos } from '../../../../src/common/grpc/load-proto.js';
import type { Chain } from '../../../../src/model/chain.js';

type V1 = ReturnType<typeof loadProtos>['srv6sfc']['v1'];

/** Serializes `m` as the named srv6sfc.v1 message and deserializes it again. */
export function wire<K extends keyof V1>(type: K, m: Parameters<Extract<V1[K], { serialize: unknown }>['serialize']>[0]): ReturnType<Extract<V1[K], { deserialize: unknown }>['deserialize']> {
  const t = loadProtos().srv6sfc.v1[type] as unknown as { serialize(m: unknown): Buffer; deserialize(b: Buffer): unknown };
  return t.deserialize(t.serialize(m)) as ReturnType<Extract<V1[K], { deserialize: unknown }>['deserialize']>;
}

export function violationsOf(f: () => unknown): { field: string; description: string }[] {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidArgumentError);
    return [...(err as InvalidArgumentError).violations];
  }
  throw new Error('expected InvalidArgumentError');
}

export const fieldsOf = (f: () => unknown): string[] => violationsOf(f).map((v) => v.field);

export const MAX_U64 = 2n ** 64n - 1n;

export const FULL_CHAIN: Chain = {
  name: 'web',
  labels: { app: 'web', 'srv6-sfc/tier': 'front end' },
  spec: {
    ingress: {
      node: 'edge1',
      match: {
        destinations: ['10.2.0.0/24', '2001:db8:2::/64'],
        sources: ['10.1.0.0/24', '2001:db8:1::/64'],
        protocol: 'tcp',
        ports: [
          { start: 80, end: 80 },
          { start: 8000, end: 8999 },
        ],
        interface: 'c0',
      },
    },
    egress: { node: 'edge2', decap: 'dt46' },
    functions: [
      {
        name: 'fw',
        type: 'firewall',
        config: {
          defaultAction: 'drop',
          rules: [
            {
              action: 'accept',
              protocol: 'tcp',
              srcPrefixes: ['10.1.0.0/24'],
              dstPrefixes: ['10.2.0.0/24', '2001:db8:2::/64'],
              srcPorts: [{ start: 1024, end: 65535 }],
              dstPorts: [{ start: 443, end: 443 }],
              dscp: 0,
            },
            { action: 'drop', protocol: 'icmpv6' },
          ],
        },
        sr: 'unaware',
        proxy: 'static',
        placement: { node: 'host1' },
      },
      { name: 'snat', type: 'nat', config: { mode: 'snat', toAddress: '192.0.2.1' }, sr: 'aware', placement: { nodeSelector: { zone: 'a', 'srv6-sfc/role': 'host' } } },
      { name: 'masq', type: 'nat', config: { mode: 'masquerade' }, proxy: 'auto', placement: {} },
      { name: 'mon', type: 'monitor', proxy: 'dynamic' },
      { name: 'resp', type: 'responder', config: { tcpPorts: [80, 443] } },
    ],
    proxy: 'dynamic',
  },
  generation: 7,
  etag: '"7-c0ffee"',
  createTime: '2025-01-02T03:04:05.678Z',
  updateTime: '2025-01-02T03:04:06.000123Z',
  status: {
    observedGeneration: 6,
    conditions: [
      { type: 'Placed', status: 'True', reason: 'Placed', message: 'every function has a node', lastTransitionTime: '2025-01-02T03:04:05.700Z', observedGeneration: 6 },
      { type: 'InstancesReady', status: 'False', reason: 'SpawnFailed', message: 'fw: runtime netns failed', lastTransitionTime: '2025-01-02T03:04:05.000000001Z', observedGeneration: 6 },
      { type: 'Programmed', status: 'Unknown', reason: 'WaitingForInstances', message: '', lastTransitionTime: '2025-01-02T03:04:05.000Z', observedGeneration: 5 },
      { type: 'Ready', status: 'False', reason: 'InstancesNotReady', message: '', lastTransitionTime: '1970-01-01T00:00:00.000Z', observedGeneration: 0 },
    ],
    segments: { ipv4: ['fc00:3::d4', 'fc00:2::d46'], ipv6: ['fc00:3::d6', 'fc00:2::d46'] },
    instances: [
      { function: 'fw', node: 'host1', id: 'web-fw-0', sids: { dx4: 'fc00:3::d4', dx6: 'fc00:3::d6' }, packets: MAX_U64, proxy: 'static' },
      { function: 'mon', node: 'host2', id: 'web-mon-0', sids: { dx6: 'fc00:4::d6' }, packets: 0n, proxy: 'dynamic' },
      { function: 'resp', node: 'host2', id: 'web-resp-0', sids: {} },
    ],
  },
};

/** The smallest chain: every optional field absent. */
export const MINIMAL_CHAIN: Chain = {
  name: 'a',
  labels: {},
  spec: { ingress: { node: 'edge1', match: { destinations: ['10.0.0.0/8'] } }, egress: { node: 'edge2' }, functions: [] },
  generation: 1,
  etag: '',
  createTime: '2025-01-02T03:04:05.000Z',
  updateTime: '2025-01-02T03:04:05.000Z',
  status: { observedGeneration: 0, conditions: [], segments: {}, instances: [] },
};
