/**
 * ChainStatus ↔ srv6sfc.v1.ChainStatus: conditions, segment lists per family, and the instance
 * references. Generations are uint64 on the wire and checked ≤ 2^53 on the way in; the packet
 * counter is an exact bigint (proto3 `optional`: absent = never reported, distinct from 0); an
 * instance's proxy is the mode the controller chose, never AUTO.
 */
import { EnumTable } from '../../../common/grpc/enum-table.js';
import type { ProtoReader } from '../../../common/grpc/proto-reader.js';
import type { ChainStatus as StatusMsg, ChainStatus__Output } from '../../../gen/srv6sfc/v1/ChainStatus.js';
import type { Condition as ConditionMsg, Condition__Output } from '../../../gen/srv6sfc/v1/Condition.js';
import type { InstanceRef as InstanceRefMsg, InstanceRef__Output } from '../../../gen/srv6sfc/v1/InstanceRef.js';
import type { ChainStatus, Condition, ConditionType, EffectiveProxyMode, InstanceRef } from '../../../model/chain.js';
import { nodeIdFromName, nodeName } from './resource-name.js';
import { segmentsFromProto, segmentsToProto, sidsFromProto, sidsToProto } from './sids-codec.js';
import { timestampFromProto, timestampToProto } from './timestamp.js';

export const CONDITION_TYPES = ['Placed', 'InstancesReady', 'Programmed', 'Ready'] as const satisfies readonly ConditionType[];

const CONDITION_STATUS = new EnumTable({ True: 'STATUS_TRUE', False: 'STATUS_FALSE', Unknown: 'STATUS_UNKNOWN' } as const satisfies Record<
  Condition['status'],
  string
>);

/** An instance's effective proxy: ChainSpec.ProxyMode without AUTO, which the controller always resolves. */
export const INSTANCE_PROXY = new EnumTable({ static: 'PROXY_MODE_STATIC', dynamic: 'PROXY_MODE_DYNAMIC' } as const satisfies Record<EffectiveProxyMode, string>);

/** A status with nothing observed yet (what an absent status message decodes to). */
export const EMPTY_STATUS: ChainStatus = { observedGeneration: 0, conditions: [], segments: {}, instances: [] };

const conditionToProto = (c: Condition): ConditionMsg => ({
  type: c.type,
  status: CONDITION_STATUS.toProto(c.status),
  reason: c.reason,
  message: c.message,
  lastTransitionTime: timestampToProto(c.lastTransitionTime),
  observedGeneration: String(c.observedGeneration),
});

function conditionFromProto(r: ProtoReader, m: Condition__Output, path: string): Condition {
  if (!(CONDITION_TYPES as readonly string[]).includes(m.type)) r.add(`${path}.type`, `unknown condition ${JSON.stringify(m.type)} (one of ${CONDITION_TYPES.join(', ')})`);
  return {
    type: m.type as ConditionType,
    status: r.enumValue(`${path}.status`, m.status, CONDITION_STATUS.fromProto) ?? 'Unknown',
    reason: m.reason,
    message: m.message,
    lastTransitionTime: timestampFromProto(r, `${path}.last_transition_time`, m.lastTransitionTime) ?? '',
    observedGeneration: r.safeInteger(`${path}.observed_generation`, m.observedGeneration),
  };
}

export const instanceRefToProto = (i: InstanceRef): InstanceRefMsg => ({
  function: i.function,
  node: nodeName(i.node),
  instanceId: i.id,
  sids: sidsToProto(i.sids),
  ...(i.packets !== undefined ? { packets: i.packets.toString() } : {}),
  proxy: i.proxy ? INSTANCE_PROXY.toProto(i.proxy) : 'PROXY_MODE_UNSPECIFIED',
});

function instanceRefFromProto(r: ProtoReader, m: InstanceRef__Output, path: string): InstanceRef {
  const proxy = r.optionalEnum(`${path}.proxy`, m.proxy, INSTANCE_PROXY.fromProto);
  return {
    function: r.required(`${path}.function`, m.function),
    node: nodeIdFromName(r, `${path}.node`, m.node) ?? '',
    id: r.required(`${path}.instance_id`, m.instanceId),
    sids: sidsFromProto(m.sids),
    ...(m.packets !== undefined ? { packets: r.bigint(`${path}.packets`, m.packets) } : {}),
    ...(proxy ? { proxy } : {}),
  };
}

export const statusToProto = (s: ChainStatus): StatusMsg => ({
  observedGeneration: String(s.observedGeneration),
  conditions: s.conditions.map(conditionToProto),
  segments: segmentsToProto(s.segments),
  instances: s.instances.map(instanceRefToProto),
});

/** An absent status is an empty one: nothing observed yet. */
export function statusFromProto(r: ProtoReader, m: ChainStatus__Output | null, path: string): ChainStatus {
  if (!m) return EMPTY_STATUS;
  return {
    observedGeneration: r.safeInteger(`${path}.observed_generation`, m.observedGeneration),
    conditions: m.conditions.map((c, i) => conditionFromProto(r, c, `${path}.conditions[${i}]`)),
    segments: segmentsFromProto(r, m.segments, `${path}.segments`),
    instances: m.instances.map((i, n) => instanceRefFromProto(r, i, `${path}.instances[${n}]`)),
  };
}
