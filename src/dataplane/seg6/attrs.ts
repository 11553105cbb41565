/**
 * Netlink attribute (TLV) building and walking, pure and allocation-light.
 * Layout (include/uapi/linux/netlink.h): u16 nla_len (header + payload, unpadded), u16 nla_type,
 * payload, zero padding to 4 bytes. Header and integers are host byte order (little-endian here).
 */
import { NLA_F_NESTED, NLA_TYPE_MASK } from './constants.js';

export const align4 = (n: number): number => (n + 3) & ~3;

/** One attribute to emit: raw payload bytes, or nested children. */
export type Attr = { readonly type: number; readonly payload: Uint8Array } | { readonly type: number; readonly nested: readonly Attr[] };

export const attrU8 = (type: number, v: number): Attr => ({ type, payload: Uint8Array.of(v) });
// allocUnsafe draws from Node's shared pool (alloc makes a new ArrayBuffer each time, which costs
// more than the encoding on 10k-object batches); every byte is written right after.
export const attrU16 = (type: number, v: number): Attr => {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16LE(v);
  return { type, payload: b };
};
export const attrU32 = (type: number, v: number): Attr => {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32LE(v >>> 0);
  return { type, payload: b };
};
export const attrU64 = (type: number, v: bigint): Attr => {
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64LE(v);
  return { type, payload: b };
};
export const attrBytes = (type: number, payload: Uint8Array): Attr => ({ type, payload });
export const attrString = (type: number, s: string): Attr => ({ type, payload: Buffer.from(`${s}\0`, 'latin1') });
/** Nested attribute; the NLA_F_NESTED flag is set on the wire (NHA_ENCAP is refused without it). */
export const attrNested = (type: number, nested: readonly Attr[]): Attr => ({ type, nested });

export function attrSize(a: Attr): number {
  if ('payload' in a) return 4 + align4(a.payload.length);
  let n = 4;
  for (const c of a.nested) n += attrSize(c);
  return n;
}

export function attrsSize(list: readonly Attr[]): number {
  let n = 0;
  for (const a of list) n += attrSize(a);
  return n;
}

/** Writes attrs into `buf` at `off`; returns the offset after the last one. Throws RangeError rather than write past the end. */
export function writeAttrs(buf: Buffer, off: number, list: readonly Attr[]): number {
  for (let k = 0; k < list.length; k++) {
    const a = list[k]!;
    if ('payload' in a) {
      // Hot path (100k-route batches): byte stores after one bounds check, no per-call helpers.
      const p = a.payload;
      const n = p.length;
      const padded = off + 4 + align4(n);
      if (padded > buf.length || n > 0xfffb || !(a.type >= 0 && a.type <= 0xffff)) throw new RangeError(`cannot write attribute type ${a.type} (${n} payload bytes) at ${off} of ${buf.length}`);
      const len = 4 + n;
      buf[off] = len & 0xff;
      buf[off + 1] = len >>> 8;
      buf[off + 2] = a.type & 0xff;
      buf[off + 3] = (a.type >>> 8) & 0xff;
      const at = off + 4;
      if (n <= 32) for (let i = 0; i < n; i++) buf[at + i] = p[i]!;
      else buf.set(p, at);
      for (let i = at + n; i < padded; i++) buf[i] = 0;
      off = padded;
    } else {
      const start = off;
      off = writeAttrs(buf, off + 4, a.nested);
      buf.writeUInt16LE(off - start, start);
      buf.writeUInt16LE(a.type | NLA_F_NESTED, start + 2);
    }
  }
  return off;
}

export function encodeAttrs(list: readonly Attr[]): Buffer {
  const buf = Buffer.alloc(attrsSize(list));
  writeAttrs(buf, 0, list);
  return buf;
}

/** Thrown when bytes from the kernel (or a golden file) do not parse. */
export class DecodeError extends Error {}

/**
 * Walks the attributes in buf[start, end) and returns payload views by type (flags masked off).
 * A repeated type keeps the last occurrence, as the kernel's nla_parse does.
 */
export function parseAttrs(buf: Buffer, start = 0, end = buf.length): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let off = start;
  while (off + 4 <= end) {
    const len = buf.readUInt16LE(off);
    if (len < 4 || off + len > end) throw new DecodeError(`attribute at ${off} has bad length ${len}`);
    out.set(buf.readUInt16LE(off + 2) & NLA_TYPE_MASK, buf.subarray(off + 4, off + len));
    off += align4(len);
  }
  return out;
}

export const readU32 = (b: Buffer | undefined): number | undefined => (b && b.length >= 4 ? b.readUInt32LE(0) : undefined);
export const readU16 = (b: Buffer | undefined): number | undefined => (b && b.length >= 2 ? b.readUInt16LE(0) : undefined);
export const readU8 = (b: Buffer | undefined): number | undefined => (b && b.length >= 1 ? b[0] : undefined);
export const readU64 = (b: Buffer | undefined): bigint | undefined => (b && b.length >= 8 ? b.readBigUInt64LE(0) : undefined);
export const readString = (b: Buffer | undefined): string | undefined => {
  if (!b) return undefined;
  const nul = b.indexOf(0);
  return b.toString('latin1', 0, nul === -1 ? b.length : nul);
};
