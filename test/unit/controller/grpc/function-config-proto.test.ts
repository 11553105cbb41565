/**
 * The northbound function configs (srv6sfc.v1, function_config.proto) are copies of the agent's
 * (srv6sfc.agent.v1): the northbound API must not import the southbound package. They are kept
 * wire-identical, so one codec serves both; this test says so the day they drift. Diverging on
 * purpose is allowed: then give the northbound side its own codec and update this list.
 */
import * as protoLoader from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import { PROTO_FILES, PROTO_LOADER_OPTIONS } from '../../../../src/common/grpc/load-proto.js';

const COPIES = ['Verdict', 'L4Protocol', 'PortRange', 'FirewallRule', 'FirewallConfig', 'NatConfig', 'MonitorConfig', 'ResponderConfig'];

/**
 * proto-loader's descriptors (what the run-time loader builds): type references are written
 * relative to the package, nested messages sit in `nestedType`. (Their `oneofIndex` is not
 * reliable, so oneof membership is not compared; the names of the oneofs are.)
 */
interface Descriptor {
  name?: string;
  field?: { name: string; number: number; label: string; type: string; typeName: string; proto3Optional?: boolean }[];
  value?: { name: string; number: number }[];
  oneofDecl?: { name: string }[];
  nestedType?: Descriptor[];
}

const defs = protoLoader.loadSync([...PROTO_FILES], PROTO_LOADER_OPTIONS);

const descriptor = (fullName: string): Descriptor => {
  const def = defs[fullName] as { type: Descriptor } | undefined;
  if (!def) throw new Error(`${fullName} not loaded`);
  return def.type;
};

/** A message's or enum's shape: fields, enum values, oneof names, nested messages. */
const shape = (d: Descriptor): unknown => ({
  name: d.name,
  fields: (d.field ?? []).map(({ name, number, label, type, typeName, proto3Optional }) => ({ name, number, label, type, typeName, proto3Optional })),
  values: (d.value ?? []).map(({ name, number }) => ({ name, number })),
  oneofs: (d.oneofDecl ?? []).map((o) => o.name),
  nested: (d.nestedType ?? []).map(shape),
});

describe('northbound function configs', () => {
  it.each(COPIES)('%s is wire-identical to the agent API copy', (name) => {
    expect(shape(descriptor(`srv6sfc.v1.${name}`))).toEqual(shape(descriptor(`srv6sfc.agent.v1.${name}`)));
  });

  it('ChainFunction offers every function type of the agent FunctionSpec, with the same config message, in oneof `type`', () => {
    const fn = descriptor('srv6sfc.v1.ChainFunction');
    const spec = descriptor('srv6sfc.agent.v1.FunctionSpec');
    const members = spec.field!.map((f) => [f.name, f.typeName]);
    expect(members.map(([name]) => name)).toEqual(['firewall', 'nat', 'monitor', 'responder']);
    expect(fn.field!.filter((f) => members.some(([name]) => name === f.name)).map((f) => [f.name, f.typeName])).toEqual(members);
    expect(fn.oneofDecl!.map((o) => o.name)).toEqual(['type']);
  });
});
