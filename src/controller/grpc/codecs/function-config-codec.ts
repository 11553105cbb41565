/**
 * A chain function's type and configuration ↔ the `type` oneof of srv6sfc.v1.ChainFunction.
 *
 * The northbound config messages (function_config.proto) are copies of the agent's, identical on
 * the wire (a unit test compares the descriptors), so the agent's FunctionSpec codec serves both:
 * TypeScript checks structurally that the generated shapes still agree, and the day one side
 * changes on purpose, this call stops compiling and this module gets its own codec.
 *
 * The domain keeps a chain function's `config` untyped (`Record<string, unknown>`: documents
 * check it per type before a Chain exists), holding the type's configuration from
 * src/agent/functions/function-spec.ts; here it is read as that.
 */
import { functionFromProto, functionToProto } from '../../../agent/grpc/function-codec.js';
import type { FunctionSpec, NatConfig } from '../../../agent/functions/function-spec.js';
import type { ProtoReader } from '../../../common/grpc/proto-reader.js';
import type { ChainFunction as ChainFunctionMsg, ChainFunction__Output } from '../../../gen/srv6sfc/v1/ChainFunction.js';
import type { ChainFunction } from '../../../model/chain.js';

/** The oneof part of a ChainFunction message. */
export type FunctionConfigMsg = Pick<ChainFunctionMsg, 'firewall' | 'nat' | 'monitor' | 'responder'>;

export function functionConfigToProto(f: Pick<ChainFunction, 'type' | 'config'>): FunctionConfigMsg {
  // A nat needs its mode; without one the member is sent empty and decoders name the field.
  if (f.type === 'nat' && !f.config) return { nat: {} };
  return functionToProto({ type: f.type, ...(f.config ? { config: f.config } : {}) } as FunctionSpec);
}

/** The function's type and (when not empty) its configuration; records a violation when no member is set. */
export function functionConfigFromProto(r: ProtoReader, m: ChainFunction__Output, path: string): Pick<ChainFunction, 'type' | 'config'> {
  const spec = functionFromProto(r, m, path);
  const config: Readonly<Record<string, unknown>> | undefined =
    spec.type === 'nat' ? (spec.config satisfies NatConfig) : spec.config ? { ...spec.config } : undefined;
  return config ? { type: spec.type, config } : { type: spec.type };
}
