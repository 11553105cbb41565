/**
 * ChainSpec ↔ srv6sfc.v1.ChainSpec, field by field. Node references are resource names on the
 * wire (`nodes/edge1`) and ids in the domain (`edge1`). Optional domain fields travel as the
 * proto's zero value (`""`, `*_UNSPECIFIED`, an empty list or map); a protocol is a oneof of a
 * name and a number so both domain spellings (`'tcp'`, `6`) come back as they went.
 *
 * Decoders check shape (required fields, known enum values, a set oneof, resource-name format);
 * meaning (does the prefix parse? is the node known? are function names unique?) is checked by
 * the domain (src/chains), once, for documents and the API alike.
 */
import { EnumTable } from '../../../common/grpc/enum-table.js';
import type { ProtoReader } from '../../../common/grpc/proto-reader.js';
import type { PortRange as PortRangeMsg, PortRange__Output } from '../../../gen/srv6sfc/v1/PortRange.js';
import type { ChainFunction as FunctionMsg, ChainFunction__Output } from '../../../gen/srv6sfc/v1/ChainFunction.js';
import type { ChainSpec as SpecMsg, ChainSpec__Output } from '../../../gen/srv6sfc/v1/ChainSpec.js';
import type { Egress as EgressMsg, Egress__Output } from '../../../gen/srv6sfc/v1/Egress.js';
import type { Ingress as IngressMsg, Ingress__Output } from '../../../gen/srv6sfc/v1/Ingress.js';
import type { Placement as PlacementMsg, Placement__Output } from '../../../gen/srv6sfc/v1/Placement.js';
import type { TrafficMatch as MatchMsg, TrafficMatch__Output } from '../../../gen/srv6sfc/v1/TrafficMatch.js';
import type { PortRange } from '../../../dataplane/seg6/rule.js';
import type { ChainFunction, ChainSpec, Egress, Ingress, Placement, ProxyMode, TrafficMatch } from '../../../model/chain.js';
import { L4_PROTOCOL } from '../../../common/grpc/l4-protocol.js';
import { functionConfigFromProto, functionConfigToProto } from './function-config-codec.js';
import { nodeIdFromName, nodeName } from './resource-name.js';

const PROTOCOL = L4_PROTOCOL;

const DECAP = new EnumTable({ auto: 'DECAP_MODE_AUTO', dx: 'DECAP_MODE_DX', dt46: 'DECAP_MODE_DT46' } as const satisfies Record<
  NonNullable<Egress['decap']>,
  string
>);

const SR = new EnumTable({ aware: 'SR_MODE_AWARE', unaware: 'SR_MODE_UNAWARE' } as const satisfies Record<NonNullable<ChainFunction['sr']>, string>);

/** The chain's and each function's `proxy`: the same enum, `auto` included. */
const PROXY = new EnumTable({ auto: 'PROXY_MODE_AUTO', static: 'PROXY_MODE_STATIC', dynamic: 'PROXY_MODE_DYNAMIC' } as const satisfies Record<ProxyMode, string>);

const portsToProto = (ports: readonly PortRange[] | undefined): PortRangeMsg[] => (ports ?? []).map((p) => ({ start: p.start, end: p.end }));
const portsFromProto = (ports: readonly PortRange__Output[]): PortRange[] => ports.map((p) => ({ start: p.start, end: p.end }));

function matchToProto(m: TrafficMatch): MatchMsg {
  const protocol =
    m.protocol === undefined ? {} : typeof m.protocol === 'number' ? { protocolNumber: m.protocol } : { protocolName: PROTOCOL.toProto(m.protocol) };
  return {
    destinations: [...m.destinations],
    sources: [...(m.sources ?? [])],
    ...protocol,
    ports: portsToProto(m.ports),
    interface: m.interface ?? '',
  };
}

function matchFromProto(r: ProtoReader, m: TrafficMatch__Output, path: string): TrafficMatch {
  if (m.destinations.length === 0) r.add(`${path}.destinations`, 'is required');
  const protocol =
    m.protocol === 'protocolNumber'
      ? m.protocolNumber
      : m.protocol === 'protocolName'
        ? r.enumValue(`${path}.protocol_name`, m.protocolName ?? 0, PROTOCOL.fromProto)
        : undefined;
  return {
    destinations: r.strings(`${path}.destinations`, m.destinations),
    ...(m.sources.length > 0 ? { sources: r.strings(`${path}.sources`, m.sources) } : {}),
    ...(protocol !== undefined ? { protocol } : {}),
    ...(m.ports.length > 0 ? { ports: portsFromProto(m.ports) } : {}),
    ...(m.interface ? { interface: m.interface } : {}),
  };
}

export const ingressToProto = (i: Ingress): IngressMsg => ({ node: nodeName(i.node), match: matchToProto(i.match) });

export function ingressFromProto(r: ProtoReader, m: Ingress__Output | null, path: string): Ingress {
  if (!m) {
    r.add(path, 'is required');
    return { node: '', match: { destinations: [] } };
  }
  const node = nodeIdFromName(r, `${path}.node`, m.node) ?? '';
  const match = r.message(`${path}.match`, m.match);
  return { node, match: match ? matchFromProto(r, match, `${path}.match`) : { destinations: [] } };
}

export const egressToProto = (e: Egress): EgressMsg => ({
  node: nodeName(e.node),
  decap: e.decap ? DECAP.toProto(e.decap) : 'DECAP_MODE_UNSPECIFIED',
});

export function egressFromProto(r: ProtoReader, m: Egress__Output | null, path: string): Egress {
  if (!m) {
    r.add(path, 'is required');
    return { node: '' };
  }
  const decap = r.optionalEnum(`${path}.decap`, m.decap, DECAP.fromProto);
  return { node: nodeIdFromName(r, `${path}.node`, m.node) ?? '', ...(decap ? { decap } : {}) };
}

const placementToProto = (p: Placement): PlacementMsg => ({
  node: p.node !== undefined ? nodeName(p.node) : '',
  nodeSelector: { ...(p.nodeSelector ?? {}) },
});

function placementFromProto(r: ProtoReader, m: Placement__Output, path: string): Placement {
  const node = nodeIdFromName(r, `${path}.node`, m.node, false);
  return {
    ...(node !== undefined ? { node } : {}),
    ...(Object.keys(m.nodeSelector).length > 0 ? { nodeSelector: { ...m.nodeSelector } } : {}),
  };
}

export const proxyToProto = (p: ProxyMode | undefined): SpecMsg['proxy'] => (p ? PROXY.toProto(p) : 'PROXY_MODE_UNSPECIFIED');
export const proxyFromProto = (r: ProtoReader, m: ChainSpec__Output['proxy'], path: string): ProxyMode | undefined => r.optionalEnum(path, m, PROXY.fromProto);

export const functionToProto = (f: ChainFunction): FunctionMsg => ({
  name: f.name,
  sr: f.sr ? SR.toProto(f.sr) : 'SR_MODE_UNSPECIFIED',
  placement: f.placement ? placementToProto(f.placement) : null,
  // Absent stays unspecified (not the chain's value): the function keeps following the chain's.
  proxy: proxyToProto(f.proxy),
  ...functionConfigToProto(f),
});

export function functionFromProto(r: ProtoReader, m: ChainFunction__Output, path: string): ChainFunction {
  const name = r.required(`${path}.name`, m.name);
  const sr = r.optionalEnum(`${path}.sr`, m.sr, SR.fromProto);
  const proxy = proxyFromProto(r, m.proxy, `${path}.proxy`);
  return {
    name,
    ...functionConfigFromProto(r, m, path),
    ...(sr ? { sr } : {}),
    ...(proxy ? { proxy } : {}),
    ...(m.placement ? { placement: placementFromProto(r, m.placement, `${path}.placement`) } : {}),
  };
}

export const functionsFromProto = (r: ProtoReader, list: readonly ChainFunction__Output[], path: string): ChainFunction[] =>
  list.map((f, i) => functionFromProto(r, f, `${path}[${i}]`));

export const specToProto = (s: ChainSpec): SpecMsg => ({
  ingress: ingressToProto(s.ingress),
  egress: egressToProto(s.egress),
  functions: s.functions.map(functionToProto),
  proxy: proxyToProto(s.proxy),
});

/** Stands in for a spec that is missing (the violation is recorded; the value is never used). */
export const MISSING_SPEC: ChainSpec = { ingress: { node: '', match: { destinations: [] } }, egress: { node: '' }, functions: [] };

/** A whole spec; `path` names the spec itself (e.g. `chain.spec`), which is required. */
export function specFromProto(r: ProtoReader, m: ChainSpec__Output | null, path: string): ChainSpec {
  if (!m) {
    r.add(path, 'is required');
    return MISSING_SPEC;
  }
  const proxy = proxyFromProto(r, m.proxy, `${path}.proxy`);
  return {
    ingress: ingressFromProto(r, m.ingress, `${path}.ingress`),
    egress: egressFromProto(r, m.egress, `${path}.egress`),
    functions: functionsFromProto(r, m.functions, `${path}.functions`),
    ...(proxy ? { proxy } : {}),
  };
}
