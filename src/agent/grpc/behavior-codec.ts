/**
 * Seg6LocalBehavior ↔ srv6sfc.agent.v1.Seg6LocalBehavior. The domain union is keyed by `action`;
 * the proto is a oneof of per-action messages. Both tables below are exhaustive over the domain's
 * actions, so a new behaviour does not compile until it has a wire form.
 */
import { EnumTable } from '../../common/grpc/enum-table.js';
import { protoFieldPath } from '../../common/grpc/field-path.js';
import type { ProtoReader } from '../../common/grpc/proto-reader.js';
import type { FlavorOp, Flavors, Seg6LocalAction, Seg6LocalBehavior } from '../../dataplane/seg6/seg6local.js';
import type { Flavors as FlavorsMsg, Flavors__Output } from '../../gen/srv6sfc/agent/v1/Flavors.js';
import type { Seg6LocalBehavior as BehaviorMsg, Seg6LocalBehavior__Output } from '../../gen/srv6sfc/agent/v1/Seg6LocalBehavior.js';

type Member = NonNullable<Seg6LocalBehavior__Output['action']>;

/** Domain action → oneof member (the proto field, camelCased by the loader). */
const MEMBER = {
  End: 'end',
  'End.X': 'endX',
  'End.T': 'endT',
  'End.DX2': 'endDx2',
  'End.DX6': 'endDx6',
  'End.DX4': 'endDx4',
  'End.DT6': 'endDt6',
  'End.DT4': 'endDt4',
  'End.B6': 'endB6',
  'End.B6.Encaps': 'endB6Encaps',
  'End.BPF': 'endBpf',
  'End.DT46': 'endDt46',
} as const satisfies Record<Seg6LocalAction, Member>;
const MEMBERS = Object.values(MEMBER);

const FLAVOR = new EnumTable({
  psp: 'FLAVOR_OPERATION_PSP',
  usp: 'FLAVOR_OPERATION_USP',
  usd: 'FLAVOR_OPERATION_USD',
  'next-csid': 'FLAVOR_OPERATION_NEXT_CSID',
} as const satisfies Record<FlavorOp, string>);

function flavorsToProto(f: Flavors | undefined): FlavorsMsg | null {
  if (!f) return null;
  return { operations: f.operations.map((op) => FLAVOR.toProto(op)), lblen: f.lblen ?? 0, nflen: f.nflen ?? 0 };
}

export function behaviorToProto(b: Seg6LocalBehavior): BehaviorMsg {
  switch (b.action) {
    case 'End':
      return { end: { flavors: flavorsToProto(b.flavors) } };
    case 'End.X':
      return { endX: { nh6: b.nh6, flavors: flavorsToProto(b.flavors) } };
    case 'End.T':
      return { endT: { table: b.table } };
    case 'End.DX2':
      return { endDx2: { oif: b.oif } };
    case 'End.DX6':
      return { endDx6: { nh6: b.nh6 } };
    case 'End.DX4':
      return { endDx4: { nh4: b.nh4 } };
    case 'End.DT6':
      return { endDt6: 'vrfTable' in b && b.vrfTable !== undefined ? { vrfTable: b.vrfTable } : { table: (b as { table: number }).table } };
    case 'End.DT4':
      return { endDt4: { vrfTable: b.vrfTable } };
    case 'End.DT46':
      return { endDt46: { vrfTable: b.vrfTable } };
    case 'End.B6':
    case 'End.B6.Encaps': {
      const m = { segments: [...b.segments], tag: b.tag ?? 0, hmacKeyId: b.hmacKeyId ?? 0 };
      return b.action === 'End.B6' ? { endB6: m } : { endB6Encaps: m };
    }
    case 'End.BPF':
      return {
        endBpf: {
          name: b.program.name,
          ...(b.program.fd !== undefined ? { fd: b.program.fd } : {}),
          ...(b.program.id !== undefined ? { id: b.program.id } : {}),
        },
      };
  }
}

function flavorsFromProto(r: ProtoReader, m: Flavors__Output | null, path: string): { flavors?: Flavors } {
  if (!m) return {};
  const operations = m.operations.map((op, i) => r.enumValue(`${path}.operations[${i}]`, op, FLAVOR.fromProto));
  return {
    flavors: {
      operations: operations.filter((op): op is FlavorOp => op !== undefined),
      ...(m.lblen ? { lblen: m.lblen } : {}),
      ...(m.nflen ? { nflen: m.nflen } : {}),
    },
  };
}

/** The behaviour; when malformed, violations are recorded and a placeholder is returned. */
export function behaviorFromProto(r: ProtoReader, m: Seg6LocalBehavior__Output, path: string): Seg6LocalBehavior {
  const member = r.oneof(path, m.action, MEMBERS, protoFieldPath);
  const at = (field: string): string => `${path}.${protoFieldPath(member ?? '')}.${field}`;
  switch (member) {
    case 'end':
      return { action: 'End', ...flavorsFromProto(r, m.end!.flavors, at('flavors')) };
    case 'endX':
      return { action: 'End.X', nh6: r.required(at('nh6'), m.endX!.nh6), ...flavorsFromProto(r, m.endX!.flavors, at('flavors')) };
    case 'endT':
      return { action: 'End.T', table: m.endT!.table };
    case 'endDx2':
      return { action: 'End.DX2', oif: r.required(at('oif'), m.endDx2!.oif) };
    case 'endDx6':
      return { action: 'End.DX6', nh6: r.required(at('nh6'), m.endDx6!.nh6) };
    case 'endDx4':
      return { action: 'End.DX4', nh4: r.required(at('nh4'), m.endDx4!.nh4) };
    case 'endDt6': {
      const dt6 = m.endDt6!;
      if (dt6.tableKind === 'vrfTable') return { action: 'End.DT6', vrfTable: dt6.vrfTable ?? 0 };
      if (dt6.tableKind !== 'table') r.add(`${path}.end_dt6`, 'must set one of table, vrf_table');
      return { action: 'End.DT6', table: dt6.table ?? 0 };
    }
    case 'endDt4':
      return { action: 'End.DT4', vrfTable: m.endDt4!.vrfTable };
    case 'endDt46':
      return { action: 'End.DT46', vrfTable: m.endDt46!.vrfTable };
    case 'endB6':
    case 'endB6Encaps': {
      const b6 = (member === 'endB6' ? m.endB6 : m.endB6Encaps)!;
      return {
        action: member === 'endB6' ? 'End.B6' : 'End.B6.Encaps',
        segments: r.strings(at('segments'), b6.segments),
        ...(b6.tag ? { tag: b6.tag } : {}),
        ...(b6.hmacKeyId ? { hmacKeyId: b6.hmacKeyId } : {}),
      };
    }
    case 'endBpf': {
      const p = m.endBpf!;
      return {
        action: 'End.BPF',
        program: {
          name: r.required(at('name'), p.name),
          ...(p.fd !== undefined ? { fd: p.fd } : {}),
          ...(p.id !== undefined ? { id: p.id } : {}),
        },
      };
    }
    default:
      return { action: 'End' }; // placeholder: the oneof violation is recorded
  }
}
