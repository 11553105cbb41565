/**
 * The wire names of a node's kernel features (srv6sfc.v1.Node.features): what the agent writes when
 * it registers and what the controller reads. One table, so the two cannot drift.
 */
import type { FeatureReport } from '../dataplane/netlink/probe.js';

export const PLAIN_FEATURE_NAME = {
  seg6: 'seg6',
  counters: 'counters',
  flavorPsp: 'flavor.psp',
  flavorNextCsid: 'flavor.next-csid',
  nexthopObjects: 'nexthop-objects',
  vrf: 'vrf',
  lwtBpf: 'lwt-bpf',
  tunnelSource: 'tunnel-source',
  bpfProxy: 'bpf-proxy',
} as const satisfies Record<Exclude<keyof FeatureReport, 'seg6local'>, string>;

/** `seg6local.End.DX4`; End.DT6 in VRF mode (`End.DT6 (vrf)` in the report) is `seg6local.End.DT6.vrf`. */
export const seg6localFeatureName = (action: string): string => `seg6local.${action.replace(' (vrf)', '.vrf')}`;
