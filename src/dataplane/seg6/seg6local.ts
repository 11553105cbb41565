/**
 * SEG6_LOCAL lightweight tunnel (`encap seg6local`): what a local SID does to a packet.
 * Behaviours are a discriminated union on `action`, each carrying exactly its attributes, so an
 * End.DX4 without nh4 cannot be written in TypeScript; `validateSeg6Local` catches it when the
 * object comes from untyped input (JSON, gRPC).
 */
import { Violations } from '../../common/errors.js';
import { canonicalAddress, formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../../common/ip.js';
import {
  type Attr,
  DecodeError,
  attrBytes,
  attrNested,
  attrString,
  attrU32,
  attrU64,
  attrU8,
  parseAttrs,
  readString,
  readU32,
  readU64,
  readU8,
} from './attrs.js';
import * as K from './constants.js';
import { checkSegmentList, formatSrh } from './seg6-encap.js';
import { decodeSrh, encodeSrh } from './srh.js';

export const FLAVOR_OPS = ['psp', 'usp', 'usd', 'next-csid'] as const;
export type FlavorOp = (typeof FLAVOR_OPS)[number];

export interface Flavors {
  readonly operations: readonly FlavorOp[];
  /** Locator-block bits for NEXT-C-SID (multiple of 8; kernel default 32). */
  readonly lblen?: number;
  /** Locator-node-function bits for NEXT-C-SID (multiple of 8; kernel default 16). */
  readonly nflen?: number;
}

export interface BpfProgram {
  /** File descriptor of a loaded program, to install; dumps report `id` instead. */
  readonly fd?: number;
  readonly id?: number;
  readonly name: string;
}

export type Seg6LocalBehavior =
  | { readonly action: 'End'; readonly flavors?: Flavors }
  | { readonly action: 'End.X'; readonly nh6: string; readonly flavors?: Flavors }
  | { readonly action: 'End.T'; readonly table: number }
  | { readonly action: 'End.DX2'; readonly oif: string }
  | { readonly action: 'End.DX6'; readonly nh6: string }
  | { readonly action: 'End.DX4'; readonly nh4: string }
  | { readonly action: 'End.DT6'; readonly table: number }
  | { readonly action: 'End.DT6'; readonly vrfTable: number }
  | { readonly action: 'End.DT4'; readonly vrfTable: number }
  | { readonly action: 'End.DT46'; readonly vrfTable: number }
  | { readonly action: 'End.B6'; readonly segments: readonly string[]; readonly tag?: number; readonly hmacKeyId?: number }
  | { readonly action: 'End.B6.Encaps'; readonly segments: readonly string[]; readonly tag?: number; readonly hmacKeyId?: number }
  | { readonly action: 'End.BPF'; readonly program: BpfProgram };

export type Seg6LocalAction = Seg6LocalBehavior['action'];

export interface Seg6LocalCounters {
  readonly packets: bigint;
  readonly bytes: bigint;
  readonly errors: bigint;
}

export interface Seg6LocalEncap {
  readonly type: 'seg6local';
  readonly behavior: Seg6LocalBehavior;
  /** Keep per-SID packet/byte/error counters (`count`). */
  readonly count?: boolean;
  /** Output only: the counters as dumped. Ignored on install and in comparisons. */
  readonly counters?: Seg6LocalCounters;
}

/** Action numbers from include/uapi/linux/seg6_local.h, for every behaviour mainline implements. */
export const ACTION_NUMBER = {
  End: 1,
  'End.X': 2,
  'End.T': 3,
  'End.DX2': 4,
  'End.DX6': 5,
  'End.DX4': 6,
  'End.DT6': 7,
  'End.DT4': 8,
  'End.B6': 9,
  'End.B6.Encaps': 10,
  'End.BPF': 15,
  'End.DT46': 16,
} as const satisfies Record<Seg6LocalAction, number>;

const ACTION_BY_NUMBER = new Map<number, Seg6LocalAction>(
  Object.entries(ACTION_NUMBER).map(([k, v]) => [v, k as Seg6LocalAction]),
);

/** Defined in the uapi header but not implemented by mainline Linux: the kernel answers EINVAL. */
export const UNIMPLEMENTED_ACTIONS: Readonly<Record<string, number>> = {
  'End.BM': 11,
  'End.S': 12,
  'End.AS': 13,
  'End.AM': 14,
  'End.AD': -1, // not even a uapi number: proxies are built from DX4/DX6 + policy (DESIGN.md §3)
};

/** Which flavor operations each behaviour accepts on this kernel (others: EINVAL/EOPNOTSUPP). */
const FLAVOR_SUPPORT: Partial<Record<Seg6LocalAction, readonly (readonly FlavorOp[])[]>> = {
  End: [['psp'], ['next-csid'], ['psp', 'next-csid']],
  'End.X': [['next-csid']],
};

const u32ok = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 0xffffffff;

function checkTable(v: Violations, field: string, x: unknown): void {
  if (!u32ok(x) || x === 0) v.add(field, `must be a routing table id 1..4294967295, got ${String(x)}`);
}

function checkAddr(v: Violations, field: string, x: unknown, family: 4 | 6): void {
  try {
    if (typeof x !== 'string') throw new Error();
    if (family === 6) parseIPv6(x);
    else parseIPv4(x);
  } catch {
    v.add(field, x === undefined ? `is required (an IPv${family} address)` : `'${String(x)}' is not an IPv${family} address`);
  }
}

function checkFlavors(v: Violations, path: string, action: Seg6LocalAction, f: Flavors): void {
  const ops = Array.isArray(f.operations) ? f.operations : [];
  if (ops.length === 0) v.add(`${path}.operations`, 'must name at least one flavor');
  for (const op of ops) if (!FLAVOR_OPS.includes(op)) v.add(`${path}.operations`, `unknown flavor '${String(op)}'`);
  const allowed = FLAVOR_SUPPORT[action];
  const key = [...ops].sort().join(',');
  if (!allowed) v.add(path, `${action} takes no flavors`);
  else if (ops.length > 0 && !allowed.some((a) => [...a].sort().join(',') === key)) {
    v.add(`${path}.operations`, `${action} supports ${allowed.map((a) => a.join('+')).join(' or ')} on mainline Linux, not ${ops.join('+')}`);
  }
  const csid = ops.includes('next-csid');
  for (const k of ['lblen', 'nflen'] as const) {
    const x = f[k];
    if (x === undefined) continue;
    if (!csid) v.add(`${path}.${k}`, 'only applies with the next-csid flavor');
    else if (!Number.isInteger(x) || x <= 0 || x % 8 !== 0) v.add(`${path}.${k}`, `must be a positive multiple of 8, got ${String(x)}`);
  }
  if (csid && (f.lblen ?? 32) + (f.nflen ?? 16) > 128) v.add(`${path}`, 'lblen + nflen must not exceed 128');
}

export function validateSeg6Local(e: Seg6LocalEncap, v: Violations, path = 'encap'): void {
  const b = e.behavior as Record<string, unknown> & Seg6LocalBehavior;
  const p = `${path}.behavior`;
  if (!b || typeof b !== 'object') {
    v.add(p, 'is required');
    return;
  }
  const action = b.action as string;
  // Own keys only: `'toString' in ACTION_NUMBER` is true through the prototype.
  if (typeof action === 'string' && Object.hasOwn(UNIMPLEMENTED_ACTIONS, action)) {
    v.add(`${p}.action`, `${action} is not implemented by mainline Linux (use a static or dynamic SR proxy)`);
    return;
  }
  if (typeof action !== 'string' || !Object.hasOwn(ACTION_NUMBER, action)) {
    v.add(`${p}.action`, `unknown action '${action}' (one of ${Object.keys(ACTION_NUMBER).join(', ')})`);
    return;
  }
  const allowedKeys: Record<Seg6LocalAction, readonly string[]> = {
    End: ['flavors'],
    'End.X': ['nh6', 'flavors'],
    'End.T': ['table'],
    'End.DX2': ['oif'],
    'End.DX6': ['nh6'],
    'End.DX4': ['nh4'],
    'End.DT6': ['table', 'vrfTable'],
    'End.DT4': ['vrfTable'],
    'End.DT46': ['vrfTable'],
    'End.B6': ['segments', 'tag', 'hmacKeyId'],
    'End.B6.Encaps': ['segments', 'tag', 'hmacKeyId'],
    'End.BPF': ['program'],
  };
  for (const k of Object.keys(b)) {
    if (k !== 'action' && b[k] !== undefined && !allowedKeys[action as Seg6LocalAction].includes(k)) {
      v.add(`${p}.${k}`, `does not apply to ${action}`);
    }
  }
  switch (b.action) {
    case 'End':
      if (b.flavors) checkFlavors(v, `${p}.flavors`, 'End', b.flavors);
      break;
    case 'End.X':
      checkAddr(v, `${p}.nh6`, b.nh6, 6);
      if (b.flavors) checkFlavors(v, `${p}.flavors`, 'End.X', b.flavors);
      break;
    case 'End.DX6':
      checkAddr(v, `${p}.nh6`, b.nh6, 6);
      break;
    case 'End.DX4':
      checkAddr(v, `${p}.nh4`, b.nh4, 4);
      break;
    case 'End.DX2':
      if (typeof b.oif !== 'string' || b.oif.length === 0 || b.oif.length > 15) v.add(`${p}.oif`, 'must be an interface name (1..15 characters)');
      break;
    case 'End.T':
      checkTable(v, `${p}.table`, b.table);
      break;
    case 'End.DT6':
      if (b.table !== undefined && b.vrfTable !== undefined) v.add(p, 'give either table (legacy mode) or vrfTable, not both');
      else if (b.vrfTable !== undefined) checkTable(v, `${p}.vrfTable`, b.vrfTable);
      else checkTable(v, `${p}.table`, (b as { table?: unknown }).table);
      break;
    case 'End.DT4':
    case 'End.DT46':
      checkTable(v, `${p}.vrfTable`, b.vrfTable);
      break;
    case 'End.B6':
    case 'End.B6.Encaps':
      checkSegmentList(v, p, b.segments, { tag: b.tag, hmacKeyId: b.hmacKeyId, extraSlots: b.action === 'End.B6' ? 1 : 0 });
      break;
    case 'End.BPF': {
      const prog = b.program as Partial<BpfProgram> | undefined;
      if (!prog || typeof prog.name !== 'string' || prog.name === '') v.add(`${p}.program.name`, 'is required');
      if (!prog || !Number.isInteger(prog.fd) || (prog.fd as number) < 0) v.add(`${p}.program.fd`, 'is required to install (a loaded program fd)');
      break;
    }
  }
}

/** End.DT6 in VRF mode (a `vrfTable`) rather than legacy mode (a `table`); an undefined key counts as absent. */
const isVrfDt6 = (
  b: { readonly action: 'End.DT6'; readonly table: number } | { readonly action: 'End.DT6'; readonly vrfTable: number },
): b is { readonly action: 'End.DT6'; readonly vrfTable: number } => (b as { vrfTable?: number }).vrfTable !== undefined;

/** iproute2 prints tables through rtnl_rttable_n2a: the reserved ids by name. */
const TABLE_NAMES: Readonly<Record<number, string>> = { 253: 'default', 254: 'main', 255: 'local' };
const tableName = (t: number): string => TABLE_NAMES[t] ?? String(t);

/** End.B6 inserts an SRH like inline mode: one extra last slot for the original DA. */
const b6Slots = (b: { action: string; segments: readonly string[] }): readonly string[] =>
  b.action === 'End.B6' ? [...b.segments, '::'] : b.segments;

/** The RTA_ENCAP children for a SEG6_LOCAL route (validated by the caller). */
export function seg6LocalAttrs(e: Seg6LocalEncap, ifindex: (name: string) => number): Attr[] {
  const b = e.behavior;
  const out: Attr[] = [attrU32(K.SEG6_LOCAL_ACTION, ACTION_NUMBER[b.action])];
  switch (b.action) {
    case 'End':
      break;
    case 'End.X':
    case 'End.DX6':
      out.push(attrBytes(K.SEG6_LOCAL_NH6, parseIPv6(b.nh6)));
      break;
    case 'End.DX4':
      out.push(attrBytes(K.SEG6_LOCAL_NH4, parseIPv4(b.nh4)));
      break;
    case 'End.DX2':
      out.push(attrU32(K.SEG6_LOCAL_OIF, ifindex(b.oif)));
      break;
    case 'End.T':
      out.push(attrU32(K.SEG6_LOCAL_TABLE, b.table));
      break;
    case 'End.DT6':
      out.push(isVrfDt6(b) ? attrU32(K.SEG6_LOCAL_VRFTABLE, b.vrfTable) : attrU32(K.SEG6_LOCAL_TABLE, b.table));
      break;
    case 'End.DT4':
    case 'End.DT46':
      out.push(attrU32(K.SEG6_LOCAL_VRFTABLE, b.vrfTable));
      break;
    case 'End.B6':
    case 'End.B6.Encaps':
      out.push(attrBytes(K.SEG6_LOCAL_SRH, encodeSrh({ segments: b6Slots(b), tag: b.tag, hmacKeyId: b.hmacKeyId })));
      break;
    case 'End.BPF':
      out.push(
        attrNested(K.SEG6_LOCAL_BPF, [attrU32(K.SEG6_LOCAL_BPF_PROG, b.program.fd ?? 0), attrString(K.SEG6_LOCAL_BPF_PROG_NAME, b.program.name)]),
      );
      break;
  }
  if (e.count) {
    // The kernel requires all three counters on input; it ignores the values we send.
    out.push(
      attrNested(K.SEG6_LOCAL_COUNTERS, [
        attrU64(K.SEG6_LOCAL_CNT_PACKETS, 0n),
        attrU64(K.SEG6_LOCAL_CNT_BYTES, 0n),
        attrU64(K.SEG6_LOCAL_CNT_ERRORS, 0n),
      ]),
    );
  }
  const flavors = 'flavors' in b ? b.flavors : undefined;
  if (flavors) {
    let mask = 0;
    const opBit: Record<FlavorOp, number> = {
      psp: K.SEG6_LOCAL_FLV_OP_PSP,
      usp: K.SEG6_LOCAL_FLV_OP_USP,
      usd: K.SEG6_LOCAL_FLV_OP_USD,
      'next-csid': K.SEG6_LOCAL_FLV_OP_NEXT_CSID,
    };
    for (const op of flavors.operations) mask |= 1 << opBit[op];
    const fl: Attr[] = [attrU32(K.SEG6_LOCAL_FLV_OPERATION, mask)];
    if (flavors.lblen !== undefined) fl.push(attrU8(K.SEG6_LOCAL_FLV_LCBLOCK_BITS, flavors.lblen));
    if (flavors.nflen !== undefined) fl.push(attrU8(K.SEG6_LOCAL_FLV_LCNODE_FN_BITS, flavors.nflen));
    out.push(attrNested(K.SEG6_LOCAL_FLAVORS, fl));
  }
  return out;
}

const need = <T>(x: T | undefined, what: string): T => {
  if (x === undefined) throw new DecodeError(`seg6local ${what} missing`);
  return x;
};

export function decodeSeg6Local(stream: Buffer, ifname: (index: number) => string): Seg6LocalEncap {
  const a = parseAttrs(stream);
  const num = need(readU32(a.get(K.SEG6_LOCAL_ACTION)), 'action');
  const action = ACTION_BY_NUMBER.get(num);
  if (!action) throw new DecodeError(`unknown seg6local action ${num}`);
  const nh6 = (): string => formatIPv6(need(a.get(K.SEG6_LOCAL_NH6), 'nh6'));
  const u32 = (t: number, what: string): number => need(readU32(a.get(t)), what);
  const srh = () => {
    const s = decodeSrh(need(a.get(K.SEG6_LOCAL_SRH), 'srh'));
    return {
      segments: action === 'End.B6' ? s.segments.slice(0, -1) : s.segments,
      ...(s.tag !== undefined ? { tag: s.tag } : {}),
      ...(s.hmacKeyId !== undefined ? { hmacKeyId: s.hmacKeyId } : {}),
    };
  };
  let flavors: Flavors | undefined;
  const fl = a.get(K.SEG6_LOCAL_FLAVORS);
  if (fl) {
    const f = parseAttrs(fl);
    const mask = readU32(f.get(K.SEG6_LOCAL_FLV_OPERATION)) ?? 0;
    const operations = FLAVOR_OPS.filter((op, i) => mask & (1 << (i + 1)));
    const lblen = readU8(f.get(K.SEG6_LOCAL_FLV_LCBLOCK_BITS));
    const nflen = readU8(f.get(K.SEG6_LOCAL_FLV_LCNODE_FN_BITS));
    flavors = { operations, ...(lblen !== undefined ? { lblen } : {}), ...(nflen !== undefined ? { nflen } : {}) };
  }
  let behavior: Seg6LocalBehavior;
  switch (action) {
    case 'End':
      behavior = { action, ...(flavors ? { flavors } : {}) };
      break;
    case 'End.X':
      behavior = { action, nh6: nh6(), ...(flavors ? { flavors } : {}) };
      break;
    case 'End.DX6':
      behavior = { action, nh6: nh6() };
      break;
    case 'End.DX4':
      behavior = { action, nh4: formatIPv4(need(a.get(K.SEG6_LOCAL_NH4), 'nh4')) };
      break;
    case 'End.DX2':
      behavior = { action, oif: ifname(u32(K.SEG6_LOCAL_OIF, 'oif')) };
      break;
    case 'End.T':
      behavior = { action, table: u32(K.SEG6_LOCAL_TABLE, 'table') };
      break;
    case 'End.DT6':
      behavior = a.has(K.SEG6_LOCAL_VRFTABLE)
        ? { action, vrfTable: u32(K.SEG6_LOCAL_VRFTABLE, 'vrftable') }
        : { action, table: u32(K.SEG6_LOCAL_TABLE, 'table') };
      break;
    case 'End.DT4':
    case 'End.DT46':
      behavior = { action, vrfTable: u32(K.SEG6_LOCAL_VRFTABLE, 'vrftable') };
      break;
    case 'End.B6':
    case 'End.B6.Encaps':
      behavior = { action, ...srh() };
      break;
    case 'End.BPF': {
      const p = parseAttrs(need(a.get(K.SEG6_LOCAL_BPF), 'bpf'));
      behavior = { action, program: { id: need(readU32(p.get(K.SEG6_LOCAL_BPF_PROG)), 'bpf prog'), name: readString(p.get(K.SEG6_LOCAL_BPF_PROG_NAME)) ?? '' } };
      break;
    }
  }
  const cnt = a.get(K.SEG6_LOCAL_COUNTERS);
  if (!cnt) return { type: 'seg6local', behavior };
  const c = parseAttrs(cnt);
  const counters: Seg6LocalCounters = {
    packets: readU64(c.get(K.SEG6_LOCAL_CNT_PACKETS)) ?? 0n,
    bytes: readU64(c.get(K.SEG6_LOCAL_CNT_BYTES)) ?? 0n,
    errors: readU64(c.get(K.SEG6_LOCAL_CNT_ERRORS)) ?? 0n,
  };
  return { type: 'seg6local', behavior, count: true, counters };
}

/**
 * iproute2's text (`ip -s route`): `encap seg6local action A <attrs> [packets P bytes B errors E] [flavors ...]`.
 * Counters print only when `withCounters` (iproute2 prints them under -s).
 */
export function formatSeg6Local(e: Seg6LocalEncap, withCounters = false): string {
  const b = e.behavior;
  const parts = [`encap seg6local action ${b.action}`];
  switch (b.action) {
    case 'End':
      break;
    case 'End.X':
    case 'End.DX6':
      parts.push(`nh6 ${canonicalAddress(b.nh6)}`);
      break;
    case 'End.DX4':
      parts.push(`nh4 ${canonicalAddress(b.nh4)}`);
      break;
    case 'End.DX2':
      parts.push(`oif ${b.oif}`);
      break;
    case 'End.T':
      parts.push(`table ${tableName(b.table)}`);
      break;
    case 'End.DT6':
      parts.push(isVrfDt6(b) ? `vrftable ${tableName(b.vrfTable)}` : `table ${tableName(b.table)}`);
      break;
    case 'End.DT4':
    case 'End.DT46':
      parts.push(`vrftable ${tableName(b.vrfTable)}`);
      break;
    case 'End.B6':
    case 'End.B6.Encaps':
      parts.push(formatSrh(b6Slots(b), b.hmacKeyId));
      break;
    case 'End.BPF':
      parts.push(`endpoint ${b.program.name}`);
      break;
  }
  if (withCounters && e.counters) parts.push(`packets ${e.counters.packets} bytes ${e.counters.bytes} errors ${e.counters.errors}`);
  const fl = 'flavors' in b ? b.flavors : undefined;
  if (fl) {
    const n = normalizeFlavors(fl);
    let s = `flavors ${n.operations.join(',')}`;
    if (n.lblen !== undefined) s += ` lblen ${n.lblen} nflen ${n.nflen}`;
    parts.push(s);
  }
  return parts.join(' ');
}

/** Canonical flavors: operations in bit order; NEXT-C-SID lengths filled with the kernel defaults. */
export function normalizeFlavors(f: Flavors): Flavors {
  const operations = FLAVOR_OPS.filter((op) => f.operations.includes(op));
  if (!operations.includes('next-csid')) return { operations };
  return { operations, lblen: f.lblen ?? 32, nflen: f.nflen ?? 16 };
}

/** Canonical form for comparisons: addresses canonical, defaults explicit, output-only fields dropped. */
export function normalizeSeg6Local(e: Seg6LocalEncap): Seg6LocalEncap {
  const b = e.behavior;
  let nb: Seg6LocalBehavior;
  switch (b.action) {
    case 'End':
      nb = b.flavors ? { action: b.action, flavors: normalizeFlavors(b.flavors) } : { action: b.action };
      break;
    case 'End.X':
      nb = { action: b.action, nh6: canonicalAddress(b.nh6), ...(b.flavors ? { flavors: normalizeFlavors(b.flavors) } : {}) };
      break;
    case 'End.DX6':
      nb = { action: b.action, nh6: canonicalAddress(b.nh6) };
      break;
    case 'End.DX4':
      nb = { action: b.action, nh4: canonicalAddress(b.nh4) };
      break;
    case 'End.B6':
    case 'End.B6.Encaps':
      nb = {
        action: b.action,
        segments: b.segments.map(canonicalAddress),
        ...(b.tag ? { tag: b.tag } : {}),
        ...(b.hmacKeyId !== undefined ? { hmacKeyId: b.hmacKeyId } : {}),
      };
      break;
    case 'End.BPF':
      nb = { action: b.action, program: { name: b.program.name } };
      break;
    // Rebuilt rather than passed through, so key order and stray keys never make two equal
    // behaviours compare different (comparisons are JSON.stringify of the normalized form).
    case 'End.T':
      nb = { action: b.action, table: b.table };
      break;
    case 'End.DX2':
      nb = { action: b.action, oif: b.oif };
      break;
    case 'End.DT6':
      nb = isVrfDt6(b) ? { action: b.action, vrfTable: b.vrfTable } : { action: b.action, table: b.table };
      break;
    case 'End.DT4':
    case 'End.DT46':
      nb = { action: b.action, vrfTable: b.vrfTable };
      break;
  }
  return { type: 'seg6local', behavior: nb, ...(e.count ? { count: true } : {}) };
}
