/** Routes: rtmsg + attributes, decode of our own requests, iproute2 text, validation. */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, Violations } from '../../../src/common/errors.js';
import { formatIPv6, parsePrefix } from '../../../src/common/ip.js';
import { encodeAttrs, parseAttrs, readU16, readU32 } from '../../../src/dataplane/seg6/attrs.js';
import * as K from '../../../src/dataplane/seg6/constants.js';
import { encodeRequest, parseMessages } from '../../../src/dataplane/seg6/message.js';
import {
  type Route,
  checkRoute,
  decodeRoute,
  formatRoute,
  hasHostBits,
  normalizeRoute,
  routeKey,
  routeRequest,
  routesEqual,
  validateRoute,
} from '../../../src/dataplane/seg6/route.js';
import { STUB_LINKS } from '../support/links.js';

const links = STUB_LINKS;

/** Offsets of each top-level attribute after the rtmsg, with its raw type field (flags included). */
function rawAttrs(body: Buffer): { off: number; type: number }[] {
  const out: { off: number; type: number }[] = [];
  for (let off = 12; off + 4 <= body.length; off += (body.readUInt16LE(off) + 3) & ~3) out.push({ off, type: body.readUInt16LE(off + 2) });
  return out;
}

/** The request as the kernel receives it: framed, then split back into header and body. */
function wire(verb: 'add' | 'replace' | 'delete', r: Route) {
  const req = routeRequest(verb, r, links);
  const [m, ...rest] = parseMessages(encodeRequest(req, 42));
  expect(rest).toEqual([]);
  return { req, m: m!, attrs: parseAttrs(m!.body, 12) };
}

const SEG6_ROUTE: Route = { family: 6, dst: 'fc00:1::/64', dev: 'd0', protocol: 200, encap: { type: 'seg6', mode: 'encap', segments: ['fc00:a::1', 'fc00:b::100'] } };
const SID_ROUTE: Route = { family: 6, dst: 'fc00:f::11', dev: 'd0', protocol: 200, metric: 5, encap: { type: 'seg6local', behavior: { action: 'End.DX4', nh4: '0.0.0.0' } } };

describe('routeRequest', () => {
  it('add = NEWROUTE REQUEST|CREATE|EXCL, replace = NEWROUTE REQUEST|CREATE|REPLACE, delete = DELROUTE REQUEST', () => {
    const add = wire('add', SEG6_ROUTE).m;
    expect([add.type, add.flags, add.seq, add.pid]).toEqual([K.RTM_NEWROUTE, 0x01 | 0x400 | 0x200, 42, 0]);
    const rep = wire('replace', SEG6_ROUTE).m;
    expect([rep.type, rep.flags]).toEqual([K.RTM_NEWROUTE, 0x01 | 0x400 | 0x100]);
    const del = wire('delete', SEG6_ROUTE).m;
    expect([del.type, del.flags]).toEqual([K.RTM_DELROUTE, 0x01]);
  });

  it('rtmsg: family, dst_len, table, protocol, scope, type', () => {
    const { m } = wire('add', SEG6_ROUTE);
    expect([...m.body.subarray(0, 12)]).toEqual([K.AF_INET6, 64, 0, 0, 254, 200, 0, K.RTN_UNICAST, 0, 0, 0, 0]);
  });

  it('tables above 255 go in RTA_TABLE with the rtmsg table byte RT_TABLE_COMPAT (252)', () => {
    const { m, attrs } = wire('add', { ...SEG6_ROUTE, table: 1000 });
    expect(m.body[4]).toBe(252);
    expect(readU32(attrs.get(K.RTA_TABLE))).toBe(1000);
    const small = wire('add', { ...SEG6_ROUTE, table: 100 });
    expect(small.m.body[4]).toBe(100);
    expect(readU32(small.attrs.get(K.RTA_TABLE))).toBe(100);
  });

  it('encap: RTA_ENCAP_TYPE u16 and a nested RTA_ENCAP holding the SEG6 stream', () => {
    const { m, attrs } = wire('add', SEG6_ROUTE);
    expect(readU16(attrs.get(K.RTA_ENCAP_TYPE))).toBe(K.LWTUNNEL_ENCAP_SEG6);
    expect(attrs.get(K.RTA_ENCAP)!.toString('hex')).toBe(
      '30000100' + '01000000' + '0004040101000000' + 'fc00000b000000000000000000000100' + 'fc00000a000000000000000000000001',
    );
    expect(rawAttrs(m.body).map((a) => a.type)).toContain(K.RTA_ENCAP | K.NLA_F_NESTED);
    expect(readU32(attrs.get(K.RTA_OIF))).toBe(5);
    expect(readU32(attrs.get(K.RTA_PRIORITY))).toBe(1024); // explicit default
    expect(attrs.get(K.RTA_DST)!.toString('hex')).toBe('fc000001000000000000000000000000');
  });

  it('scope as iproute2 picks it: IPv4 dev-only unicast link, via/nhid universe, local host', () => {
    const scope = (r: Route) => wire('add', r).m.body[6];
    expect(scope({ family: 4, dst: '10.0.0.0/8', dev: 'd0' })).toBe(K.RT_SCOPE_LINK);
    expect(scope({ family: 4, dst: '10.0.0.0/8', via: '10.1.0.1' })).toBe(K.RT_SCOPE_UNIVERSE);
    expect(scope({ family: 4, dst: '10.0.0.0/8', nhid: 3 })).toBe(K.RT_SCOPE_UNIVERSE);
    expect(scope({ family: 4, dst: '10.0.0.0/8', type: 'local', dev: 'd0' })).toBe(K.RT_SCOPE_HOST);
    expect(scope({ family: 6, dst: 'fc00::/64', dev: 'd0' })).toBe(K.RT_SCOPE_UNIVERSE);
  });

  it('gateways: same family in RTA_GATEWAY, an IPv6 gateway on an IPv4 route in RTA_VIA', () => {
    expect(wire('add', { family: 4, dst: '10.0.0.0/8', via: '10.1.0.1' }).attrs.get(K.RTA_GATEWAY)!.toString('hex')).toBe('0a010001');
    const via = wire('add', { family: 4, dst: '10.0.0.0/8', via: 'fe80::1', dev: 'd0' }).attrs.get(K.RTA_VIA)!;
    expect(via.readUInt16LE(0)).toBe(K.AF_INET6);
    expect(via.subarray(2).toString('hex')).toBe('fe800000000000000000000000000001');
  });

  it('nhid routes carry RTA_NH_ID and nothing about the path', () => {
    const { attrs } = wire('add', { family: 4, dst: '10.0.0.0/8', nhid: 7 });
    expect(readU32(attrs.get(K.RTA_NH_ID))).toBe(7);
    expect(attrs.has(K.RTA_OIF) || attrs.has(K.RTA_ENCAP)).toBe(false);
  });

  it('delete: identity only, any scope, type unspecified, metric only when given', () => {
    const { m, attrs } = wire('delete', SEG6_ROUTE);
    expect(m.body[6]).toBe(255);
    expect(m.body[7]).toBe(0);
    expect([...attrs.keys()].sort((a, b) => a - b)).toEqual([K.RTA_DST, K.RTA_TABLE]);
    expect(readU32(wire('delete', SID_ROUTE).attrs.get(K.RTA_PRIORITY))).toBe(5);
    expect(wire('delete', { ...SEG6_ROUTE, type: 'blackhole' }).m.body[7]).toBe(K.RTN_BLACKHOLE);
  });
});

describe('route prefixes', () => {
  it('RTA_DST and dst_len equal parsePrefix for many spellings (the encoder has its own IPv6 fast path)', () => {
    let seed = 99;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8;
    const bad: string[] = [];
    for (let n = 0; n < 2000; n++) {
      const words = Array.from({ length: 8 }, () => (rnd() % 3 === 0 ? 0 : rnd() & 0xffff));
      const length = rnd() % 129;
      const bytes = Buffer.alloc(16);
      words.forEach((w, i) => bytes.writeUInt16BE(w, 2 * i));
      for (let i = 0; i < 16; i++) bytes[i]! &= 0xff << Math.max(0, Math.min(8, 8 * (i + 1) - length)); // no host bits
      const base = parsePrefix(`${formatIPv6(bytes)}/${length}`);
      const full = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(2 * i).toString(16).padStart(4, '0')).join(':');
      for (const text of [`${formatIPv6(bytes)}/${length}`, `${full.toUpperCase()}/${length}`, length === 128 ? formatIPv6(bytes) : `${full}/${length}`]) {
        const v = new Violations();
        const r: Route = { family: 6, dst: text, dev: 'd0' };
        validateRoute(r, v);
        const { m, attrs } = wire('add', r);
        if (v.list.length > 0 || m.body[1] !== base.length || !attrs.get(K.RTA_DST)!.equals(base.bytes)) bad.push(text);
      }
    }
    expect(bad).toEqual([]);
  });

  it.each(['fc00:::/64', '1::2::3/64', 'g::/64', 'fc00::/129', '::1.2.3.4.5/128', '1.2.3.4::/64', 'fc00::/064x', ':fc00::/64', 'fc00::1:/128', '1:2:3:4:5:6:7:8:9/64', '12345::/64'])(
    'validateRoute rejects dst %j',
    (dst) => {
      const v = new Violations();
      validateRoute({ family: 6, dst, dev: 'd0' }, v);
      expect(v.list.map((x) => x.field)).toEqual(['route.dst']);
    },
  );
});

describe('decodeRoute of our own requests', () => {
  const CASES: [string, Route][] = [
    ['seg6', SEG6_ROUTE],
    ['seg6local', SID_ROUTE],
    ['table 1000', { ...SEG6_ROUTE, table: 1000 }],
    ['IPv4 seg6 via nexthop', { family: 4, dst: '10.1.0.0/16', nhid: 10, protocol: 200 }],
    ['IPv4 dev', { family: 4, dst: '10.2.0.0/16', dev: 'd1' }],
    ['IPv4 via', { family: 4, dst: '10.3.0.0/16', via: '10.9.0.1', metric: 7 }],
    ['IPv4 via inet6', { family: 4, dst: '0.0.0.0/0', via: 'fe80::1', dev: 'd0' }],
    ['IPv6 via', { family: 6, dst: 'fc00:2::/64', via: 'FE80::1', dev: 'd0' }],
    ['blackhole', { family: 6, dst: 'fc00:3::/64', type: 'blackhole' }],
    ['seg6local count', { ...SID_ROUTE, encap: { type: 'seg6local', behavior: { action: 'End', flavors: { operations: ['next-csid'] } }, count: true } }],
    ['End.DX2', { ...SID_ROUTE, encap: { type: 'seg6local', behavior: { action: 'End.DX2', oif: 'd1' } } }],
    ['host route given as /128', { ...SEG6_ROUTE, dst: 'fc00:9::1/128' }],
  ];
  for (const [name, r] of CASES) {
    it(name, () => {
      const decoded = decodeRoute(wire('add', r).m.body, links)!;
      expect(normalizeRoute(decoded)).toEqual(normalizeRoute(r));
      expect(routesEqual(decoded, r)).toBe(true);
      if (r.encap?.type !== 'seg6local' || !r.encap.count) expect(decoded).toEqual(normalizeRoute(r));
    });
  }

  it('a kernel route with nhid echoes the nexthop dev/encap; the route keeps only nhid', () => {
    const body = wire('add', SEG6_ROUTE).m.body;
    const withNhid = Buffer.concat([body, encodeAttrs([{ type: K.RTA_NH_ID, payload: Buffer.from('09000000', 'hex') }])]);
    const d = decodeRoute(withNhid, links)!;
    expect(d.nhid).toBe(9);
    expect(d.dev).toBeUndefined();
    expect(d.encap).toBeUndefined();
  });

  it('skips what is not ours: other families, other route types, other encaps', () => {
    const body = Buffer.from(wire('add', SEG6_ROUTE).m.body);
    const fam = Buffer.from(body);
    fam[0] = 7;
    expect(decodeRoute(fam, links)).toBeUndefined();
    const bcast = Buffer.from(body);
    bcast[7] = 3; // RTN_BROADCAST
    expect(decodeRoute(bcast, links)).toBeUndefined();
    const bpf = Buffer.from(body);
    const at = rawAttrs(bpf).find((a) => a.type === K.RTA_ENCAP_TYPE)!.off;
    bpf.writeUInt16LE(K.LWTUNNEL_ENCAP_BPF, at + 4);
    expect(decodeRoute(bpf, links)).toBeUndefined();
    expect(() => decodeRoute(Buffer.alloc(8), links)).toThrow(/short rtmsg/);
  });

  it('defaults when the kernel omits attributes: metric 0 (IPv4), table from rtmsg, default dst', () => {
    const hdr = Buffer.from([K.AF_INET, 0, 0, 0, 100, 4, 0, K.RTN_UNICAST, 0, 0, 0, 0]);
    const body = Buffer.concat([hdr, encodeAttrs([{ type: K.RTA_OIF, payload: Buffer.from('05000000', 'hex') }])]);
    expect(decodeRoute(body, links)).toEqual({ family: 4, dst: '0.0.0.0/0', table: 100, protocol: 4, metric: 0, dev: 'd0' });
  });
});

describe('route identity and equality', () => {
  it('routeKey: family, table, prefix, metric (defaults applied), whatever the spelling', () => {
    expect(routeKey({ family: 6, dst: 'FC00:1:0::/64', dev: 'd0' })).toBe(routeKey({ family: 6, dst: 'fc00:1::/64', table: 254, metric: 1024, nhid: 1 }));
    expect(routeKey({ family: 6, dst: 'fc00:1::/64', dev: 'd0' })).not.toBe(routeKey({ family: 6, dst: 'fc00:1::/64', dev: 'd0', metric: 5 }));
    expect(routeKey({ family: 6, dst: 'fc00:1::/64', dev: 'd0' })).not.toBe(routeKey({ family: 6, dst: 'fc00:1::/64', dev: 'd0', table: 100 }));
    expect(routeKey({ family: 4, dst: '10.0.0.1/32', dev: 'd0', table: 7, metric: 3 })).toBe(routeKey({ family: 4, dst: '10.0.0.1', nhid: 2, table: 7, metric: 3 }));
  });

  it('routesEqual ignores spelling, defaults and counters, not content', () => {
    expect(routesEqual({ family: 6, dst: 'fc00:1::/64', dev: 'd0' }, { family: 6, dst: 'FC00:1::0/64', dev: 'd0', table: 254, metric: 1024, protocol: 0 })).toBe(true);
    expect(routesEqual(SEG6_ROUTE, { ...SEG6_ROUTE, encap: { type: 'seg6', mode: 'encap', segments: ['fc00:b::100', 'fc00:a::1'] } })).toBe(false);
    expect(routesEqual(SEG6_ROUTE, { ...SEG6_ROUTE, type: 'unicast' })).toBe(true);
  });
});

describe('formatRoute (iproute2 6.1 `ip route show`)', () => {
  // Lines as `ip route show` printed them on this machine (Linux 6.18, iproute2 6.1).
  const LINES: [Route, string, object?][] = [
    [SEG6_ROUTE, 'fc00:1::/64  encap seg6 mode encap segs 2 [ fc00:a::1 fc00:b::100 ] dev d0 proto 200 metric 1024 pref medium'],
    [SID_ROUTE, 'fc00:f::11  encap seg6local action End.DX4 nh4 0.0.0.0 dev d0 proto 200 metric 5 pref medium'],
    [
      { family: 4, dst: '10.9.0.0/16', dev: 'd0', protocol: 200, encap: { type: 'seg6', mode: 'encap', segments: ['fc00:a::1'] } },
      '10.9.0.0/16  encap seg6 mode encap segs 1 [ fc00:a::1 ] dev d0 proto 200 scope link',
    ],
    [{ family: 4, dst: '10.9.2.0/24', dev: 'd0', protocol: 200, metric: 7 }, '10.9.2.0/24 dev d0 proto 200 scope link metric 7'],
    [{ family: 4, dst: '10.9.4.0/24', type: 'blackhole', protocol: 200 }, 'blackhole 10.9.4.0/24 proto 200'],
    [{ family: 4, dst: '10.9.3.0/24', type: 'local', dev: 'd0', protocol: 200 }, 'local 10.9.3.0/24 dev d0 proto 200 scope host'],
    [{ family: 4, dst: '10.11.0.0/16', nhid: 1, protocol: 200 }, '10.11.0.0/16 nhid 1 proto 200'],
    [{ family: 4, dst: '10.9.5.0/24', dev: 'd0', protocol: 0 }, '10.9.5.0/24 dev d0 proto unspec scope link'],
    [{ family: 4, dst: '10.9.6.0/24', dev: 'd0', protocol: 3 }, '10.9.6.0/24 dev d0 scope link'],
    [{ family: 6, dst: 'fc00:7::/64', dev: 'd0', protocol: 3 }, 'fc00:7::/64 dev d0 metric 1024 pref medium'],
    [{ family: 4, dst: '10.9.7.0/24', dev: 'd0', protocol: 200, table: 1000 }, '10.9.7.0/24 dev d0 table 1000 proto 200 scope link', { showTable: true }],
    [{ family: 4, dst: '0.0.0.0/0', via: '10.0.0.1', dev: 'd0', protocol: 200 }, 'default via 10.0.0.1 dev d0 proto 200'],
    [{ family: 4, dst: '0.0.0.0/0', via: 'fe80::1', dev: 'd0', protocol: 200 }, 'default via inet6 fe80::1 dev d0 proto 200'],
    [
      { family: 6, dst: 'fc00:f::4', dev: 'd0', protocol: 200, encap: { type: 'seg6local', behavior: { action: 'End.DX4', nh4: '10.1.0.2' }, count: true, counters: { packets: 0n, bytes: 0n, errors: 0n } } },
      'fc00:f::4  encap seg6local action End.DX4 nh4 10.1.0.2 packets 0 bytes 0 errors 0 dev d0 proto 200 metric 1024 pref medium',
      { withCounters: true },
    ],
  ];
  it.each(LINES.map(([r, line, opts]) => [line, r, opts ?? {}] as const))('%s', (line, r, opts) => {
    expect(formatRoute(r, opts)).toBe(line);
  });
});

describe('validateRoute', () => {
  const fields = (r: unknown, forDelete = false) => {
    const v = new Violations();
    validateRoute(r as Route, v, 'route', forDelete);
    return v.list.map((x) => x.field);
  };

  it('accepts good routes', () => {
    for (const r of [SEG6_ROUTE, SID_ROUTE, { family: 4, dst: '10.0.0.0/8', nhid: 1 }, { family: 6, dst: 'fc00::/64', type: 'blackhole' }]) expect(fields(r)).toEqual([]);
  });

  it('a bad prefix, a family mismatch, host bits', () => {
    expect(fields({ ...SEG6_ROUTE, dst: 'fc00::/129' })).toEqual(['route.dst']);
    expect(fields({ ...SEG6_ROUTE, dst: 'fc00:::/64' })).toEqual(['route.dst']);
    expect(fields({ ...SEG6_ROUTE, dst: '10.0.0.0/8' })).toEqual(['route.dst']);
    expect(fields({ family: 4, dst: '10.1.2.3/8', dev: 'd0' })).toEqual(['route.dst']); // the kernel: "Invalid prefix for given prefix length"
    expect(fields({ ...SEG6_ROUTE, dst: 'fc00:1::5/64' })).toEqual(['route.dst']); // the kernel would silently store fc00:1::/64
  });

  it('tables 1..2^32-1, metric u32, protocol u8, nhid >= 1', () => {
    expect(fields({ ...SEG6_ROUTE, table: 0 })).toEqual(['route.table']);
    expect(fields({ ...SEG6_ROUTE, table: 2 ** 32 })).toEqual(['route.table']);
    expect(fields({ ...SEG6_ROUTE, table: 2 ** 32 - 1 })).toEqual([]);
    expect(fields({ ...SEG6_ROUTE, metric: -1 })).toEqual(['route.metric']);
    expect(fields({ ...SEG6_ROUTE, protocol: 256 })).toEqual(['route.protocol']);
    expect(fields({ family: 4, dst: '10.0.0.0/8', nhid: 0 })).toEqual(['route.nhid']);
  });

  it('nhid excludes dev, via and encap', () => {
    expect(fields({ family: 6, dst: 'fc00::/64', nhid: 1, dev: 'd0' })).toEqual(['route.dev']);
    expect(fields({ ...SEG6_ROUTE, nhid: 1, via: 'fe80::1' })).toEqual(['route.dev', 'route.via', 'route.encap']);
  });

  it('a unicast route needs somewhere to go; device names are 1..15 characters', () => {
    expect(fields({ family: 6, dst: 'fc00::/64' })).toEqual(['route.dev']);
    expect(fields({ family: 6, dst: 'fc00::/64', dev: 'a-very-long-name' })).toEqual(['route.dev']);
  });

  it('gateways: an IPv6 route cannot use an IPv4 gateway', () => {
    expect(fields({ family: 6, dst: 'fc00::/64', via: '10.0.0.1' })).toEqual(['route.via']);
    expect(fields({ family: 6, dst: 'fc00::/64', via: 'nope' })).toEqual(['route.via']);
  });

  it('seg6local on an IPv4 route; seg6 inline on an IPv4 route', () => {
    expect(fields({ ...SID_ROUTE, family: 4, dst: '10.0.0.1' })).toEqual(['route.encap']);
    expect(fields({ family: 4, dst: '10.0.0.0/8', dev: 'd0', encap: { type: 'seg6', mode: 'inline', segments: ['fc00::1'] } })).toEqual(['route.encap.mode']);
    expect(fields({ family: 6, dst: 'fc00::/64', dev: 'd0', encap: { type: 'seg6', mode: 'inline', segments: ['fc00::1'] } })).toEqual([]);
  });

  it('encap fields are reported under route.encap', () => {
    expect(fields({ ...SID_ROUTE, encap: { type: 'seg6local', behavior: { action: 'End.DX4' } } })).toEqual(['route.encap.behavior.nh4']);
  });

  it('delete checks only what identifies the route', () => {
    expect(fields({ family: 6, dst: 'fc00::/64' }, true)).toEqual([]);
    expect(fields({ family: 6, dst: 'fc00::/64', table: 0 }, true)).toEqual(['route.table']);
  });

  it('checkRoute throws InvalidArgumentError with every violation', () => {
    const bad = { family: 4, dst: '10.0.0.0/33', table: 0, nhid: 1, dev: 'd0', encap: { type: 'seg6local', behavior: { action: 'End.DX4' } } } as unknown as Route;
    let err: unknown;
    try {
      checkRoute(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidArgumentError);
    const e = err as InvalidArgumentError;
    expect(e.reason).toBe('INVALID_ARGUMENT');
    expect(e.violations.map((x) => x.field)).toEqual(['route.dst', 'route.table', 'route.dev', 'route.encap', 'route.encap.behavior.nh4', 'route.encap']);
    expect(e.message).toMatch(/^invalid route: route\.dst: /);
  });

  it('hasHostBits', () => {
    expect(hasHostBits(Buffer.from([10, 0, 0, 0]), 8)).toBe(false);
    expect(hasHostBits(Buffer.from([10, 128, 0, 0]), 8)).toBe(true);
    expect(hasHostBits(Buffer.from([10, 128, 0, 0]), 9)).toBe(false);
    expect(hasHostBits(Buffer.from([10, 192, 0, 0]), 9)).toBe(true);
    expect(hasHostBits(Buffer.from([0, 0, 0, 1]), 0)).toBe(true);
    expect(hasHostBits(Buffer.from([255, 255, 255, 255]), 32)).toBe(false);
  });
});
