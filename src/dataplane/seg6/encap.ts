/**
 * The lightweight-tunnel encaps this project installs, behind one small set of functions
 * (type, validate, encode, decode, format, normalize/equal), so "has the kernel drifted?" is one call.
 */
import { Violations } from '../../common/errors.js';
import { type Attr, DecodeError } from './attrs.js';
import { LWTUNNEL_ENCAP_SEG6, LWTUNNEL_ENCAP_SEG6_LOCAL } from './constants.js';
import { type Seg6Encap, decodeSeg6, formatSeg6, normalizeSeg6, seg6Attrs, validateSeg6 } from './seg6-encap.js';
import {
  type Seg6LocalEncap,
  decodeSeg6Local,
  formatSeg6Local,
  normalizeSeg6Local,
  seg6LocalAttrs,
  validateSeg6Local,
} from './seg6local.js';

export type LwtEncap = Seg6Encap | Seg6LocalEncap;

/** Interface names <-> indexes, resolved by whoever owns the netns (the codec does no I/O). */
export interface LinkNames {
  index(name: string): number;
  name(index: number): string;
}

export function encapTypeNumber(e: LwtEncap): number {
  return e.type === 'seg6' ? LWTUNNEL_ENCAP_SEG6 : LWTUNNEL_ENCAP_SEG6_LOCAL;
}

export function validateEncap(e: LwtEncap, v: Violations, path = 'encap'): void {
  if (e.type === 'seg6') validateSeg6(e, v, path);
  else if (e.type === 'seg6local') validateSeg6Local(e, v, path);
  else v.add(`${path}.type`, `unknown encap type '${String((e as { type: unknown }).type)}' (seg6 or seg6local)`);
}

export function encapAttrs(e: LwtEncap, links: LinkNames): Attr[] {
  return e.type === 'seg6' ? seg6Attrs(e) : seg6LocalAttrs(e, (n) => links.index(n));
}

/** Decodes an RTA_ENCAP/NHA_ENCAP stream given its encap type; other lwt types are not ours. */
export function decodeEncap(type: number, stream: Buffer, links: LinkNames): LwtEncap {
  if (type === LWTUNNEL_ENCAP_SEG6) return decodeSeg6(stream);
  if (type === LWTUNNEL_ENCAP_SEG6_LOCAL) return decodeSeg6Local(stream, (i) => links.name(i));
  throw new DecodeError(`lwtunnel encap type ${type} is not handled`);
}

export function formatEncap(e: LwtEncap, withCounters = false): string {
  return e.type === 'seg6' ? formatSeg6(e) : formatSeg6Local(e, withCounters);
}

export function normalizeEncap(e: LwtEncap): LwtEncap {
  return e.type === 'seg6' ? normalizeSeg6(e) : normalizeSeg6Local(e);
}
