/**
 * Routes (RTM_NEWROUTE/DELROUTE): classifier routes that point at a nexthop id, and SID routes that
 * carry a seg6local behaviour. rtmsg (include/uapi/linux/rtnetlink.h):
 * u8 family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags.
 */
import { Violations } from '../../common/errors.js';
import {
  AddressParseError,
  type Family,
  canonicalAddress,
  familyOf,
  formatAddress,
  formatPrefix,
  parseAddress,
  parsePrefix,
} from '../../common/ip.js';
import { type Attr, DecodeError, attrBytes, attrNested, attrU16, attrU32, readU16 } from './attrs.js';
import * as K from './constants.js';
import { type LinkNames, type LwtEncap, decodeEncap, encapAttrs, encapTypeNumber, formatEncap, normalizeEncap, validateEncap } from './encap.js';
import type { NetlinkRequest } from './message.js';

export const ROUTE_TYPES = ['unicast', 'blackhole', 'unreachable', 'prohibit', 'local'] as const;
export type RouteType = (typeof ROUTE_TYPES)[number];
const TYPE_NUMBER = {
  unicast: K.RTN_UNICAST,
  local: K.RTN_LOCAL,
  blackhole: K.RTN_BLACKHOLE,
  unreachable: K.RTN_UNREACHABLE,
  prohibit: K.RTN_PROHIBIT,
} as const satisfies Record<RouteType, number>;
const TYPE_BY_NUMBER = new Map<number, RouteType>(Object.entries(TYPE_NUMBER).map(([k, v]) => [v, k as RouteType]));

export interface Route {
  readonly family: Family;
  /** Destination prefix, `addr/len` (a bare address is a host route). */
  readonly dst: string;
  /** Routing table; default main (254). */
  readonly table?: number;
  /** Route protocol; the dataplane stamps its own on install (ownership). */
  readonly protocol?: number;
  /** RTA_PRIORITY; the kernel defaults IPv6 to 1024 and IPv4 to 0. */
  readonly metric?: number;
  readonly type?: RouteType;
  /** Nexthop object id: the route follows whatever that nexthop says (mutually exclusive with dev/via/encap). */
  readonly nhid?: number;
  readonly dev?: string;
  /** Gateway address; an IPv6 gateway on an IPv4 route travels as RTA_VIA. */
  readonly via?: string;
  readonly encap?: LwtEncap;
}

export const DEFAULT_TABLE = K.RT_TABLE_MAIN;
export const defaultMetric = (family: Family): number => (family === 6 ? 1024 : 0);

function checkU32(v: Violations, path: string, f: 'table' | 'metric' | 'nhid', x: number | undefined, min: number): void {
  if (x !== undefined && !(Number.isInteger(x) && x >= min && x <= 0xffffffff)) v.add(`${path}.${f}`, `must be an integer ${min}..4294967295, got ${String(x)}`);
}

const NHID_EXCLUSIVE = ['dev', 'via', 'encap'] as const;

/** Checks a route; `forDelete` checks only what identifies it (family, dst, table, metric). */
export function validateRoute(r: Route, v: Violations, path = 'route', forDelete = false): void {
  if (r.family !== 4 && r.family !== 6) v.add(`${path}.family`, 'must be 4 or 6');
  try {
    const p = parsePrefix(String(r.dst));
    if (p.family !== r.family) v.add(`${path}.dst`, `'${r.dst}' is not an IPv${r.family} prefix`);
    // IPv4 answers EINVAL ("Invalid prefix for given prefix length"); IPv6 silently clears the host
    // bits, so the route read back would never equal the one asked for.
    else if (hasHostBits(p.bytes, p.length)) v.add(`${path}.dst`, `'${r.dst}' has host bits set beyond /${p.length}`);
  } catch (e) {
    v.add(`${path}.dst`, e instanceof AddressParseError ? e.message : `'${String(r.dst)}' is not a prefix`);
  }
  checkU32(v, path, 'table', r.table, 1);
  checkU32(v, path, 'metric', r.metric, 0);
  checkU32(v, path, 'nhid', r.nhid, 1);
  if (r.protocol !== undefined && !(Number.isInteger(r.protocol) && r.protocol >= 0 && r.protocol <= 255)) v.add(`${path}.protocol`, 'must be 0..255');
  if (forDelete) return;
  if (r.type !== undefined && !ROUTE_TYPES.includes(r.type)) v.add(`${path}.type`, `unknown route type '${String(r.type)}'`);
  const unicast = (r.type ?? 'unicast') === 'unicast';
  if (r.nhid !== undefined) {
    for (const f of NHID_EXCLUSIVE) if (r[f] !== undefined) v.add(`${path}.${f}`, 'cannot be combined with nhid (the nexthop object says it)');
  } else if (unicast && r.dev === undefined && r.via === undefined) {
    v.add(`${path}.dev`, 'a unicast route needs nhid, dev or via');
  }
  if (r.dev !== undefined && (typeof r.dev !== 'string' || r.dev.length === 0 || r.dev.length > 15)) v.add(`${path}.dev`, 'must be an interface name (1..15 characters)');
  if (r.via !== undefined) {
    try {
      parseAddress(String(r.via));
      if (r.family === 6 && familyOf(r.via) === 4) v.add(`${path}.via`, 'an IPv6 route cannot use an IPv4 gateway');
    } catch {
      v.add(`${path}.via`, `'${String(r.via)}' is not an address`);
    }
  }
  if (r.encap !== undefined) {
    validateEncap(r.encap, v, `${path}.encap`);
    if (r.encap.type === 'seg6local' && r.family !== 6) v.add(`${path}.encap`, 'seg6local SIDs are IPv6 routes');
    // The kernel turns IPv6 routes through the loopback device into reject routes: such a SID
    // installs and lists fine, then drops every packet (measured on 6.18).
    if (r.encap.type === 'seg6local' && r.dev === 'lo') v.add(`${path}.dev`, 'a SID on lo drops every packet (the kernel makes IPv6 routes via lo reject routes): attach it to an interface that receives the traffic');
    if (r.encap.type === 'seg6' && r.encap.mode === 'inline' && r.family !== 6) v.add(`${path}.encap.mode`, 'inline mode inserts an SRH into IPv6 packets only (the kernel answers EINVAL on IPv4)');
  }
}

/** True when any bit after the first `length` bits is set. */
export function hasHostBits(bytes: Uint8Array, length: number): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.min(8, Math.max(0, length - 8 * i));
    if ((bytes[i]! & (0xff >> keep)) !== 0) return true;
  }
  return false;
}

export function checkRoute(r: Route): void {
  const v = new Violations();
  validateRoute(r, v);
  v.throwIfAny('invalid route');
}

/**
 * Requests are never mutated after they are built (the socket copies them into its send buffer), so
 * the few distinct rtmsg headers and u32 attributes that every route repeats are built once and shared:
 * at 100k routes per apply this is most of what the encoder used to allocate.
 */
const RTMSG_CACHE = new Map<number, Buffer>();
const U32_ATTR_CACHE = new Map<number, Map<number, Attr>>();
const CACHE_LIMIT = 65536;

function rtmsg(family: Family, dstLen: number, table: number, protocol: number, scope: number, type: number): Buffer {
  const tableByte = table > 255 ? K.RT_TABLE_COMPAT : table;
  const key = ((((((family === 6 ? 1 : 0) * 256 + dstLen) * 256 + tableByte) * 256 + protocol) * 256 + scope) * 256) + type;
  let h = RTMSG_CACHE.get(key);
  if (h !== undefined) return h;
  h = Buffer.alloc(12);
  h[0] = family === 6 ? K.AF_INET6 : K.AF_INET;
  h[1] = dstLen;
  h[4] = tableByte;
  h[5] = protocol;
  h[6] = scope;
  h[7] = type;
  if (RTMSG_CACHE.size >= CACHE_LIMIT) RTMSG_CACHE.clear();
  RTMSG_CACHE.set(key, h);
  return h;
}

/** attrU32, shared per (type, value). */
function sharedU32(type: number, value: number): Attr {
  let byValue = U32_ATTR_CACHE.get(type);
  if (byValue === undefined) U32_ATTR_CACHE.set(type, (byValue = new Map()));
  let a = byValue.get(value);
  if (a === undefined) {
    if (byValue.size >= CACHE_LIMIT) byValue.clear();
    a = attrU32(type, value);
    byValue.set(value, a);
  }
  return a;
}

/** Scope as iproute2 chooses it on add: IPv4 dev-only unicast routes are link scope. */
function addScope(r: Route): number {
  return scopeOf(r.family, r.type ?? 'unicast', r.via, r.nhid);
}

function scopeOf(family: Family, type: RouteType, via: string | undefined, nhid: number | undefined): number {
  if (type === 'local') return K.RT_SCOPE_HOST;
  if (family === 4 && type === 'unicast' && via === undefined && nhid === undefined) return K.RT_SCOPE_LINK;
  return K.RT_SCOPE_UNIVERSE;
}

export type RouteVerb = 'add' | 'replace' | 'delete';

/** Builds the request for `verb` (route already validated). add = CREATE|EXCL, replace = CREATE|REPLACE. */
export function routeRequest(verb: RouteVerb, r: Route, links: LinkNames): NetlinkRequest {
  // Every field is read once: route objects often arrive as spread copies (`{ ...route, protocol }`),
  // and V8 gives each such copy its own hidden class, so every property load on them is megamorphic.
  const { family, dst, table: rtable, protocol, metric, type, nhid, dev, via, encap } = r;
  const p = parsePrefix(dst);
  const table = rtable ?? DEFAULT_TABLE;
  const del = verb === 'delete';
  const header = rtmsg(
    family,
    p.length,
    table,
    protocol ?? 0,
    del ? 255 /* RT_SCOPE_NOWHERE: any scope */ : scopeOf(family, type ?? 'unicast', via, nhid),
    del && type === undefined ? 0 : TYPE_NUMBER[type ?? 'unicast'],
  );
  const flags = K.NLM_F_REQUEST | (verb === 'add' ? K.NLM_F_CREATE | K.NLM_F_EXCL : verb === 'replace' ? K.NLM_F_CREATE | K.NLM_F_REPLACE : 0);
  const dstAttr = attrBytes(K.RTA_DST, p.bytes);
  const tableAttr = sharedU32(K.RTA_TABLE, table);
  if (!del && via === undefined && dev === undefined && encap === undefined) {
    // The bulk case (classifier routes via a nexthop id, blackholes): an exactly sized attribute list,
    // since every request of a 100k-route apply stays alive until its chunk is sent.
    const prio = sharedU32(K.RTA_PRIORITY, metric ?? defaultMetric(family));
    const attrs: Attr[] = nhid !== undefined ? [dstAttr, tableAttr, prio, sharedU32(K.RTA_NH_ID, nhid)] : [dstAttr, tableAttr, prio];
    return { type: K.RTM_NEWROUTE, flags, header, attrs };
  }
  const attrs: Attr[] = [dstAttr, tableAttr];
  if (metric !== undefined || !del) attrs.push(sharedU32(K.RTA_PRIORITY, metric ?? defaultMetric(family)));
  if (!del) {
    if (nhid !== undefined) attrs.push(sharedU32(K.RTA_NH_ID, nhid));
    if (via !== undefined) {
      const gw = parseAddress(via);
      const gwFamily = familyOf(via);
      if (gwFamily === family) attrs.push(attrBytes(K.RTA_GATEWAY, gw));
      else {
        const rtvia = Buffer.alloc(2 + gw.length);
        rtvia.writeUInt16LE(gwFamily === 6 ? K.AF_INET6 : K.AF_INET, 0);
        gw.copy(rtvia, 2);
        attrs.push(attrBytes(K.RTA_VIA, rtvia));
      }
    }
    if (dev !== undefined) attrs.push(attrU32(K.RTA_OIF, links.index(dev)));
    if (encap !== undefined) {
      attrs.push(attrU16(K.RTA_ENCAP_TYPE, encapTypeNumber(encap)));
      attrs.push(attrNested(K.RTA_ENCAP, encapAttrs(encap, links)));
    }
  }
  return { type: del ? K.RTM_DELROUTE : K.RTM_NEWROUTE, flags, header, attrs };
}

/**
 * Attribute offsets for decodeRoute, by type (< 32): where each payload starts and its length, -1 when
 * absent. A 100k-route dump decodes each message once; walking offsets instead of building parseAttrs'
 * Map of Buffer views per message is most of the difference. Same rules as parseAttrs: flags masked,
 * last occurrence wins, a bad length is a DecodeError.
 */
const RTA_AT = new Int32Array(32);
const RTA_LEN = new Int32Array(32);

function scanRouteAttrs(body: Buffer, start: number): void {
  RTA_AT.fill(-1);
  const end = body.length;
  let off = start;
  while (off + 4 <= end) {
    const len = body[off]! | (body[off + 1]! << 8);
    if (len < 4 || off + len > end) throw new DecodeError(`attribute at ${off} has bad length ${len}`);
    const type = (body[off + 2]! | (body[off + 3]! << 8)) & K.NLA_TYPE_MASK;
    if (type < 32) {
      RTA_AT[type] = off + 4;
      RTA_LEN[type] = len - 4;
    }
    off += (len + 3) & ~3;
  }
}

/** The payload of `type` from the last scan, as a view (undefined when absent). */
function scannedAttr(body: Buffer, type: number): Buffer | undefined {
  const at = RTA_AT[type]!;
  return at < 0 ? undefined : body.subarray(at, at + RTA_LEN[type]!);
}

/** readU32 of the last scan's `type` (undefined when absent or shorter than 4 bytes). */
function scannedU32(body: Buffer, type: number): number | undefined {
  const at = RTA_AT[type]!;
  return at >= 0 && RTA_LEN[type]! >= 4 ? body.readUInt32LE(at) : undefined;
}

/** A route as dumped, with the kernel's own view (flags we do not model are left out). */
export function decodeRoute(body: Buffer, links: LinkNames): Route | undefined {
  if (body.length < 12) throw new DecodeError('short rtmsg');
  const fam = body[0];
  if (fam !== K.AF_INET && fam !== K.AF_INET6) return undefined;
  const family: Family = fam === K.AF_INET6 ? 6 : 4;
  const dstLen = body[1]!;
  const type = TYPE_BY_NUMBER.get(body[7]!);
  if (type === undefined) return undefined; // broadcast, anycast, multicast...: never ours
  scanRouteAttrs(body, 12);
  const addrLen = family === 6 ? 16 : 4;
  const dstAt = RTA_AT[K.RTA_DST]!;
  // The common case formats straight from the message; a short RTA_DST goes through a view as before.
  const dstText =
    dstAt < 0
      ? formatAddress(Buffer.alloc(addrLen), family)
      : RTA_LEN[K.RTA_DST]! >= addrLen
        ? formatAddress(body, family, dstAt)
        : formatAddress(body.subarray(dstAt, dstAt + RTA_LEN[K.RTA_DST]!), family);
  const table = scannedU32(body, K.RTA_TABLE) ?? body[4]!;
  const route: {
    -readonly [k in keyof Route]: Route[k];
  } = {
    family,
    dst: `${dstText}/${dstLen}`,
    table,
    protocol: body[5]!,
    metric: scannedU32(body, K.RTA_PRIORITY) ?? defaultMetric(family),
  };
  if (type !== 'unicast') route.type = type;
  const nhid = scannedU32(body, K.RTA_NH_ID);
  if (nhid !== undefined) {
    route.nhid = nhid;
    return route; // the kernel echoes the nexthop's dev/encap; the nexthop object owns them
  }
  // Everything else is read from the scan before any callback (links.name, decodeEncap) runs.
  const oif = scannedU32(body, K.RTA_OIF);
  const gw = scannedAttr(body, K.RTA_GATEWAY);
  const via = scannedAttr(body, K.RTA_VIA);
  const encapType = readU16(scannedAttr(body, K.RTA_ENCAP_TYPE));
  const encap = scannedAttr(body, K.RTA_ENCAP);
  if (oif !== undefined) route.dev = links.name(oif);
  if (gw) route.via = formatAddress(gw, family);
  if (via && via.length >= 6) {
    const vf = via.readUInt16LE(0) === K.AF_INET6 ? 6 : 4;
    route.via = formatAddress(via, vf, 2);
  }
  if (encapType !== undefined && encap) {
    if (encapType !== K.LWTUNNEL_ENCAP_SEG6 && encapType !== K.LWTUNNEL_ENCAP_SEG6_LOCAL) return undefined;
    route.encap = decodeEncap(encapType, encap, links);
  }
  return route;
}

/** Identity of a route in the kernel's tables (what a second add would collide with). */
export function routeKey(r: Route): string {
  const p = parsePrefix(r.dst);
  // Hex of the bytes, not formatted text: the same identity, at a fraction of the cost on 100k routes.
  return `${r.family}|${r.table ?? DEFAULT_TABLE}|${p.bytes.toString('hex')}/${p.length}|${r.metric ?? defaultMetric(r.family)}`;
}

/** Canonical form: defaults explicit, addresses canonical, output-only fields (counters) dropped. */
export function normalizeRoute(r: Route): Route {
  const p = parsePrefix(r.dst);
  return {
    family: r.family,
    dst: `${formatAddress(p.bytes, p.family)}/${p.length}`,
    table: r.table ?? DEFAULT_TABLE,
    protocol: r.protocol ?? 0,
    metric: r.metric ?? defaultMetric(r.family),
    ...(r.type !== undefined && r.type !== 'unicast' ? { type: r.type } : {}),
    ...(r.nhid !== undefined ? { nhid: r.nhid } : {}),
    ...(r.dev !== undefined ? { dev: r.dev } : {}),
    ...(r.via !== undefined ? { via: canonicalAddress(r.via) } : {}),
    ...(r.encap !== undefined ? { encap: normalizeEncap(r.encap) } : {}),
  };
}

export function routesEqual(a: Route, b: Route): boolean {
  return JSON.stringify(normalizeRoute(a)) === JSON.stringify(normalizeRoute(b));
}

const PROTO_NAMES: Record<number, string> = { 0: 'unspec', 1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static', 16: 'dhcp' };
const RTPROT_BOOT = 3;

/** One line as `ip [-s] route show` prints it (table shown when not main, as `ip route show table all`). */
export function formatRoute(r: Route, opts: { withCounters?: boolean; showTable?: boolean } = {}): string {
  const p = parsePrefix(r.dst);
  const dst = p.length === 0 ? 'default' : formatPrefix(p.bytes, p.length, p.family);
  const type = r.type ?? 'unicast';
  let s = type === 'unicast' ? dst : `${type} ${dst}`;
  if (r.nhid !== undefined) s += ` nhid ${r.nhid}`;
  // iproute2 prints the encap right after the destination, with a doubled space.
  if (r.encap) s += `  ${formatEncap(r.encap, opts.withCounters)}`;
  if (r.via !== undefined) s += familyOf(r.via) === r.family ? ` via ${canonicalAddress(r.via)}` : ` via inet6 ${canonicalAddress(r.via)}`;
  if (r.dev !== undefined) s += ` dev ${r.dev}`;
  const table = r.table ?? DEFAULT_TABLE;
  if (opts.showTable && table !== DEFAULT_TABLE) s += ` table ${table}`;
  // iproute2 omits `proto boot`; the kernel turns an IPv6 route's protocol 0 into boot.
  if (r.protocol !== undefined && r.protocol !== RTPROT_BOOT && !(r.protocol === 0 && r.family === 6)) {
    s += ` proto ${PROTO_NAMES[r.protocol] ?? r.protocol}`;
  }
  // IPv4 routes carry a scope, printed when not universe (IPv6 routes always dump universe).
  if (r.family === 4) {
    const scope = addScope(r);
    if (scope === K.RT_SCOPE_LINK) s += ' scope link';
    else if (scope === K.RT_SCOPE_HOST) s += ' scope host';
  }
  const metric = r.metric ?? defaultMetric(r.family);
  if (r.family === 6 || metric !== 0) s += ` metric ${metric}`;
  if (r.family === 6) s += ' pref medium';
  return s;
}
