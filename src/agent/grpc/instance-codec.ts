/**
 * InstanceSpec ↔ srv6sfc.agent.v1.InstanceSpec: shared by intents (what to run) and observed
 * state (what runs).
 */
import type { ProtoReader } from '../../common/grpc/proto-reader.js';
import type { InstanceSpec as InstanceMsg, InstanceSpec__Output } from '../../gen/srv6sfc/agent/v1/InstanceSpec.js';
import type { InstanceSpec } from '../intent/node-intent.js';
import { functionFromProto, functionToProto } from './function-codec.js';

export function instanceToProto(i: InstanceSpec): InstanceMsg {
  return {
    id: i.id,
    function: functionToProto(i.function),
    slot: i.slot,
    legs: i.legs,
    sids: { dx4: i.sids.dx4 ?? '', dx6: i.sids.dx6 ?? '' },
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
    sids: {
      ...(m.sids?.dx4 ? { dx4: m.sids.dx4 } : {}),
      ...(m.sids?.dx6 ? { dx6: m.sids.dx6 } : {}),
    },
  };
}
