/**
 * NodeInfo ↔ srv6sfc.agent.v1.NodeInfo (GetNode). The probe's FeatureReport maps field by field
 * onto KernelFeatures; seg6local support is a map keyed by iproute2 action name.
 */
import { ProtoReader } from '../../common/grpc/proto-reader.js';
import type { FeatureReport, Support } from '../../dataplane/netlink/probe.js';
import { ACTION_NUMBER, type Seg6LocalAction } from '../../dataplane/seg6/seg6local.js';
import type { FeatureSupport, FeatureSupport__Output } from '../../gen/srv6sfc/agent/v1/FeatureSupport.js';
import type { KernelFeatures__Output } from '../../gen/srv6sfc/agent/v1/KernelFeatures.js';
import type { NodeInfo as NodeInfoMsg, NodeInfo__Output } from '../../gen/srv6sfc/agent/v1/NodeInfo.js';
import type { NodeInfo } from '../agent-core.js';

type Seg6LocalKey = keyof FeatureReport['seg6local'];
const SEG6LOCAL_KEYS: readonly Seg6LocalKey[] = [...(Object.keys(ACTION_NUMBER) as Seg6LocalAction[]), 'End.DT6 (vrf)'];
/** The report's plain features: every key but the seg6local map. */
const PLAIN = ['seg6', 'counters', 'flavorPsp', 'flavorNextCsid', 'nexthopObjects', 'vrf', 'lwtBpf', 'tunnelSource', 'bpfProxy'] as const satisfies readonly Exclude<
  keyof FeatureReport,
  'seg6local'
>[];

const supportToProto = (s: Support): FeatureSupport => ({ supported: s.ok, reason: s.ok ? '' : s.reason });
/** A feature an (older) agent did not report counts as unsupported. */
const supportFromProto = (m: FeatureSupport__Output | null | undefined): Support =>
  m?.supported ? { ok: true } : { ok: false, reason: m?.reason || 'not reported by the agent' };

export function nodeInfoToProto(n: NodeInfo): NodeInfoMsg {
  const f = n.features;
  return {
    name: n.name,
    address: n.address,
    locator: n.locator,
    interfaces: n.interfaces.map((l) => ({ name: l.name, index: l.index })),
    features: {
      ...Object.fromEntries(PLAIN.map((k) => [k, supportToProto(f[k])])),
      seg6local: Object.fromEntries(SEG6LOCAL_KEYS.map((k) => [k, supportToProto(f.seg6local[k])])),
    },
    runtimes: [...n.runtimes],
    ...(n.operations ? { operations: { ...n.operations } } : {}),
  };
}

function featuresFromProto(m: KernelFeatures__Output | null): FeatureReport {
  const plain = Object.fromEntries(PLAIN.map((k) => [k, supportFromProto(m?.[k])])) as Pick<FeatureReport, (typeof PLAIN)[number]>;
  const seg6local = Object.fromEntries(SEG6LOCAL_KEYS.map((k) => [k, supportFromProto(m?.seg6local[k])])) as FeatureReport['seg6local'];
  return { ...plain, seg6local };
}

/** Decodes a GetNodeResponse's node; throws InvalidArgumentError naming malformed fields. */
export function nodeInfoFromProto(m: NodeInfo__Output | null | undefined, path = 'node'): NodeInfo {
  const r = new ProtoReader();
  const n = r.message(path, m);
  const info: NodeInfo = {
    name: r.required(`${path}.name`, n?.name ?? ''),
    address: n?.address ?? '',
    locator: n?.locator ?? '',
    interfaces: (n?.interfaces ?? []).map((l) => ({ name: l.name, index: l.index })),
    features: featuresFromProto(n?.features ?? null),
    runtimes: [...(n?.runtimes ?? [])],
    ...(n?.operations ? { operations: { created: n.operations.created, replaced: n.operations.replaced, deleted: n.operations.deleted, unchanged: n.operations.unchanged } } : {}),
  };
  r.throwIfAny('malformed node');
  return info;
}
