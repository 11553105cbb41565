/**
 * Policy routing rules (RTM_NEWRULE, include/uapi/linux/fib_rules.h): the ingress edge's
 * source/port selectors and the static proxy's `iif <return leg>` lookups.
 * fib_rule_hdr: u8 family, dst_len, src_len, tos, table, res1, res2, action; u32 flags.
 * The kernel has no rule replace: change = delete + add.
 */
import { Violations } from '../../common/errors.js';
import { AddressParseError, type Family, formatAddress, formatPrefix, parsePrefix } from '../../common/ip.js';
import { type Attr, DecodeError, attrBytes, attrString, attrU32, attrU8, parseAttrs, readString, readU32, readU8 } from './attrs.js';
import * as K from './constants.js';
import type { NetlinkRequest } from './message.js';

export interface PortRange {
  readonly start: number;
  readonly end: number;
}

export interface Rule {
  readonly family: Family;
  /** Rule priority (`pref`); always explicit so two owners never collide on kernel-chosen ones. */
  readonly priority: number;
  readonly table: number;
  readonly iif?: string;
  readonly oif?: string;
  readonly src?: string;
  readonly dst?: string;
  /** IP protocol number (6 tcp, 17 udp, 58 ipv6-icmp, ...). */
  readonly ipproto?: number;
  readonly sport?: PortRange;
  readonly dport?: PortRange;
  readonly fwmark?: number;
  readonly fwmask?: number;
  readonly protocol?: number;
}

const inRange = (x: unknown, min: number, max: number): boolean => Number.isInteger(x) && (x as number) >= min && (x as number) <= max;

export function validateRule(r: Rule, v: Violations, path = 'rule'): void {
  if (r.family !== 4 && r.family !== 6) v.add(`${path}.family`, 'must be 4 or 6');
  if (!inRange(r.priority, 0, 0xffffffff)) v.add(`${path}.priority`, `must be an integer 0..4294967295, got ${String(r.priority)}`);
  if (!inRange(r.table, 1, 0xffffffff)) v.add(`${path}.table`, `must be a routing table id 1..4294967295, got ${String(r.table)}`);
  for (const f of ['src', 'dst'] as const) {
    const x = r[f];
    if (x === undefined) continue;
    try {
      const p = parsePrefix(String(x));
      if (p.family !== r.family) v.add(`${path}.${f}`, `'${x}' is not an IPv${r.family} prefix`);
    } catch (e) {
      v.add(`${path}.${f}`, e instanceof AddressParseError ? e.message : 'is not a prefix');
    }
  }
  for (const f of ['iif', 'oif'] as const) {
    const x = r[f];
    if (x !== undefined && (typeof x !== 'string' || x.length === 0 || x.length > 15)) v.add(`${path}.${f}`, 'must be an interface name (1..15 characters)');
  }
  if (r.ipproto !== undefined && !inRange(r.ipproto, 0, 255)) v.add(`${path}.ipproto`, 'must be 0..255');
  for (const f of ['sport', 'dport'] as const) {
    const x = r[f];
    if (x === undefined) continue;
    if (!inRange(x.start, 0, 65535) || !inRange(x.end, 0, 65535) || x.start > x.end) v.add(`${path}.${f}`, 'must be a port range start..end within 0..65535');
    else if (r.ipproto === undefined) v.add(`${path}.${f}`, 'needs ipproto (ports are only meaningful for tcp, udp or sctp)');
  }
  if (r.fwmark !== undefined && !inRange(r.fwmark, 0, 0xffffffff)) v.add(`${path}.fwmark`, 'must be a u32');
  if (r.fwmask !== undefined && (!inRange(r.fwmask, 0, 0xffffffff) || r.fwmark === undefined)) v.add(`${path}.fwmask`, 'must be a u32 and goes with fwmark');
  if (r.protocol !== undefined && !inRange(r.protocol, 0, 255)) v.add(`${path}.protocol`, 'must be 0..255');
}

export function checkRule(r: Rule): void {
  const v = new Violations();
  validateRule(r, v);
  v.throwIfAny('invalid rule');
}

function portRange(type: number, p: PortRange): Attr {
  const b = Buffer.alloc(4);
  b.writeUInt16LE(p.start, 0);
  b.writeUInt16LE(p.end, 2);
  return attrBytes(type, b);
}

export type RuleVerb = 'add' | 'delete';

export function ruleRequest(verb: RuleVerb, r: Rule): NetlinkRequest {
  const h = Buffer.alloc(12);
  h[0] = r.family === 6 ? K.AF_INET6 : K.AF_INET;
  const attrs: Attr[] = [attrU32(K.FRA_PRIORITY, r.priority), attrU32(K.FRA_TABLE, r.table)];
  h[4] = r.table > 255 ? K.RT_TABLE_UNSPEC : r.table;
  h[7] = K.FR_ACT_TO_TBL;
  if (r.src !== undefined) {
    const p = parsePrefix(r.src);
    h[2] = p.length;
    attrs.push(attrBytes(K.FRA_SRC, p.bytes));
  }
  if (r.dst !== undefined) {
    const p = parsePrefix(r.dst);
    h[1] = p.length;
    attrs.push(attrBytes(K.FRA_DST, p.bytes));
  }
  if (r.iif !== undefined) attrs.push(attrString(K.FRA_IIFNAME, r.iif));
  if (r.oif !== undefined) attrs.push(attrString(K.FRA_OIFNAME, r.oif));
  if (r.fwmark !== undefined) attrs.push(attrU32(K.FRA_FWMARK, r.fwmark));
  // No fwmask means an exact match. The kernel only implies mask 0xffffffff for a non-zero mark
  // (`fwmark 0` alone would become mark 0 / mask 0, matching everything), so say it explicitly.
  if (r.fwmask !== undefined) attrs.push(attrU32(K.FRA_FWMASK, r.fwmask));
  else if (r.fwmark !== undefined) attrs.push(attrU32(K.FRA_FWMASK, 0xffffffff));
  if (r.ipproto !== undefined) attrs.push(attrU8(K.FRA_IP_PROTO, r.ipproto));
  if (r.sport !== undefined) attrs.push(portRange(K.FRA_SPORT_RANGE, r.sport));
  if (r.dport !== undefined) attrs.push(portRange(K.FRA_DPORT_RANGE, r.dport));
  if (r.protocol !== undefined) attrs.push(attrU8(K.FRA_PROTOCOL, r.protocol));
  const flags = K.NLM_F_REQUEST | (verb === 'add' ? K.NLM_F_CREATE | K.NLM_F_EXCL : 0);
  return { type: verb === 'add' ? K.RTM_NEWRULE : K.RTM_DELRULE, flags, header: h, attrs };
}

function readRange(b: Buffer | undefined): PortRange | undefined {
  if (!b || b.length < 4) return undefined;
  return { start: b.readUInt16LE(0), end: b.readUInt16LE(2) };
}

export function decodeRule(body: Buffer): Rule | undefined {
  if (body.length < 12) throw new DecodeError('short fib_rule_hdr');
  const fam = body[0];
  if ((fam !== K.AF_INET && fam !== K.AF_INET6) || body[7] !== K.FR_ACT_TO_TBL) return undefined;
  const family: Family = fam === K.AF_INET6 ? 6 : 4;
  const a = parseAttrs(body, 12);
  const r: { -readonly [k in keyof Rule]: Rule[k] } = {
    family,
    priority: readU32(a.get(K.FRA_PRIORITY)) ?? 0,
    table: readU32(a.get(K.FRA_TABLE)) ?? body[4]!,
  };
  const src = a.get(K.FRA_SRC);
  if (src) r.src = `${formatAddress(src, family)}/${body[2]}`;
  const dst = a.get(K.FRA_DST);
  if (dst) r.dst = `${formatAddress(dst, family)}/${body[1]}`;
  const iif = readString(a.get(K.FRA_IIFNAME));
  if (iif !== undefined) r.iif = iif;
  const oif = readString(a.get(K.FRA_OIFNAME));
  if (oif !== undefined) r.oif = oif;
  // The kernel omits FRA_FWMARK when the mark is 0 but still sends FRA_FWMASK (`fwmark 0/0xff`).
  const fwmark = readU32(a.get(K.FRA_FWMARK));
  const fwmask = readU32(a.get(K.FRA_FWMASK));
  if (fwmark !== undefined || fwmask !== undefined) r.fwmark = fwmark ?? 0;
  if (fwmask !== undefined && fwmask !== 0xffffffff) r.fwmask = fwmask;
  const ipproto = readU8(a.get(K.FRA_IP_PROTO));
  if (ipproto !== undefined) r.ipproto = ipproto;
  const sport = readRange(a.get(K.FRA_SPORT_RANGE));
  if (sport) r.sport = sport;
  const dport = readRange(a.get(K.FRA_DPORT_RANGE));
  if (dport) r.dport = dport;
  r.protocol = readU8(a.get(K.FRA_PROTOCOL)) ?? 0;
  return r;
}

function canonicalPrefixText(x: string): string {
  const p = parsePrefix(x);
  return `${formatAddress(p.bytes, p.family)}/${p.length}`;
}

/** `fwmark 0/0` selects nothing: the kernel stores it and dumps neither attribute. */
const noMark = (r: Rule): boolean => r.fwmark === 0 && r.fwmask === 0;

export function normalizeRule(r: Rule): Rule {
  return {
    family: r.family,
    priority: r.priority,
    table: r.table,
    ...(r.iif !== undefined ? { iif: r.iif } : {}),
    ...(r.oif !== undefined ? { oif: r.oif } : {}),
    ...(r.src !== undefined ? { src: canonicalPrefixText(r.src) } : {}),
    ...(r.dst !== undefined ? { dst: canonicalPrefixText(r.dst) } : {}),
    ...(r.ipproto !== undefined ? { ipproto: r.ipproto } : {}),
    ...(r.sport !== undefined ? { sport: { start: r.sport.start, end: r.sport.end } } : {}),
    ...(r.dport !== undefined ? { dport: { start: r.dport.start, end: r.dport.end } } : {}),
    ...(r.fwmark !== undefined && !noMark(r) ? { fwmark: r.fwmark } : {}),
    ...(r.fwmask !== undefined && r.fwmask !== 0xffffffff && !noMark(r) ? { fwmask: r.fwmask } : {}),
    protocol: r.protocol ?? 0,
  };
}

export function rulesEqual(a: Rule, b: Rule): boolean {
  return JSON.stringify(normalizeRule(a)) === JSON.stringify(normalizeRule(b));
}

/** Identity of a rule: the kernel matches deletes on every selector, so the key is the whole rule. */
export function ruleKey(r: Rule): string {
  return JSON.stringify(normalizeRule(r));
}

const IPPROTO_NAMES: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp', 132: 'sctp' };
const TABLE_NAMES: Record<number, string> = { 253: 'default', 254: 'main', 255: 'local' };

/** One line as `ip rule show` prints it. */
export function formatRule(r: Rule): string {
  const prefix = (x: string) => {
    const p = parsePrefix(x);
    return formatPrefix(p.bytes, p.length, p.family);
  };
  let s = `${r.priority}:\tfrom ${r.src !== undefined ? prefix(r.src) : 'all'}`;
  if (r.dst !== undefined) s += ` to ${prefix(r.dst)}`;
  // C's %#llx: '0x' prefix except for zero ('fwmark 0/0xff').
  const hex = (n: number) => (n === 0 ? '0' : `0x${n.toString(16)}`);
  if (r.fwmark !== undefined && !noMark(r)) {
    s += ` fwmark ${hex(r.fwmark)}`;
    if (r.fwmask !== undefined && r.fwmask !== 0xffffffff) s += `/${hex(r.fwmask)}`;
  }
  if (r.iif !== undefined) s += ` iif ${r.iif}`;
  if (r.oif !== undefined) s += ` oif ${r.oif}`;
  if (r.ipproto !== undefined) s += ` ipproto ${IPPROTO_NAMES[r.ipproto] ?? r.ipproto}`;
  const range = (p: PortRange) => (p.start === p.end ? `${p.start}` : `${p.start}-${p.end}`);
  if (r.sport !== undefined) s += ` sport ${range(r.sport)}`;
  if (r.dport !== undefined) s += ` dport ${range(r.dport)}`;
  s += ` lookup ${TABLE_NAMES[r.table] ?? r.table}`;
  if (r.protocol) s += ` proto ${r.protocol}`;
  return s;
}
