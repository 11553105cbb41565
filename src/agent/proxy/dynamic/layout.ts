/**
 * The dynamic SR proxy's BPF side as data (pure): program and map names, pin paths, and the byte
 * layouts of bpf/sr_proxy.h's keys and values, with their encoders and decoders. The C header is
 * the source of truth; test/unit/agent/dynamic-proxy-layout.test.ts reads it and compares.
 * Integers are host order (little-endian on every machine we run on), addresses network order.
 */
import type { Family } from '../../../common/ip.js';
import { formatIPv6, parseIPv6 } from '../../../common/ip.js';

export const PROGRAMS = {
  /** tc ingress (clsact) on the node's SRv6-facing interfaces. */
  inbound: 'sfc_proxy_in',
  /** lwt_in, `encap bpf in` on the return legs' proxy routes (return hook `lwt`). */
  return: 'sfc_proxy_ret',
  /** tc ingress (clsact) on the return legs (return hook `tc`: keeps GSO). */
  returnTc: 'sfc_proxy_out',
} as const;

/**
 * Where a node re-encapsulates what its functions send back: `lwt` (an `encap bpf` route in a
 * per-leg table chosen by `ip rule iif`; the function's transmit leg needs TSO/GSO off) or `tc`
 * (a clsact filter on the return leg; GSO kept, no rule or table).
 */
export type ReturnHook = 'lwt' | 'tc';

export const MAPS = {
  sids: 'sfc_sids',
  legs: 'sfc_legs',
  cache: 'sfc_cache',
  stats: 'sfc_stats',
  scratch: 'sfc_scratch',
} as const;

/** Outer IPv6 + SRH the return program can push (the kernel's LWT_BPF_MAX_HEADROOM). */
export const MAX_HEADER = 256;
/** Segments an SRH may carry (no TLVs) so that IPv6 + SRH fit in MAX_HEADER. */
export const MAX_SEGMENTS = (MAX_HEADER - 40 - 8) / 16;
/** Leg ids are instance slots: 0..MAX_LEGS-1 (src/agent/plan/ids.ts MAX_SLOT). */
export const MAX_LEGS = 8192;
export const MAX_SIDS = 4 * MAX_LEGS;
/** Set by the return program on what it re-encapsulated; `fwmark` rule → main (see commands.ts). */
export const PROXY_MARK = 0x53fc0000;
export const PROXY_MARK_MASK = 0xffff0000;

export const SID_VALUE_SIZE = 8;
export const LEG_VALUE_SIZE = 8;
export const CACHE_KEY_SIZE = 8;
export const CACHE_VALUE_SIZE = 8 + MAX_HEADER;

/** struct sfc_stats, in field order (u64 each). */
export const STATS_FIELDS = ['inPackets', 'inBytes', 'outPackets', 'outBytes', 'cacheUpdates', 'cacheMisses', 'inErrors', 'outErrors'] as const;
export type StatsField = (typeof STATS_FIELDS)[number];
export type LegStats = Record<StatsField, bigint>;
export const STATS_VALUE_SIZE = 8 * STATS_FIELDS.length;

/** Where one node's programs and maps are pinned: `<bpffs>/sfc/<node>/{prog,map}/<name>`. */
export interface PinLayout {
  /** `<bpffs>/sfc`: shared by every node on the host (removed when the last one goes). */
  readonly root: string;
  readonly dir: string;
  readonly progDir: string;
  readonly mapDir: string;
  readonly programs: Readonly<Record<keyof typeof PROGRAMS, string>>;
  readonly maps: Readonly<Record<keyof typeof MAPS, string>>;
}

const NODE_DIR = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function pinLayout(bpffs: string, node: string): PinLayout {
  if (!NODE_DIR.test(node) || node.includes('..')) throw new Error(`'${node}' cannot name a pin directory (letters, digits, '-', '_', '.')`);
  const root = `${bpffs.replace(/\/+$/, '')}/sfc`;
  const dir = `${root}/${node}`;
  const progDir = `${dir}/prog`;
  const mapDir = `${dir}/map`;
  const maps = Object.fromEntries(Object.entries(MAPS).map(([k, name]) => [k, `${mapDir}/${name}`])) as Record<keyof typeof MAPS, string>;
  const programs = Object.fromEntries(Object.entries(PROGRAMS).map(([k, name]) => [k, `${progDir}/${name}`])) as Record<keyof typeof PROGRAMS, string>;
  return { root, dir, progDir, mapDir, programs, maps };
}

function checkLeg(leg: number): void {
  if (!Number.isInteger(leg) || leg < 0 || leg >= MAX_LEGS) throw new Error(`leg id must be an integer 0..${MAX_LEGS - 1}, got ${String(leg)}`);
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
};

/** sfc_sids key: the SID, 16 bytes. */
export const sidKey = (sid: string): Buffer => parseIPv6(sid);

/** sfc_sids value (struct sfc_sid) and sfc_legs value (struct sfc_leg): {u32 leg, u32 flags = 0}. */
export function legValue(leg: number): Buffer {
  checkLeg(leg);
  return Buffer.concat([u32(leg), u32(0)]);
}

/** sfc_legs key: the return leg's ifindex; sfc_stats key: the leg id. */
export const u32Key = (n: number): Buffer => u32(n);

/** sfc_cache key (struct sfc_cache_key): {u32 leg, u32 family}. */
export function cacheKey(leg: number, family: Family): Buffer {
  checkLeg(leg);
  return Buffer.concat([u32(leg), u32(family)]);
}

export const zeroStats = (): Buffer => Buffer.alloc(STATS_VALUE_SIZE);

/** Sums per-CPU struct sfc_stats values. */
export function decodeStats(perCpu: readonly Buffer[]): LegStats {
  const out = Object.fromEntries(STATS_FIELDS.map((f) => [f, 0n])) as LegStats;
  for (const v of perCpu) {
    if (v.length < STATS_VALUE_SIZE) throw new Error(`sfc_stats value is ${v.length} bytes, expected ${STATS_VALUE_SIZE}`);
    STATS_FIELDS.forEach((f, i) => (out[f] += v.readBigUInt64LE(8 * i)));
  }
  return out;
}

/** A cached outer header (struct sfc_cache), decoded for status and tests. */
export interface CachedHeader {
  /** Outer source (the ingress edge's tunnel source). */
  readonly source: string;
  /** Where the return packet goes first: the segment after this function. */
  readonly destination: string;
  readonly hopLimit: number;
  readonly segmentsLeft: number;
  /** The whole SRH list in travel order (first visited first). */
  readonly segments: readonly string[];
  /** The segments still to visit after the push, in travel order (segments[SL] down to segments[0]). */
  readonly remaining: readonly string[];
  readonly length: number;
}

export function decodeCache(value: Buffer): CachedHeader {
  if (value.length < CACHE_VALUE_SIZE) throw new Error(`sfc_cache value is ${value.length} bytes, expected ${CACHE_VALUE_SIZE}`);
  const length = value.readUInt32LE(0);
  if (length < 48 || length > MAX_HEADER) throw new Error(`sfc_cache value has a bad length ${length}`);
  const h = value.subarray(8, 8 + length);
  const srhLen = 8 * (h[41]! + 1);
  const lastEntry = h[44]!;
  const segmentsLeft = h[43]!;
  if (40 + srhLen !== length || 48 + 16 * (lastEntry + 1) > length) throw new Error('sfc_cache value holds an inconsistent SRH');
  // The SRH stores the list reversed: segments[lastEntry] is the first visited.
  const stored = Array.from({ length: lastEntry + 1 }, (_, i) => formatIPv6(h, 48 + 16 * i));
  const segments = [...stored].reverse();
  const remaining = stored.slice(0, segmentsLeft + 1).reverse();
  return { source: formatIPv6(h, 8), destination: formatIPv6(h, 24), hopLimit: h[7]!, segmentsLeft, segments, remaining, length };
}

/** bpftool's `hex` byte arguments. */
export const hexArgs = (b: Buffer): string[] => ['hex', ...[...b].map((x) => x.toString(16).padStart(2, '0'))];

/** bpftool -j prints bytes as ["0x0a", ...]. */
export function bytesOf(json: unknown): Buffer {
  if (!Array.isArray(json)) throw new Error(`bpftool: expected a byte array, got ${JSON.stringify(json)}`);
  return Buffer.from(json.map((x) => Number.parseInt(String(x), 16)));
}

/** One entry of `bpftool -j map dump` (plain or per-CPU map). */
export interface DumpedEntry {
  readonly key: Buffer;
  /** One value, or one per possible CPU for per-CPU maps. */
  readonly values: readonly Buffer[];
}

export function parseMapDump(text: string): DumpedEntry[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const parsed = JSON.parse(trimmed) as unknown;
  if (!Array.isArray(parsed)) throw new Error('bpftool map dump: expected a JSON array');
  return parsed.map((e: { key?: unknown; value?: unknown; values?: { value?: unknown }[] }) => ({
    key: bytesOf(e.key),
    values: e.values ? e.values.map((v) => bytesOf(v.value)) : [bytesOf(e.value)],
  }));
}
