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
import { type Attr, DecodeError, attrBytes, attrNested, attrU16, attrU32, parseAttrs, readU16, readU32 } from './attrs.js';
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

/** Checks a route; `forDelete` checks only what identifies it (family, dst, table, metric). */
export function validateRoute(r: Route, v: Violations, path = 'route', forDelete = false): void {
  if (r.family !== 4 && r.family !== 6) v.add(`${path}.family`, 'must be 4 or 6');
  try {
    const p = parsePrefix(String(r.dst));
    if (p.family !== r.family) v.add(`${path}.dst`, `'${r.dst}' is not an IPv${r.family} prefix`);
  } catch (e) {
    v.add(`${path}.dst`, e instanceof AddressParseError ? e.message : `'${String(r.dst)}' is not a prefix`);
  }
  const u32 = (f: 'table' | 'metric' | 'nhid', min: number) => {
    const x = r[f];
    if (x !== undefined && !(Number.isInteger(x) && x >= min && x <= 0xffffffff)) v.add(`${path}.${f}`, `must be an integer ${min}..4294967295, got ${String(x)}`);
  };
  u32('table', 1);
  u32('metric', 0);
  u32('nhid', 1);
  if (r.protocol !== undefined && !(Number.isInteger(r.protocol) && r.protocol >= 0 && r.protocol <= 255)) v.add(`${path}.protocol`, 'must be 0..255');
  if (forDelete) return;
  if (r.type !== undefined && !ROUTE_TYPES.includes(r.type)) v.add(`${path}.type`, `unknown route type '${String(r.type)}'`);
  const unicast = (r.type ?? 'unicast') === 'unicast';
  if (r.nhid !== undefined) {
    for (const f of ['dev', 'via', 'encap'] as const) if (r[f] !== undefined) v.add(`${path}.${f}`, 'cannot be combined with nhid (the nexthop object says it)');
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
  }
}

export function checkRoute(r: Route): void {
  const v = new Violations();
  validateRoute(r, v);
  v.throwIfAny('invalid route');
}

function rtmsg(family: Family, dstLen: number, table: number, protocol: number, scope: number, type: number): Buffer {
  const h = Buffer.alloc(12);
  h[0] = family === 6 ? K.AF_INET6 : K.AF_INET;
  h[1] = dstLen;
  h[4] = table > 255 ? K.RT_TABLE_COMPAT : table;
  h[5] = protocol;
  h[6] = scope;
  h[7] = type;
  return h;
}

/** Scope as iproute2 chooses it on add: IPv4 dev-only unicast routes are link scope. */
function addScope(r: Route): number {
  const type = r.type ?? 'unicast';
  if (type === 'local') return K.RT_SCOPE_HOST;
  if (r.family === 4 && type === 'unicast' && r.via === undefined && r.nhid === undefined) return K.RT_SCOPE_LINK;
  return K.RT_SCOPE_UNIVERSE;
}

export type RouteVerb = 'add' | 'replace' | 'delete';

/** Builds the request for `verb` (route already validated). add = CREATE|EXCL, replace = CREATE|REPLACE. */
export function routeRequest(verb: RouteVerb, r: Route, links: LinkNames): NetlinkRequest {
  const p = parsePrefix(r.dst);
  const table = r.table ?? DEFAULT_TABLE;
  const del = verb === 'delete';
  const header = rtmsg(
    r.family,
    p.length,
    table,
    r.protocol ?? 0,
    del ? 255 /* RT_SCOPE_NOWHERE: any scope */ : addScope(r),
    del && r.type === undefined ? 0 : TYPE_NUMBER[r.type ?? 'unicast'],
  );
  const attrs: Attr[] = [attrBytes(K.RTA_DST, p.bytes), attrU32(K.RTA_TABLE, table)];
  if (r.metric !== undefined || !del) attrs.push(attrU32(K.RTA_PRIORITY, r.metric ?? defaultMetric(r.family)));
  if (!del) {
    if (r.nhid !== undefined) attrs.push(attrU32(K.RTA_NH_ID, r.nhid));
    if (r.via !== undefined) {
      const gw = parseAddress(r.via);
      const gwFamily = familyOf(r.via);
      if (gwFamily === r.family) attrs.push(attrBytes(K.RTA_GATEWAY, gw));
      else {
        const via = Buffer.alloc(2 + gw.length);
        via.writeUInt16LE(gwFamily === 6 ? K.AF_INET6 : K.AF_INET, 0);
        gw.copy(via, 2);
        attrs.push(attrBytes(K.RTA_VIA, via));
      }
    }
    if (r.dev !== undefined) attrs.push(attrU32(K.RTA_OIF, links.index(r.dev)));
    if (r.encap !== undefined) {
      attrs.push(attrU16(K.RTA_ENCAP_TYPE, encapTypeNumber(r.encap)));
      attrs.push(attrNested(K.RTA_ENCAP, encapAttrs(r.encap, links)));
    }
  }
  const flags = K.NLM_F_REQUEST | (verb === 'add' ? K.NLM_F_CREATE | K.NLM_F_EXCL : verb === 'replace' ? K.NLM_F_CREATE | K.NLM_F_REPLACE : 0);
  return { type: del ? K.RTM_DELROUTE : K.RTM_NEWROUTE, flags, header, attrs };
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
  const a = parseAttrs(body, 12);
  const dstBytes = a.get(K.RTA_DST) ?? Buffer.alloc(family === 6 ? 16 : 4);
  const table = readU32(a.get(K.RTA_TABLE)) ?? body[4]!;
  const route: {
    -readonly [k in keyof Route]: Route[k];
  } = {
    family,
    dst: `${formatAddress(dstBytes, family)}/${dstLen}`,
    table,
    protocol: body[5]!,
    metric: readU32(a.get(K.RTA_PRIORITY)) ?? defaultMetric(family),
  };
  if (type !== 'unicast') route.type = type;
  const nhid = readU32(a.get(K.RTA_NH_ID));
  if (nhid !== undefined) {
    route.nhid = nhid;
    return route; // the kernel echoes the nexthop's dev/encap; the nexthop object owns them
  }
  const oif = readU32(a.get(K.RTA_OIF));
  if (oif !== undefined) route.dev = links.name(oif);
  const gw = a.get(K.RTA_GATEWAY);
  if (gw) route.via = formatAddress(gw, family);
  const via = a.get(K.RTA_VIA);
  if (via && via.length >= 6) {
    const vf = via.readUInt16LE(0) === K.AF_INET6 ? 6 : 4;
    route.via = formatAddress(via, vf, 2);
  }
  const encapType = readU16(a.get(K.RTA_ENCAP_TYPE));
  const encap = a.get(K.RTA_ENCAP);
  if (encapType !== undefined && encap) {
    if (encapType !== K.LWTUNNEL_ENCAP_SEG6 && encapType !== K.LWTUNNEL_ENCAP_SEG6_LOCAL) return undefined;
    route.encap = decodeEncap(encapType, encap, links);
  }
  return route;
}

/** Identity of a route in the kernel's tables (what a second add would collide with). */
export function routeKey(r: Route): string {
  const p = parsePrefix(r.dst);
  return `${r.family}|${r.table ?? DEFAULT_TABLE}|${formatPrefix(p.bytes, p.length, p.family)}|${r.metric ?? defaultMetric(r.family)}`;
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

const PROTO_NAMES: Record<number, string> = { 2: 'kernel', 3: 'boot', 4: 'static', 16: 'dhcp' };

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
  if (r.protocol) s += ` proto ${PROTO_NAMES[r.protocol] ?? r.protocol}`;
  const metric = r.metric ?? defaultMetric(r.family);
  if (r.family === 6 || metric !== 0) s += ` metric ${metric}`;
  if (r.family === 6) s += ' pref medium';
  return s;
}
