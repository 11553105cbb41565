/** The dynamic proxy's map layouts and command lines (pure), checked against bpf/sr_proxy.h and .c. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIPv6 } from '../../../src/common/ip.js';
import { encodeSrh } from '../../../src/dataplane/seg6/srh.js';
import {
  CACHE_VALUE_SIZE,
  MAPS,
  MAX_HEADER,
  MAX_LEGS,
  MAX_SEGMENTS,
  MAX_SIDS,
  PROGRAMS,
  PROXY_MARK,
  PROXY_MARK_MASK,
  STATS_FIELDS,
  STATS_VALUE_SIZE,
  bytesOf,
  cacheKey,
  decodeCache,
  decodeStats,
  hexArgs,
  legValue,
  parseMapDump,
  pinLayout,
  sidKey,
} from '../../../src/agent/proxy/dynamic/layout.js';
import {
  DYNAMIC_IIF_RULE_PRIORITY,
  MARK_RULE_PRIORITY,
  TC_HANDLE,
  TC_PREF,
  dynamicProxyTable,
  isDynamicProxyTable,
  legRouteAdd,
  legRule,
  markRule,
  tcFilterDelete,
  tcFilterReplace,
  transmitLegOffloadsOff,
} from '../../../src/agent/proxy/dynamic/commands.js';
import { ENCAPSULATED_RULE_PRIORITY, LEG_SPACE_RULE_PRIORITY, MAX_SLOT, PROXY_IIF_RULE_PRIORITY, proxyTable, reverseProxyTable } from '../../../src/agent/plan/ids.js';

const header = readFileSync(new URL('../../../bpf/sr_proxy.h', import.meta.url), 'utf8');
const source = readFileSync(new URL('../../../bpf/sr_proxy.c', import.meta.url), 'utf8');

/** Evaluates a #define of the header (integers, the header's other names, + - * / and parentheses). */
function define(name: string): number {
  const m = new RegExp(`#define ${name} (.+)`).exec(header);
  if (!m) throw new Error(`no #define ${name}`);
  const expr = m[1]!.replace(/\/\*.*$/, '').replace(/(\d+|0x[0-9a-f]+)u\b/gi, '$1').replace(/SFC_[A-Z0-9_]+/g, (n) => String(define(n)));
  if (!/^[\d\sx()+\-*/a-f]+$/i.test(expr)) throw new Error(`cannot evaluate ${name}: ${expr}`);
  return Function(`return (${expr});`)() as number;
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

describe('layout.ts agrees with bpf/sr_proxy.h and sr_proxy.c', () => {
  it('constants', () => {
    expect(define('SFC_MAX_HDR')).toBe(MAX_HEADER);
    expect(define('SFC_MAX_SEGS')).toBe(MAX_SEGMENTS);
    expect(MAX_SEGMENTS).toBe(13);
    expect(define('SFC_MAX_LEGS')).toBe(MAX_LEGS);
    expect(MAX_LEGS).toBe(MAX_SLOT + 1);
    expect(define('SFC_MAX_SIDS')).toBe(MAX_SIDS);
    expect(define('SFC_PROXY_MARK')).toBe(PROXY_MARK);
    expect(define('SFC_PROXY_MARK_MASK') >>> 0).toBe(PROXY_MARK_MASK);
  });

  it('struct sfc_stats fields, in order', () => {
    const body = /struct sfc_stats \{([^}]*)\}/.exec(header)![1]!;
    const fields = [...body.matchAll(/__u64 (\w+);/g)].map((m) => camel(m[1]!));
    expect(fields).toEqual([...STATS_FIELDS]);
  });

  it('struct sfc_cache: u32 len, u32 pad, then the header bytes', () => {
    expect(/struct sfc_cache \{\s*__u32 len;[^}]*__u32 pad;[^}]*__u8 hdr\[SFC_MAX_HDR\];/.test(header)).toBe(true);
    expect(CACHE_VALUE_SIZE).toBe(8 + MAX_HEADER);
  });

  it('map and program names', () => {
    for (const name of Object.values(MAPS)) expect(source).toContain(`} ${name} SEC(".maps");`);
    expect(source).toMatch(new RegExp(`SEC\\("tc"\\)\\s*int ${PROGRAMS.inbound}\\(`));
    expect(source).toMatch(new RegExp(`SEC\\("lwt_in"\\)\\s*int ${PROGRAMS.return}\\(`));
    expect(source).toMatch(new RegExp(`SEC\\("tc"\\)\\s*int ${PROGRAMS.returnTc}\\(`));
    // bpffs and the kernel keep 15 characters of a name.
    for (const name of [...Object.values(MAPS), ...Object.values(PROGRAMS)]) expect(name.length).toBeLessThanOrEqual(15);
  });
});

describe('keys and values', () => {
  it('encodes SID keys, leg values and cache keys', () => {
    expect(sidKey('fc00:2::a4')).toEqual(parseIPv6('fc00:2::a4'));
    expect(legValue(0x1234)).toEqual(Buffer.from([0x34, 0x12, 0, 0, 0, 0, 0, 0]));
    expect(cacheKey(2, 6)).toEqual(Buffer.from([2, 0, 0, 0, 6, 0, 0, 0]));
    expect(() => legValue(MAX_LEGS)).toThrow(/leg id/);
    expect(() => cacheKey(-1, 4)).toThrow(/leg id/);
    expect(hexArgs(Buffer.from([1, 0xab]))).toEqual(['hex', '01', 'ab']);
  });

  it('sums per-CPU stats', () => {
    const cpu = (base: number) => {
      const b = Buffer.alloc(STATS_VALUE_SIZE);
      STATS_FIELDS.forEach((_, i) => b.writeBigUInt64LE(BigInt(base + i), 8 * i));
      return b;
    };
    const s = decodeStats([cpu(1), cpu(10)]);
    expect(s.inPackets).toBe(11n);
    expect(s.outErrors).toBe(1n + 7n + 10n + 7n);
    expect(() => decodeStats([Buffer.alloc(8)])).toThrow(/64/);
  });

  it('decodes a cached header as the inbound program writes it (after End)', () => {
    const segments = ['fc00:2::a4', 'fc00:2::b4', 'fc00:3::d4'];
    const srh = encodeSrh({ segments });
    srh[0] = 4; // next header: IPv4 inside
    srh[3] = 1; // SL after End at the first function: 2 - 1
    const ip6 = Buffer.alloc(40);
    ip6.writeUInt32BE(0x60000000, 0);
    ip6[6] = 43;
    ip6[7] = 63;
    parseIPv6('fc00:e1::1').copy(ip6, 8);
    parseIPv6('fc00:2::b4').copy(ip6, 24);
    const value = Buffer.alloc(CACHE_VALUE_SIZE);
    value.writeUInt32LE(40 + srh.length, 0);
    Buffer.concat([ip6, srh]).copy(value, 8);
    expect(decodeCache(value)).toEqual({
      source: 'fc00:e1::1',
      destination: 'fc00:2::b4',
      hopLimit: 63,
      segmentsLeft: 1,
      segments,
      remaining: ['fc00:2::b4', 'fc00:3::d4'],
      length: 96,
    });
    value.writeUInt32LE(300, 0);
    expect(() => decodeCache(value)).toThrow(/bad length/);
  });

  it('parses bpftool -j map dumps, plain and per-CPU', () => {
    const plain = '[{"key":["0x01","0x00","0x00","0x00"],"value":["0x02","0x00","0x00","0x00","0x00","0x00","0x00","0x00"],"formatted":{"key":1,"value":{"leg":2,"flags":0}}}]';
    expect(parseMapDump(plain)).toEqual([{ key: Buffer.from([1, 0, 0, 0]), values: [Buffer.from([2, 0, 0, 0, 0, 0, 0, 0])] }]);
    const perCpu = '[{"key":["0x07","0x00","0x00","0x00"],"values":[{"cpu":0,"value":["0x01"]},{"cpu":1,"value":["0x02"]}]}]';
    expect(parseMapDump(perCpu)[0]!.values).toEqual([Buffer.from([1]), Buffer.from([2])]);
    expect(parseMapDump('\n')).toEqual([]);
    expect(() => bytesOf('x')).toThrow(/byte array/);
  });

  it('pins under <bpffs>/sfc/<node>, refusing names that could leave it', () => {
    const p = pinLayout('/sys/fs/bpf/', 'fn1');
    expect(p.dir).toBe('/sys/fs/bpf/sfc/fn1');
    expect(p.programs).toEqual({
      inbound: '/sys/fs/bpf/sfc/fn1/prog/sfc_proxy_in',
      return: '/sys/fs/bpf/sfc/fn1/prog/sfc_proxy_ret',
      returnTc: '/sys/fs/bpf/sfc/fn1/prog/sfc_proxy_out',
    });
    expect(p.maps.cache).toBe('/sys/fs/bpf/sfc/fn1/map/sfc_cache');
    for (const bad of ['', '..', 'a/b', 'x..y', '.hidden']) expect(() => pinLayout('/sys/fs/bpf', bad)).toThrow();
  });
});

describe('command lines', () => {
  it('tc: own preference and handle, direct action, pinned program', () => {
    expect(tcFilterReplace('f0', '/p/in')).toEqual(['tc', 'filter', 'replace', 'dev', 'f0', 'ingress', 'pref', String(TC_PREF), 'handle', '0x53fc', 'bpf', 'direct-action', 'pinned', '/p/in']);
    expect(tcFilterDelete('f0')).toEqual(['tc', 'filter', 'del', 'dev', 'f0', 'ingress', 'pref', '21500', 'handle', `0x${TC_HANDLE.toString(16)}`, 'bpf']);
  });

  it('leg tables come after the static proxy and reverse tables; rules sit beside the static ones', () => {
    expect(dynamicProxyTable(0)).toBe(reverseProxyTable(MAX_SLOT) + 1);
    expect(dynamicProxyTable(0)).toBeGreaterThan(proxyTable(MAX_SLOT));
    expect(isDynamicProxyTable(dynamicProxyTable(MAX_SLOT))).toBe(true);
    expect(isDynamicProxyTable(dynamicProxyTable(MAX_SLOT) + 1)).toBe(false);
    expect(isDynamicProxyTable(reverseProxyTable(MAX_SLOT))).toBe(false);
    expect(MARK_RULE_PRIORITY).toBeLessThan(ENCAPSULATED_RULE_PRIORITY);
    expect(DYNAMIC_IIF_RULE_PRIORITY).toBeGreaterThan(LEG_SPACE_RULE_PRIORITY);
    expect(DYNAMIC_IIF_RULE_PRIORITY).not.toBe(PROXY_IIF_RULE_PRIORITY);
  });

  it('leg routes, rules and the mark rule carry protocol 200', () => {
    expect(legRouteAdd(4, 7, 'sfc0001o', '/p/ret').join(' ')).toBe('ip -4 route add default encap bpf in pinned /p/ret dev sfc0001o table 7 proto 200');
    expect(legRule('add', 6, 'sfc0001o', 7).join(' ')).toBe('ip -6 rule add priority 4150 iif sfc0001o lookup 7 protocol 200');
    expect(markRule('add').join(' ')).toBe('ip -6 rule add priority 3980 fwmark 0x53fc0000/0xffff0000 lookup main protocol 200');
    expect(transmitLegOffloadsOff('eth1')).toEqual(['ethtool', '-K', 'eth1', 'tso', 'off', 'gso', 'off']);
  });
});
