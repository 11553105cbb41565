/**
 * Where a node's SIDs come from: RFC 8986's LOC:FUNCT:ARG with the function id right after the
 * locator. A locator of length L gives F = min(16, 128 − L) function bits; argument bits are zero.
 *
 *   fc00:2::/48, function 5   →  fc00:2:0:5::      (F = 16: ids 1..65,535)
 *   fc00:9::/126, function 3  →  fc00:9::3         (F = 2: ids 1..3)
 *
 * Function id 0 is never a SID: it is the locator's own address block (with L ≤ 111 it holds the
 * node's address `locator::1`, the tunnel source, so SIDs and the node's address never mix). A
 * function id whose SID would be the node's tunnel source is reserved too (tiny locators).
 * Putting FUNCT right after the locator (rather than in the last bits) keeps SIDs aggregatable per
 * function and leaves the low bits free for arguments, as SRv6 vendors do.
 */
import { formatIPv6, parseIPv6, parsePrefix } from '../../common/ip.js';

export const FUNCTION_BITS = 16;

export interface SidLayout {
  /** The locator in canonical text (`fc00:2::/48`). */
  readonly locator: string;
  readonly length: number;
  /** Function id bits F. */
  readonly bits: number;
  /** Highest function id (2^F − 1). */
  readonly maxFid: number;
  /** The locator's network bytes (host bits cleared). */
  readonly base: Uint8Array;
}

/** The layout of an IPv6 locator, or undefined when the text is not an IPv6 prefix. */
export function sidLayout(locator: string): SidLayout | undefined {
  let p: ReturnType<typeof parsePrefix>;
  try {
    p = parsePrefix(locator);
  } catch {
    return undefined;
  }
  if (p.family !== 6) return undefined;
  const base = new Uint8Array(16);
  for (let bit = 0; bit < p.length; bit++) if (getBit(p.bytes, bit)) setBit(base, bit);
  const bits = Math.min(FUNCTION_BITS, 128 - p.length);
  return { locator: `${formatIPv6(base)}/${p.length}`, length: p.length, bits, maxFid: 2 ** bits - 1, base };
}

const getBit = (b: Uint8Array, bit: number): boolean => (b[bit >> 3]! & (0x80 >> (bit & 7))) !== 0;
const setBit = (b: Uint8Array, bit: number): void => {
  b[bit >> 3]! |= 0x80 >> (bit & 7);
};

/** The SID of function id `fid` (1..maxFid). */
export function sidOf(layout: SidLayout, fid: number): string {
  const b = new Uint8Array(layout.base);
  for (let i = 0; i < layout.bits; i++) if ((fid >> (layout.bits - 1 - i)) & 1) setBit(b, layout.length + i);
  return formatIPv6(b);
}

/** The function id of `sid` in this layout; undefined when it is outside the locator or has argument bits. */
export function fidOf(layout: SidLayout, sid: string): number | undefined {
  let a: Uint8Array;
  try {
    a = parseIPv6(sid);
  } catch {
    return undefined;
  }
  for (let bit = 0; bit < layout.length; bit++) if (getBit(a, bit) !== getBit(layout.base, bit)) return undefined;
  let fid = 0;
  for (let i = 0; i < layout.bits; i++) fid = fid * 2 + (getBit(a, layout.length + i) ? 1 : 0);
  for (let bit = layout.length + layout.bits; bit < 128; bit++) if (getBit(a, bit)) return undefined;
  return fid;
}

/** Function ids that are never allocated: 0, and the one whose SID is the tunnel source. */
export function reservedFids(layout: SidLayout, tunnelSource: string | undefined): ReadonlySet<number> {
  const r = new Set<number>([0]);
  const t = tunnelSource === undefined ? undefined : fidOf(layout, tunnelSource);
  if (t !== undefined) r.add(t);
  return r;
}

/** The node's own address in its locator (`fc00:2::/48` → `fc00:2::1`): the default tunnel source. */
export function locatorAddress(layout: SidLayout): string {
  const b = new Uint8Array(layout.base);
  b[15]! |= 1;
  return formatIPv6(b);
}
