/** Shared by the planning tests: fake node records and chains, small and explicit. */
import { ACTION_NUMBER, type Seg6LocalAction } from '../../../../src/dataplane/seg6/seg6local.js';
import type { FeatureReport, Support } from '../../../../src/dataplane/netlink/probe.js';
import type { ChainFunction, ChainSpec, TrafficMatch } from '../../../../src/model/chain.js';
import type { NodeRecord } from '../../../../src/model/node.js';
import type { PlanChainInput } from '../../../../src/controller/planning/types.js';

const ok: Support = { ok: true };
const no = (reason: string): Support => ({ ok: false, reason });

/** This machine's kernel: everything but VRF (so no End.DT4/DT46/DT6-vrf). */
export const FEATURES: FeatureReport = {
  seg6: ok,
  seg6local: {
    ...(Object.fromEntries((Object.keys(ACTION_NUMBER) as Seg6LocalAction[]).map((a) => [a, ok])) as Record<Seg6LocalAction, Support>),
    'End.DT4': no('EINVAL'),
    'End.DT6 (vrf)': no('EINVAL'),
    'End.DT46': no('EINVAL'),
  },
  counters: ok,
  flavorPsp: ok,
  flavorNextCsid: ok,
  nexthopObjects: ok,
  vrf: no('no VRF support in this kernel (EOPNOTSUPP)'),
  lwtBpf: ok,
  // Most planning tests are about the static proxy; BPF_FEATURES nodes get the dynamic one.
  bpfProxy: no('not probed'),
  tunnelSource: ok,
};

/** A node that can run the dynamic (eBPF) proxy: `auto` functions there become dynamic. */
export const BPF_FEATURES: FeatureReport = { ...FEATURES, bpfProxy: ok };

export const VRF_FEATURES: FeatureReport = { ...FEATURES, vrf: ok, seg6local: { ...FEATURES.seg6local, 'End.DT46': ok, 'End.DT4': ok } };

/** A READY node with the netns runtime and core interface eth0; `fc00:<i>::/48`-style locator. */
export function node(name: string, locator: string, extra: Partial<NodeRecord> = {}): NodeRecord {
  return {
    name,
    address: `unix:/run/${name}.sock`,
    locator,
    labels: {},
    features: FEATURES,
    runtimes: ['netns'],
    interfaces: ['lo', 'eth0', 'eth1'],
    coreInterface: 'eth0',
    state: 'READY',
    lastHeartbeat: '2025-01-01T00:00:00Z',
    ...extra,
  };
}

/** An edge: no runtime, so functions never land on it unless a test says so. */
export const edge = (name: string, locator: string, extra: Partial<NodeRecord> = {}): NodeRecord => node(name, locator, { runtimes: [], ...extra });

export const fn = (name: string, extra: Partial<ChainFunction> = {}): ChainFunction => ({ name, type: 'monitor', ...extra });

export function chain(
  name: string,
  functions: readonly ChainFunction[],
  opts: { ingress?: string; egress?: string; match?: Partial<TrafficMatch>; proxy?: ChainSpec['proxy']; decap?: 'auto' | 'dx' | 'dt46' } = {},
): PlanChainInput {
  return {
    name,
    spec: {
      ingress: { node: opts.ingress ?? 'edge1', match: { destinations: ['10.2.0.0/24'], ...opts.match } },
      egress: { node: opts.egress ?? 'edge2', ...(opts.decap ? { decap: opts.decap } : {}) },
      functions,
      ...(opts.proxy ? { proxy: opts.proxy } : {}),
    },
  };
}
