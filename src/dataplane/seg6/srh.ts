/**
 * The IPv6 Segment Routing Header (RFC 8754; include/uapi/linux/seg6.h, seg6_hmac.h) as the kernel
 * takes it inside SEG6 and SEG6_LOCAL attributes.
 *
 * Segments are in TRAVEL ORDER everywhere in this project: segments[0] is the first SID visited.
 * The SRH stores them reversed (its segments[n-1] is visited first); this file is the one place
 * that reverses them.
 */
import { formatIPv6, writeIPv6 } from '../../common/ip.js';
import { DecodeError } from './attrs.js';
import { IPV6_SRCRT_TYPE_4, SR6_FLAG1_HMAC, SR6_TLV_HMAC } from './constants.js';

export interface Srh {
  /** Segment slots in travel order, exactly as many as the header holds. */
  readonly segments: readonly string[];
  readonly tag?: number;
  /** HMAC key id when the header carries an HMAC TLV (the kernel computes the digest). */
  readonly hmacKeyId?: number;
}

const SRH_FIXED = 8;
const HMAC_TLV = 40; // type 5, len 38, reserved u16, key id be32, 32-byte digest

export function srhSize(srh: Srh): number {
  return SRH_FIXED + 16 * srh.segments.length + (srh.hmacKeyId !== undefined ? HMAC_TLV : 0);
}

/** Writes the SRH at `off`. Wire layout, all big-endian except where the kernel fills in:
 *  u8 nexthdr (0: the kernel sets it), u8 hdrlen ((size/8)-1), u8 type (4), u8 segments_left (n-1),
 *  u8 first_segment (n-1), u8 flags, u16 tag, then 16-byte segments stored last-visited first,
 *  then the optional HMAC TLV. */
export function writeSrh(buf: Buffer, off: number, srh: Srh): number {
  const n = srh.segments.length;
  const size = srhSize(srh);
  buf[off] = 0;
  buf[off + 1] = size / 8 - 1;
  buf[off + 2] = IPV6_SRCRT_TYPE_4;
  buf[off + 3] = n - 1;
  buf[off + 4] = n - 1;
  buf[off + 5] = srh.hmacKeyId !== undefined ? SR6_FLAG1_HMAC : 0;
  buf.writeUInt16BE(srh.tag ?? 0, off + 6);
  for (let i = 0; i < n; i++) writeIPv6(srh.segments[i]!, buf, off + SRH_FIXED + 16 * (n - 1 - i));
  if (srh.hmacKeyId !== undefined) {
    const t = off + SRH_FIXED + 16 * n;
    buf[t] = SR6_TLV_HMAC;
    buf[t + 1] = HMAC_TLV - 2;
    buf.writeUInt16BE(0, t + 2);
    buf.writeUInt32BE(srh.hmacKeyId >>> 0, t + 4);
    buf.fill(0, t + 8, t + HMAC_TLV);
  }
  return off + size;
}

export function encodeSrh(srh: Srh): Buffer {
  const buf = Buffer.alloc(srhSize(srh));
  writeSrh(buf, 0, srh);
  return buf;
}

export function decodeSrh(buf: Buffer): Srh {
  if (buf.length < SRH_FIXED) throw new DecodeError(`SRH too short (${buf.length} bytes)`);
  const size = (buf[1]! + 1) * 8;
  if (size > buf.length) throw new DecodeError(`SRH hdrlen says ${size} bytes, have ${buf.length}`);
  if (buf[2] !== IPV6_SRCRT_TYPE_4) throw new DecodeError(`SRH routing type ${buf[2]}, want 4`);
  const n = buf[4]! + 1;
  if (SRH_FIXED + 16 * n > size) throw new DecodeError(`SRH first_segment ${n - 1} overflows the header`);
  const segments: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) segments[n - 1 - i] = formatIPv6(buf, SRH_FIXED + 16 * i);
  const tag = buf.readUInt16BE(6);
  let hmacKeyId: number | undefined;
  if (buf[5]! & SR6_FLAG1_HMAC) {
    // Walk TLVs after the segments for the HMAC one.
    let t = SRH_FIXED + 16 * n;
    while (t + 2 <= size) {
      if (buf[t] === 0) {
        t += 1; // Pad1
        continue;
      }
      if (buf[t] === SR6_TLV_HMAC && t + 8 <= size) {
        hmacKeyId = buf.readUInt32BE(t + 4);
        break;
      }
      t += 2 + buf[t + 1]!;
    }
  }
  return { segments, ...(tag !== 0 ? { tag } : {}), ...(hmacKeyId !== undefined ? { hmacKeyId } : {}) };
}
