/**
 * InstanceSpec ↔ srv6sfc.agent.v1.InstanceSpec: shared by intents (what to run) and observed
 * state (what runs).
 */
import type { ProtoReader } from '../../common/grpc/proto-reader.js';
import type { InstanceSpec as InstanceMsg, InstanceSpec__Output } from '../../gen/srv6sfc/agent/v1/InstanceSpec.js';
import type { InstanceSids as InstanceSidsMsg, InstanceSids__Output } from '../../gen/srv6sfc/agent/v1/InstanceSids.js';
import type { InstanceSids, InstanceSpec } from '../intent/node-intent.js';
import { functionFromProto, functionToProto } from './function-codec.js';

export function instanceToProto(i: InstanceSpec): InstanceMsg {
  return {
    id: i.id,
    function: functionToProto(i.function),
    slot: i.slot,
    legs: i.legs,
    sids: sidsToProto(i.sids),
    returnSids: i.returnSids ? sidsToProto(i.returnSids) : null,
  };
}

export function instanceFromProto(r: ProtoReader, m: InstanceSpec__Output, path: string): InstanceSpec {
  const fn = r.message(`${path}.function`, m.function);
  if (m.legs !== 1 && m.legs !== 2) r.add(`${path}.legs`, `must be 1 or 2, got ${m.legs}`);
  return {
    id: r.required(`${path}.id`, m.id),
    function: fn ? functionFromProto(r, fn, `${path}.function`) : { type: 'monitor' },
    slot: m.slot,
    legs: m.legs === 2 ? 2 : 1,
    sids: sidsFromProto(m.sids),
    ...(m.returnSids ? { returnSids: sidsFromProto(m.returnSids) } : {}),
  };
}

const sidsToProto = (s: InstanceSids): InstanceSidsMsg => ({ dx4: s.dx4 ?? '', dx6: s.dx6 ?? '' });

const sidsFromProto = (m: InstanceSids__Output | null): InstanceSids => ({
  ...(m?.dx4 ? { dx4: m.dx4 } : {}),
  ...(m?.dx6 ? { dx6: m.dx6 } : {}),
});
