/**
 * Nexthop objects (RTM_NEWNEXTHOP, include/uapi/linux/nexthop.h). A chain's segment list lives in
 * one nexthop per (chain, address family); `replace` on it switches every referencing route at once.
 * nhmsg: u8 family, scope, protocol, resvd; u32 flags.
 */
import { Violations } from '../../common/errors.js';
import { type Family, canonicalAddress, familyOf, formatAddress, parseAddress } from '../../common/ip.js';
import { type Attr, DecodeError, attrBytes, attrNested, attrU16, attrU32, parseAttrs, readU16, readU32 } from './attrs.js';
import * as K from './constants.js';
import { type LinkNames, decodeEncap, encapAttrs, encapTypeNumber, formatEncap } from './encap.js';
import type { NetlinkRequest } from './message.js';
import { type Seg6Encap, normalizeSeg6, validateSeg6 } from './seg6-encap.js';

export interface Nexthop {
  readonly id: number;
  /** 4 serves IPv4 routes, 6 serves IPv6 routes (an IPv6 route cannot use an IPv4 nexthop). */
  readonly family: Family;
  readonly dev?: string;
  readonly gateway?: string;
  /** Only `seg6` lives in a nexthop object (seg6local cannot). */
  readonly encap?: Seg6Encap;
  readonly blackhole?: boolean;
  readonly protocol?: number;
}

export function validateNexthop(n: Nexthop, v: Violations, path = 'nexthop'): void {
  if (!(Number.isInteger(n.id) && n.id >= 1 && n.id <= 0xffffffff)) v.add(`${path}.id`, `must be an integer 1..4294967295, got ${String(n.id)}`);
  if (n.family !== 4 && n.family !== 6) v.add(`${path}.family`, 'must be 4 or 6');
  if (n.protocol !== undefined && !(Number.isInteger(n.protocol) && n.protocol >= 0 && n.protocol <= 255)) v.add(`${path}.protocol`, 'must be 0..255');
  if (n.blackhole) {
    for (const f of ['dev', 'gateway', 'encap'] as const) if (n[f] !== undefined) v.add(`${path}.${f}`, 'a blackhole nexthop has no ' + f);
    return;
  }
  if (n.dev === undefined) v.add(`${path}.dev`, 'is required (the device the encapsulated packet leaves by)');
  else if (typeof n.dev !== 'string' || n.dev.length === 0 || n.dev.length > 15) v.add(`${path}.dev`, 'must be an interface name (1..15 characters)');
  if (n.gateway !== undefined) {
    try {
      parseAddress(String(n.gateway));
      if (familyOf(n.gateway) !== n.family) v.add(`${path}.gateway`, `must be an IPv${n.family} address for a family ${n.family} nexthop`);
    } catch {
      v.add(`${path}.gateway`, `'${String(n.gateway)}' is not an address`);
    }
  }
  if (n.encap !== undefined) {
    if ((n.encap as { type: string }).type !== 'seg6') v.add(`${path}.encap.type`, 'only seg6 encaps can live in a nexthop object');
    else {
      validateSeg6(n.encap, v, `${path}.encap`);
      if (n.encap.mode === 'inline' && n.family !== 6) v.add(`${path}.encap.mode`, 'inline mode inserts an SRH into IPv6 packets only (the kernel answers EINVAL on a family 4 nexthop)');
    }
  }
}

export function checkNexthop(n: Nexthop): void {
  const v = new Violations();
  validateNexthop(n, v);
  v.throwIfAny('invalid nexthop');
}

export type NexthopVerb = 'add' | 'replace' | 'delete';

/** nhmsg headers are few and never mutated after a request is built: share them. */
const HEADERS = new Map<number, Buffer>();
function nhmsg(family: number, protocol: number): Buffer {
  const key = (family << 8) | protocol;
  let h = HEADERS.get(key);
  if (!h) {
    h = Buffer.alloc(8);
    h[0] = family;
    h[2] = protocol;
    HEADERS.set(key, h);
  }
  return h;
}

export function nexthopRequest(verb: NexthopVerb, n: Nexthop, links: LinkNames): NetlinkRequest {
  // The kernel refuses any header field but the family on delete.
  const header = verb === 'delete' ? nhmsg(K.AF_UNSPEC, 0) : nhmsg(n.family === 6 ? K.AF_INET6 : K.AF_INET, n.protocol ?? 0);
  const attrs: Attr[] = [attrU32(K.NHA_ID, n.id)];
  if (verb !== 'delete') {
    if (n.blackhole) attrs.push({ type: K.NHA_BLACKHOLE, payload: new Uint8Array(0) });
    if (n.dev !== undefined) attrs.push(attrU32(K.NHA_OIF, links.index(n.dev)));
    if (n.gateway !== undefined) attrs.push(attrBytes(K.NHA_GATEWAY, parseAddress(n.gateway)));
    if (n.encap !== undefined) {
      attrs.push(attrU16(K.NHA_ENCAP_TYPE, encapTypeNumber(n.encap)));
      // attrNested sets NLA_F_NESTED: the kernel refuses NHA_ENCAP without it (EINVAL).
      attrs.push(attrNested(K.NHA_ENCAP, encapAttrs(n.encap, links)));
    }
  }
  const flags = K.NLM_F_REQUEST | (verb === 'add' ? K.NLM_F_CREATE | K.NLM_F_EXCL : verb === 'replace' ? K.NLM_F_CREATE | K.NLM_F_REPLACE : 0);
  return { type: verb === 'delete' ? K.RTM_DELNEXTHOP : K.RTM_NEWNEXTHOP, flags, header, attrs };
}

export function decodeNexthop(body: Buffer, links: LinkNames): Nexthop | undefined {
  if (body.length < 8) throw new DecodeError('short nhmsg');
  const fam = body[0];
  const a = parseAttrs(body, 8);
  if (a.has(K.NHA_GROUP)) return undefined; // groups are not ours
  const id = readU32(a.get(K.NHA_ID));
  if (id === undefined) throw new DecodeError('nexthop without NHA_ID');
  const family: Family = fam === K.AF_INET6 ? 6 : 4;
  const n: { -readonly [k in keyof Nexthop]: Nexthop[k] } = { id, family, protocol: body[2]! };
  if (a.has(K.NHA_BLACKHOLE)) n.blackhole = true;
  const oif = readU32(a.get(K.NHA_OIF));
  if (oif !== undefined) n.dev = links.name(oif);
  const gw = a.get(K.NHA_GATEWAY);
  if (gw) n.gateway = formatAddress(gw, gw.length === 16 ? 6 : 4);
  const et = readU16(a.get(K.NHA_ENCAP_TYPE));
  const enc = a.get(K.NHA_ENCAP);
  if (et !== undefined && enc) {
    if (et !== K.LWTUNNEL_ENCAP_SEG6) return undefined;
    n.encap = decodeEncap(et, enc, links) as Seg6Encap;
  }
  return n;
}

export function normalizeNexthop(n: Nexthop): Nexthop {
  return {
    id: n.id,
    family: n.family,
    protocol: n.protocol ?? 0,
    ...(n.blackhole ? { blackhole: true } : {}),
    ...(n.dev !== undefined ? { dev: n.dev } : {}),
    ...(n.gateway !== undefined ? { gateway: canonicalAddress(n.gateway) } : {}),
    ...(n.encap !== undefined ? { encap: normalizeSeg6(n.encap) } : {}),
  };
}

export function nexthopsEqual(a: Nexthop, b: Nexthop): boolean {
  return JSON.stringify(normalizeNexthop(a)) === JSON.stringify(normalizeNexthop(b));
}

/** `ip nexthop show` line, up to the kernel-chosen scope (which iproute2 appends). */
export function formatNexthop(n: Nexthop): string {
  let s = `id ${n.id}`;
  if (n.blackhole) return `${s} blackhole`;
  if (n.encap) s += `  ${formatEncap(n.encap)}`;
  if (n.gateway !== undefined) s += ` via ${canonicalAddress(n.gateway)}`;
  if (n.dev !== undefined) s += ` dev ${n.dev}`;
  return s;
}
