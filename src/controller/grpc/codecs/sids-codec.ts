/**
 * Small pieces several northbound messages share: an instance's SIDs and the per-family segment
 * lists. Empty strings and empty lists on the wire are the domain's absent fields.
 */
import type { ProtoReader } from '../../../common/grpc/proto-reader.js';
import type { InstanceSids as SidsMsg, InstanceSids__Output } from '../../../gen/srv6sfc/v1/InstanceSids.js';
import type { SegmentLists as SegmentsMsg, SegmentLists__Output } from '../../../gen/srv6sfc/v1/SegmentLists.js';

/** An instance's SIDs (SR-unaware attachment), each optional. */
export interface InstanceSids {
  readonly dx4?: string;
  readonly dx6?: string;
}

/** Segment lists per address family, in travel order; a family the chain does not carry is absent. */
export interface SegmentLists {
  readonly ipv4?: readonly string[];
  readonly ipv6?: readonly string[];
}

export const sidsToProto = (s: InstanceSids): SidsMsg => ({ dx4: s.dx4 ?? '', dx6: s.dx6 ?? '' });

export const sidsFromProto = (m: InstanceSids__Output | null): InstanceSids => ({
  ...(m?.dx4 ? { dx4: m.dx4 } : {}),
  ...(m?.dx6 ? { dx6: m.dx6 } : {}),
});

export const segmentsToProto = (s: SegmentLists): SegmentsMsg => ({ ipv4: [...(s.ipv4 ?? [])], ipv6: [...(s.ipv6 ?? [])] });

export function segmentsFromProto(r: ProtoReader, m: SegmentLists__Output | null, path: string): SegmentLists {
  return {
    ...(m && m.ipv4.length > 0 ? { ipv4: r.strings(`${path}.ipv4`, m.ipv4) } : {}),
    ...(m && m.ipv6.length > 0 ? { ipv6: r.strings(`${path}.ipv6`, m.ipv6) } : {}),
  };
}
