/**
 * SEG6 lightweight tunnel (`encap seg6`): the segment list a route or nexthop pushes.
 * Attribute stream (include/uapi/linux/seg6_iptunnel.h): SEG6_IPTUNNEL_SRH = int mode (host order)
 * followed by the SRH.
 */
import { Violations } from '../../common/errors.js';
import { AddressParseError, assertIPv6, canonicalAddress } from '../../common/ip.js';
import { type Attr, DecodeError, attrBytes, parseAttrs } from './attrs.js';
import { SEG6_IPTUNNEL_SRH } from './constants.js';
import { decodeSrh, srhSize, writeSrh } from './srh.js';

export const SEG6_MODES = ['inline', 'encap', 'l2encap', 'encap.red', 'l2encap.red'] as const;
export type Seg6Mode = (typeof SEG6_MODES)[number];

const MODE_NUMBER = { inline: 0, encap: 1, l2encap: 2, 'encap.red': 3, 'l2encap.red': 4 } as const satisfies Record<Seg6Mode, number>;
const MODE_BY_NUMBER = new Map<number, Seg6Mode>(Object.entries(MODE_NUMBER).map(([k, v]) => [v, k as Seg6Mode]));

export interface Seg6Encap {
  readonly type: 'seg6';
  readonly mode: Seg6Mode;
  /** Travel order. For `inline`, without the slot the kernel overwrites with the original DA. */
  readonly segments: readonly string[];
  readonly tag?: number;
  /** HMAC key id (>= 1); the key must exist (`ip sr hmac set`) before packets can be signed. */
  readonly hmacKeyId?: number;
}

/** An SRH holds at most 127 16-byte slots (hdrlen is a u8 of 8-byte units); HMAC takes 40 bytes. */
export function maxSegments(extraSlots: number, hmac: boolean): number {
  return Math.floor((255 * 8 - (hmac ? 40 : 0)) / 16) - extraSlots;
}

/** Checks a segment list and its SRH options; shared by SEG6 and End.B6(.Encaps). */
export function checkSegmentList(
  v: Violations,
  path: string,
  segments: unknown,
  opts: { tag?: unknown; hmacKeyId?: unknown; extraSlots: number },
): void {
  if (!Array.isArray(segments) || segments.length === 0) {
    v.add(`${path}.segments`, 'must list at least one SID');
  } else {
    const max = maxSegments(opts.extraSlots, opts.hmacKeyId !== undefined);
    if (segments.length > max) v.add(`${path}.segments`, `has ${segments.length} SIDs; an SRH holds at most ${max}`);
    segments.forEach((s, i) => {
      try {
        if (typeof s !== 'string') throw new AddressParseError('not a string');
        assertIPv6(s);
      } catch {
        v.add(`${path}.segments[${i}]`, `'${String(s)}' is not an IPv6 address`);
      }
    });
  }
  if (opts.tag !== undefined && !(Number.isInteger(opts.tag) && (opts.tag as number) >= 0 && (opts.tag as number) <= 0xffff)) {
    v.add(`${path}.tag`, 'must be an integer 0..65535');
  }
  const k = opts.hmacKeyId;
  if (k !== undefined && !(Number.isInteger(k) && (k as number) >= 1 && (k as number) <= 0xffffffff)) {
    v.add(`${path}.hmacKeyId`, 'must be an integer 1..4294967295 (0 means no HMAC: omit it)');
  }
}

export function validateSeg6(e: Seg6Encap, v: Violations, path = 'encap'): void {
  if (!SEG6_MODES.includes(e.mode)) v.add(`${path}.mode`, `unknown mode '${String(e.mode)}' (one of ${SEG6_MODES.join(', ')})`);
  checkSegmentList(v, path, e.segments, { tag: e.tag, hmacKeyId: e.hmacKeyId, extraSlots: e.mode === 'inline' ? 1 : 0 });
}

/** SRH slots as the kernel wants them: inline mode carries one extra (last) slot for the original DA. */
function slots(e: Seg6Encap): readonly string[] {
  return e.mode === 'inline' ? [...e.segments, '::'] : e.segments;
}

/** The RTA_ENCAP / NHA_ENCAP children for this encap (validated by the caller). */
export function seg6Attrs(e: Seg6Encap): Attr[] {
  const srh = { segments: slots(e), tag: e.tag, hmacKeyId: e.hmacKeyId };
  const payload = Buffer.allocUnsafe(4 + srhSize(srh)); // writeSrh writes every byte after the mode
  payload.writeInt32LE(MODE_NUMBER[e.mode], 0);
  writeSrh(payload, 4, srh);
  return [attrBytes(SEG6_IPTUNNEL_SRH, payload)];
}

export function decodeSeg6(stream: Buffer): Seg6Encap {
  const attrs = parseAttrs(stream);
  const payload = attrs.get(SEG6_IPTUNNEL_SRH);
  if (!payload || payload.length < 12) throw new DecodeError('SEG6 encap without SEG6_IPTUNNEL_SRH');
  const mode = MODE_BY_NUMBER.get(payload.readInt32LE(0));
  if (!mode) throw new DecodeError(`unknown SEG6 mode ${payload.readInt32LE(0)}`);
  const srh = decodeSrh(payload.subarray(4));
  const segments = mode === 'inline' ? srh.segments.slice(0, -1) : srh.segments;
  return {
    type: 'seg6',
    mode,
    segments,
    ...(srh.tag !== undefined ? { tag: srh.tag } : {}),
    ...(srh.hmacKeyId !== undefined ? { hmacKeyId: srh.hmacKeyId } : {}),
  };
}

/** iproute2's text for an SRH: `segs N [ a b ] ` then `hmac K ` (hex, as `ip` prints it). */
export function formatSrh(segmentSlots: readonly string[], hmacKeyId: number | undefined): string {
  let s = `segs ${segmentSlots.length} [ ${segmentSlots.map(canonicalAddress).join(' ')} ]`;
  if (hmacKeyId !== undefined) s += ` hmac ${hmacKeyId.toString(16).toUpperCase()}`;
  return s;
}

export function formatSeg6(e: Seg6Encap): string {
  return `encap seg6 mode ${e.mode} ${formatSrh(slots(e), e.hmacKeyId)}`;
}

export function normalizeSeg6(e: Seg6Encap): Seg6Encap {
  return {
    type: 'seg6',
    mode: e.mode,
    segments: e.segments.map(canonicalAddress),
    ...(e.tag ? { tag: e.tag } : {}),
    ...(e.hmacKeyId !== undefined ? { hmacKeyId: e.hmacKeyId } : {}),
  };
}
