/** Nexthop objects: the chain's segment list lives here (nhmsg + NHA_* attributes). */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, Violations } from '../../../src/common/errors.js';
import { parseAttrs, readU16, readU32 } from '../../../src/dataplane/seg6/attrs.js';
import * as K from '../../../src/dataplane/seg6/constants.js';
import { encodeRequest, parseMessages } from '../../../src/dataplane/seg6/message.js';
import {
  type Nexthop,
  checkNexthop,
  decodeNexthop,
  formatNexthop,
  nexthopRequest,
  nexthopsEqual,
  normalizeNexthop,
  validateNexthop,
} from '../../../src/dataplane/seg6/nexthop.js';
import { STUB_LINKS } from '../support/links.js';

const links = STUB_LINKS;

function wire(verb: 'add' | 'replace' | 'delete', n: Nexthop) {
  const [m] = parseMessages(encodeRequest(nexthopRequest(verb, n, links), 1));
  return { m: m!, attrs: parseAttrs(m!.body, 8) };
}

const NH6: Nexthop = { id: 11, family: 6, dev: 'd0', protocol: 200, encap: { type: 'seg6', mode: 'encap', segments: ['fc00:a::1', 'fc00:b::2', 'fc00:c::3'] } };
const NH4: Nexthop = { id: 10, family: 4, dev: 'd0', encap: { type: 'seg6', mode: 'encap', segments: ['fc00:a::1', 'fc00:b::100'] } };

describe('nexthopRequest', () => {
  it('add = NEWNEXTHOP CREATE|EXCL, replace = CREATE|REPLACE, delete = DELNEXTHOP', () => {
    expect([wire('add', NH6).m.type, wire('add', NH6).m.flags]).toEqual([K.RTM_NEWNEXTHOP, 0x01 | 0x400 | 0x200]);
    expect([wire('replace', NH6).m.type, wire('replace', NH6).m.flags]).toEqual([K.RTM_NEWNEXTHOP, 0x01 | 0x400 | 0x100]);
    expect([wire('delete', NH6).m.type, wire('delete', NH6).m.flags]).toEqual([K.RTM_DELNEXTHOP, 0x01]);
  });

  it('nhmsg: family and protocol on add; all zero on delete (the kernel refuses any header field there)', () => {
    expect([...wire('add', NH6).m.body.subarray(0, 8)]).toEqual([K.AF_INET6, 0, 200, 0, 0, 0, 0, 0]);
    expect([...wire('add', NH4).m.body.subarray(0, 8)]).toEqual([K.AF_INET, 0, 0, 0, 0, 0, 0, 0]);
    const del = wire('delete', NH6);
    expect([...del.m.body.subarray(0, 8)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...del.attrs.keys()]).toEqual([K.NHA_ID]);
    expect(readU32(del.attrs.get(K.NHA_ID))).toBe(11);
  });

  it('NHA_ENCAP carries NLA_F_NESTED (0x8000): without it the kernel answers EINVAL', () => {
    const { m, attrs } = wire('add', NH4);
    expect(readU32(attrs.get(K.NHA_ID))).toBe(10);
    expect(readU32(attrs.get(K.NHA_OIF))).toBe(5);
    expect(readU16(attrs.get(K.NHA_ENCAP_TYPE))).toBe(K.LWTUNNEL_ENCAP_SEG6);
    const types: number[] = [];
    for (let off = 8; off + 4 <= m.body.length; off += (m.body.readUInt16LE(off) + 3) & ~3) types.push(m.body.readUInt16LE(off + 2));
    expect(types).toEqual([K.NHA_ID, K.NHA_OIF, K.NHA_ENCAP_TYPE, K.NHA_ENCAP | 0x8000]);
    expect(attrs.get(K.NHA_ENCAP)!.toString('hex')).toBe(
      '30000100' + '01000000' + '0004040101000000' + 'fc00000b000000000000000000000100' + 'fc00000a000000000000000000000001',
    );
  });

  it('blackhole and gateway nexthops', () => {
    expect(wire('add', { id: 5, family: 4, blackhole: true }).attrs.get(K.NHA_BLACKHOLE)!.length).toBe(0);
    expect(wire('add', { id: 6, family: 6, dev: 'd0', gateway: 'fe80::1' }).attrs.get(K.NHA_GATEWAY)!.toString('hex')).toBe('fe800000000000000000000000000001');
  });
});

describe('decodeNexthop of our own requests', () => {
  const CASES: [string, Nexthop][] = [
    ['IPv6 seg6', NH6],
    ['IPv4 seg6', NH4],
    ['IPv6 seg6 encap.red with tag and HMAC', { id: 12, family: 6, dev: 'd1', encap: { type: 'seg6', mode: 'encap.red', segments: ['FC00:A::1', 'fc00:b::2'], tag: 3, hmacKeyId: 7 } }],
    ['IPv6 inline', { id: 13, family: 6, dev: 'd0', encap: { type: 'seg6', mode: 'inline', segments: ['fc00:a::1'] } }],
    ['blackhole', { id: 14, family: 4, blackhole: true, protocol: 200 }],
    ['gateway', { id: 15, family: 6, dev: 'd0', gateway: 'FE80::1' }],
    ['IPv4 gateway', { id: 16, family: 4, dev: 'd0', gateway: '10.0.0.1' }],
  ];
  for (const [name, n] of CASES) {
    it(name, () => {
      const d = decodeNexthop(wire('add', n).m.body, links)!;
      expect(d).toEqual(normalizeNexthop(n));
      expect(nexthopsEqual(d, n)).toBe(true);
    });
  }

  it('groups and other encaps are not ours; a nexthop without an id is garbage', () => {
    const body = wire('add', NH4).m.body;
    const group = Buffer.concat([body, Buffer.from('0c000200' + '0a000000' + '00000000', 'hex')]);
    expect(decodeNexthop(group, links)).toBeUndefined();
    const mpls = Buffer.from(body);
    for (let off = 8; off + 4 <= mpls.length; off += (mpls.readUInt16LE(off) + 3) & ~3) {
      if (mpls.readUInt16LE(off + 2) === K.NHA_ENCAP_TYPE) mpls.writeUInt16LE(1, off + 4);
    }
    expect(decodeNexthop(mpls, links)).toBeUndefined();
    expect(() => decodeNexthop(Buffer.alloc(8), links)).toThrow(/NHA_ID/);
    expect(() => decodeNexthop(Buffer.alloc(4), links)).toThrow(/short nhmsg/);
  });
});

describe('validateNexthop', () => {
  const fields = (n: unknown) => {
    const v = new Violations();
    validateNexthop(n as Nexthop, v);
    return v.list.map((x) => x.field);
  };

  it('accepts good nexthops', () => {
    for (const n of [NH6, NH4, { id: 1, family: 4, blackhole: true }, { id: 2, family: 6, dev: 'd0', gateway: 'fe80::1' }]) expect(fields(n)).toEqual([]);
  });

  it('a seg6local encap cannot live in a nexthop', () => {
    expect(fields({ id: 1, family: 6, dev: 'd0', encap: { type: 'seg6local', behavior: { action: 'End' } } })).toEqual(['nexthop.encap.type']);
  });

  it('inline mode needs a family 6 nexthop', () => {
    expect(fields({ ...NH4, encap: { type: 'seg6', mode: 'inline', segments: ['fc00::1'] } })).toEqual(['nexthop.encap.mode']);
  });

  it('id, family, protocol, dev, gateway family, blackhole exclusivity, encap fields — all at once', () => {
    expect(fields({ id: 0, family: 5, protocol: 300, gateway: '10.0.0.1', encap: { type: 'seg6', mode: 'encap', segments: [] } })).toEqual([
      'nexthop.id',
      'nexthop.family',
      'nexthop.protocol',
      'nexthop.dev',
      'nexthop.gateway',
      'nexthop.encap.segments',
    ]);
    expect(fields({ id: 2 ** 32, family: 6, blackhole: true, dev: 'd0', encap: NH6.encap })).toEqual(['nexthop.id', 'nexthop.dev', 'nexthop.encap']);
  });

  it('checkNexthop throws InvalidArgumentError', () => {
    expect(() => checkNexthop({ id: 1, family: 6 })).toThrow(InvalidArgumentError);
    expect(() => checkNexthop({ id: 1, family: 6 })).toThrow(/^invalid nexthop: nexthop\.dev: is required/);
  });
});

describe('formatNexthop', () => {
  it('prints like `ip nexthop show` up to the scope', () => {
    expect(formatNexthop(NH4)).toBe('id 10  encap seg6 mode encap segs 2 [ fc00:a::1 fc00:b::100 ] dev d0');
    expect(formatNexthop({ id: 5, family: 4, blackhole: true })).toBe('id 5 blackhole');
    expect(formatNexthop({ id: 6, family: 6, dev: 'd0', gateway: 'FE80::1' })).toBe('id 6 via fe80::1 dev d0');
  });
});
