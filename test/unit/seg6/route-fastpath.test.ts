/**
 * The route encoder's hot-path shortcuts (IPv6 prefix scanner, shared rtmsg headers and u32
 * attributes, exactly sized attribute lists, byte-store framing) must be invisible: same bytes,
 * same validation messages as the general path built on parsePrefix.
 */
import { Address6 } from 'ip-address';
import { describe, expect, it } from 'vitest';
import { Violations } from '../../../src/common/errors.js';
import { parsePrefix } from '../../../src/common/ip.js';
import { DecodeError, encodeAttrs, parseAttrs } from '../../../src/dataplane/seg6/attrs.js';
import * as K from '../../../src/dataplane/seg6/constants.js';
import type { LinkNames } from '../../../src/dataplane/seg6/encap.js';
import { encodeRequest, parseMessages, writeRequest } from '../../../src/dataplane/seg6/message.js';
import { type Route, decodeRoute, routeRequest, validateRoute } from '../../../src/dataplane/seg6/route.js';

const links: LinkNames = { index: () => 5, name: (i) => `if${i}` };

const PREFIXES = [
  '::',
  '::/0',
  '::1',
  '1::',
  '1::/16',
  'fc00::/7',
  '2001:db8::/32',
  '2001:DB8:0:1::/64',
  '2001:db8:0:1::/064',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7::',
  '::2:3:4:5:6:7:8',
  '0001:0002:0003:0004:0005:0006:0007:0008/128',
  'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  // taken by the general parser (or rejected by it)
  '::ffff:1.2.3.4',
  '2001:db8::/129',
  '2001:db8::/',
  '2001:db8::/a',
  '2001:db8::/1234',
  ':::',
  '1:::2',
  '1::2::3',
  ':1::',
  '1::2:',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7',
  '12345::',
  'g::',
  'fe80::1%eth0',
  '',
  ':',
  '10.0.0.0/8',
  '2001:db8::1/64',
];

function dstViolations(r: Route): string[] {
  const v = new Violations();
  validateRoute(r, v);
  return v.list.filter((x) => x.field.endsWith('.dst')).map((x) => x.description);
}

describe('route encoder fast paths', () => {
  // The scanner lives in parsePrefix/parseIPv6 itself, so the bytes are checked against an
  // independent parser (ip-address); the error texts are parsePrefix's (its strict path owns them).
  it.each(PREFIXES)('%s: same bytes as ip-address, same errors as parsePrefix', (dst) => {
    let expected: ReturnType<typeof parsePrefix> | undefined;
    let error: string | undefined;
    try {
      expected = parsePrefix(dst);
    } catch (e) {
      error = (e as Error).message;
    }
    const r: Route = { family: 6, dst, nhid: 7 };
    if (expected === undefined) {
      expect(() => routeRequest('add', r, links)).toThrow(error);
      expect(dstViolations(r)).toEqual([error]);
      return;
    }
    const [m] = parseMessages(encodeRequest(routeRequest('add', r, links), 1));
    expect(m!.body[1]).toBe(expected.length);
    const oracle = expected.family === 6 ? Buffer.from(new Address6(dst.split('/')[0]!).canonicalForm().replaceAll(':', ''), 'hex') : expected.bytes;
    expect(parseAttrs(m!.body, 12).get(K.RTA_DST)).toEqual(oracle);
  });

  it('shared headers and attributes do not leak between requests', () => {
    const a = routeRequest('add', { family: 6, dst: '2001:db8:1::/48', nhid: 1, protocol: 200 }, links);
    const b = routeRequest('add', { family: 6, dst: '2001:db8:2::/48', nhid: 2, protocol: 200 }, links);
    const c = routeRequest('replace', { family: 6, dst: '2001:db8:2::/64', nhid: 1, table: 1000, metric: 7 }, links);
    const body = (req: typeof a) => parseMessages(encodeRequest(req, 9))[0]!.body;
    expect(parseAttrs(body(a), 12).get(K.RTA_NH_ID)!.readUInt32LE(0)).toBe(1);
    expect(parseAttrs(body(b), 12).get(K.RTA_NH_ID)!.readUInt32LE(0)).toBe(2);
    expect([...body(c).subarray(0, 8)]).toEqual([K.AF_INET6, 64, 0, 0, K.RT_TABLE_COMPAT, 0, 0, K.RTN_UNICAST]);
    expect(parseAttrs(body(c), 12).get(K.RTA_TABLE)!.readUInt32LE(0)).toBe(1000);
    expect(parseAttrs(body(c), 12).get(K.RTA_PRIORITY)!.readUInt32LE(0)).toBe(7);
    expect([...body(a).subarray(0, 8)]).toEqual([K.AF_INET6, 48, 0, 0, K.RT_TABLE_MAIN, 200, 0, K.RTN_UNICAST]);
  });

  it('writeRequest ORs extra flags in, pads, and refuses to write past the buffer', () => {
    const req = routeRequest('add', { family: 6, dst: '2001:db8::/64', nhid: 3 }, links);
    const buf = Buffer.alloc(200, 0xee);
    const end = writeRequest(buf, 0, req, 77, K.NLM_F_ACK);
    const [m] = parseMessages(buf.subarray(0, end));
    expect(m!.flags).toBe(req.flags | K.NLM_F_ACK);
    expect(m!.seq).toBe(77);
    expect(buf.subarray(0, end)).toEqual(encodeRequest({ ...req, flags: req.flags | K.NLM_F_ACK }, 77));
    expect(() => writeRequest(Buffer.alloc(40), 0, req, 1)).toThrow(RangeError);
    // Odd payload lengths are zero-padded even over dirty memory.
    const attrs = encodeAttrs([{ type: 1, payload: Uint8Array.of(1, 2, 3) }]);
    expect([...attrs]).toEqual([7, 0, 1, 0, 1, 2, 3, 0]);
  });
});

describe('decodeRoute attribute scan', () => {
  const rtmsg = (dstLen: number) => Buffer.from([K.AF_INET6, dstLen, 0, 0, K.RT_TABLE_MAIN, 200, 0, K.RTN_UNICAST, 0, 0, 0, 0]);
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    return b;
  };

  it('reads what parseAttrs would: flags masked, last occurrence wins', () => {
    const body = Buffer.concat([
      rtmsg(64),
      encodeAttrs([
        { type: K.RTA_DST, payload: parsePrefix('2001:db8:0:1::').bytes },
        { type: K.RTA_PRIORITY, payload: u32(5) },
        { type: K.RTA_PRIORITY | 0x8000, payload: u32(7) },
        { type: K.RTA_TABLE, payload: u32(1000) },
        { type: 200, payload: Uint8Array.of(1, 2, 3) },
        { type: K.RTA_NH_ID, payload: u32(42) },
      ]),
    ]);
    expect(decodeRoute(body, links)).toEqual({ family: 6, dst: '2001:db8:0:1::/64', table: 1000, protocol: 200, metric: 7, nhid: 42 });
  });

  it('defaults a missing RTA_DST, tolerates a short one, and refuses bad lengths', () => {
    expect(decodeRoute(rtmsg(0), links)?.dst).toBe('::/0');
    const short = Buffer.concat([rtmsg(16), encodeAttrs([{ type: K.RTA_DST, payload: Uint8Array.of(0x20, 0x01) }])]);
    expect(decodeRoute(short, links)?.dst).toBe('2001::/16');
    const bad = Buffer.concat([rtmsg(64), Buffer.from([40, 0, K.RTA_DST, 0, 0, 0, 0, 0])]);
    expect(() => decodeRoute(bad, links)).toThrow(DecodeError);
  });
});
