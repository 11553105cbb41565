/**
 * A node's FeatureReport ↔ the named feature list of srv6sfc.v1.Node: `seg6`,
 * `seg6local.<action>` (`seg6local.End.DT6.vrf` for End.DT6 in VRF mode), `counters`,
 * `flavor.psp`, `flavor.next-csid`, `nexthop-objects`, `vrf`, `lwt-bpf`, `tunnel-source`, `bpf-proxy`.
 * The same names as the agent writes when it registers: both use src/model/feature-names.ts. Reading, a feature the list lacks is unsupported ("not reported": an
 * older agent) and a name this controller does not know is skipped (a newer agent).
 */
import type { FeatureReport, Support } from '../../../dataplane/netlink/probe.js';
import { ACTION_NUMBER, type Seg6LocalAction } from '../../../dataplane/seg6/seg6local.js';
import type { NodeFeature, NodeFeature__Output } from '../../../gen/srv6sfc/v1/NodeFeature.js';
import { PLAIN_FEATURE_NAME, seg6localFeatureName } from '../../../model/feature-names.js';

type Plain = Exclude<keyof FeatureReport, 'seg6local'>;
type Seg6LocalKey = keyof FeatureReport['seg6local'];

const PLAIN_NAME: Record<Plain, string> = PLAIN_FEATURE_NAME;

const SEG6LOCAL_KEYS: readonly Seg6LocalKey[] = [...(Object.keys(ACTION_NUMBER) as Seg6LocalAction[]), 'End.DT6 (vrf)'];
const seg6localName = (key: Seg6LocalKey): string => seg6localFeatureName(key);

const NOT_REPORTED = 'not reported by the agent';

const toProto = (name: string, s: Support): NodeFeature => ({ name, supported: s.ok, reason: s.ok ? '' : s.reason });

export function featuresToProto(f: FeatureReport): NodeFeature[] {
  return [
    ...(Object.keys(PLAIN_NAME) as Plain[]).map((k) => toProto(PLAIN_NAME[k], f[k])),
    ...SEG6LOCAL_KEYS.map((k) => toProto(seg6localName(k), f.seg6local[k])),
  ];
}

export function featuresFromProto(list: readonly NodeFeature__Output[]): FeatureReport {
  const byName = new Map(list.map((f): [string, Support] => [f.name, f.supported ? { ok: true } : { ok: false, reason: f.reason || NOT_REPORTED }]));
  const get = (name: string): Support => byName.get(name) ?? { ok: false, reason: NOT_REPORTED };
  const plain = Object.fromEntries((Object.keys(PLAIN_NAME) as Plain[]).map((k) => [k, get(PLAIN_NAME[k])])) as Record<Plain, Support>;
  const seg6local = Object.fromEntries(SEG6LOCAL_KEYS.map((k) => [k, get(seg6localName(k))])) as Record<Seg6LocalKey, Support>;
  return { ...plain, seg6local };
}
