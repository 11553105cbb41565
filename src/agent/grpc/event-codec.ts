/** AgentEvent ↔ srv6sfc.agent.v1.AgentEvent: the domain's `type` is the proto's `type` oneof. */
import { protoFieldPath } from '../../common/grpc/field-path.js';
import { ProtoReader } from '../../common/grpc/proto-reader.js';
import type { AgentEvent as EventMsg, AgentEvent__Output } from '../../gen/srv6sfc/agent/v1/AgentEvent.js';
import type { AgentEvent } from '../reconcile/types.js';
import { opCountsFromProto } from './apply-result-codec.js';

const TYPES = ['instanceExited', 'driftCorrected', 'counters'] as const satisfies readonly AgentEvent['type'][];

export function eventToProto(e: AgentEvent): EventMsg {
  switch (e.type) {
    case 'instanceExited':
      return { instanceExited: { instance: e.instance, reason: e.reason } };
    case 'driftCorrected':
      return { driftCorrected: { ops: { ...e.ops }, details: [...e.details] } };
    case 'counters':
      return {
        counters: {
          sids: e.sids.map((s) => ({ sid: s.sid, packets: s.packets.toString(), bytes: s.bytes.toString(), errors: s.errors.toString() })),
        },
      };
  }
}

/** Decodes one streamed event; throws InvalidArgumentError naming malformed fields. */
export function eventFromProto(m: AgentEvent__Output | null | undefined, path = 'event'): AgentEvent {
  const r = new ProtoReader();
  const e = r.message(path, m);
  let event: AgentEvent = { type: 'instanceExited', instance: '', reason: '' };
  switch (e ? r.oneof(path, e.type, TYPES, protoFieldPath) : undefined) {
    case 'instanceExited':
      event = { type: 'instanceExited', instance: r.required(`${path}.instance_exited.instance`, e!.instanceExited!.instance), reason: e!.instanceExited!.reason };
      break;
    case 'driftCorrected':
      event = { type: 'driftCorrected', ops: opCountsFromProto(e!.driftCorrected!.ops), details: [...e!.driftCorrected!.details] };
      break;
    case 'counters':
      event = {
        type: 'counters',
        sids: e!.counters!.sids.map((s, i) => {
          const p = `${path}.counters.sids[${i}]`;
          return { sid: r.required(`${p}.sid`, s.sid), packets: r.bigint(`${p}.packets`, s.packets), bytes: r.bigint(`${p}.bytes`, s.bytes), errors: r.bigint(`${p}.errors`, s.errors) };
        }),
      };
      break;
  }
  r.throwIfAny('malformed event');
  return event;
}
