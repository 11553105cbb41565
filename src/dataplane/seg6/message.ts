/**
 * Netlink message framing (include/uapi/linux/netlink.h), pure.
 * nlmsghdr: u32 len, u16 type, u16 flags, u32 seq, u32 pid — host byte order.
 */
import { type Attr, DecodeError, align4, attrsSize, writeAttrs } from './attrs.js';
import { NLMSG_DONE, NLMSG_ERROR } from './constants.js';

export const NLMSG_HDRLEN = 16;

/** A request before framing: message type, flags, fixed header bytes and attributes. */
export interface NetlinkRequest {
  readonly type: number;
  readonly flags: number;
  readonly header: Uint8Array;
  readonly attrs: readonly Attr[];
}

export function requestSize(r: NetlinkRequest): number {
  return NLMSG_HDRLEN + align4(r.header.length) + attrsSize(r.attrs);
}

/**
 * Frames `r` into buf at off with sequence `seq` (and `extraFlags` OR'ed into its flags, so callers
 * adding NLM_F_REQUEST/ACK need no copy of the request); returns the end offset. The length field is
 * what was actually written; a caller that sized `buf` with requestSize can compare the end offset.
 */
export function writeRequest(buf: Buffer, off: number, r: NetlinkRequest, seq: number, extraFlags = 0): number {
  const header = r.header;
  const hlen = header.length;
  const body = off + NLMSG_HDRLEN;
  const attrsAt = body + align4(hlen);
  if (attrsAt > buf.length) throw new RangeError(`netlink request does not fit: ${attrsAt} > ${buf.length} bytes`);
  for (let i = 0; i < hlen; i++) buf[body + i] = header[i]!;
  for (let i = body + hlen; i < attrsAt; i++) buf[i] = 0;
  const end = writeAttrs(buf, attrsAt, r.attrs);
  buf.writeUInt32LE(end - off, off);
  buf.writeUInt16LE(r.type, off + 4);
  buf.writeUInt16LE(r.flags | extraFlags, off + 6);
  buf.writeUInt32LE(seq >>> 0, off + 8);
  buf.writeUInt32LE(0, off + 12);
  return end;
}

export function encodeRequest(r: NetlinkRequest, seq: number): Buffer {
  const buf = Buffer.alloc(requestSize(r));
  if (writeRequest(buf, 0, r, seq) !== buf.length) throw new Error('netlink framing size mismatch');
  return buf;
}

export interface NetlinkMessage {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid: number;
  /** Payload after the nlmsghdr (a view into the received buffer). */
  readonly body: Buffer;
}

/** Splits one datagram into messages (several can share a datagram). */
export function parseMessages(buf: Buffer): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  let off = 0;
  while (off + NLMSG_HDRLEN <= buf.length) {
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || off + len > buf.length) throw new DecodeError(`netlink message at ${off} has bad length ${len}`);
    out.push({
      type: buf.readUInt16LE(off + 4),
      flags: buf.readUInt16LE(off + 6),
      seq: buf.readUInt32LE(off + 8),
      pid: buf.readUInt32LE(off + 12),
      body: buf.subarray(off + NLMSG_HDRLEN, off + len),
    });
    off += align4(len);
  }
  return out;
}

/** NLMSG_ERROR payload: s32 error (negative errno, 0 = ACK) then the offending request's header. */
export function errorCode(m: NetlinkMessage): number {
  if (m.type !== NLMSG_ERROR) throw new DecodeError('not an NLMSG_ERROR');
  if (m.body.length < 4) throw new DecodeError(`NLMSG_ERROR body of ${m.body.length} bytes`);
  const e = m.body.readInt32LE(0);
  return e === 0 ? 0 : -e; // an ACK is 0, not -0
}

export const isDone = (m: NetlinkMessage): boolean => m.type === NLMSG_DONE;
export const isError = (m: NetlinkMessage): boolean => m.type === NLMSG_ERROR;
