/**
 * IP text codecs. The oracle is the `ip-address` package (an independent RFC 4291/5952
 * implementation); the target format is glibc inet_ntop, which is what iproute2 prints.
 */
import { Address4, Address6 } from 'ip-address';
import { describe, expect, it } from 'vitest';
import {
  AddressParseError,
  canonicalAddress,
  canonicalPrefix,
  familyOf,
  formatIPv4,
  formatIPv6,
  formatPrefix,
  parseIPv4,
  parseIPv6,
  parsePrefix,
} from '../../../src/common/ip.js';

/** mulberry32: small, seeded, good enough to spread addresses over the interesting shapes. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const words = (b: Uint8Array): number[] => Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!);

/** Deterministic addresses biased towards zero runs, mapped/compat forms and ties between runs. */
function addresses(count: number, seed: number): Buffer[] {
  const rnd = prng(seed);
  const out: Buffer[] = [];
  for (let n = 0; n < count; n++) {
    const b = Buffer.alloc(16);
    for (let i = 0; i < 8; i++) {
      const r = rnd() % 8;
      const w = r < 4 ? 0 : r === 4 ? rnd() % 16 : r === 5 ? 0xffff : rnd() & 0xffff;
      b.writeUInt16BE(w, 2 * i);
    }
    switch (rnd() % 12) {
      case 0: // IPv4-mapped ::ffff:a.b.c.d
        b.fill(0, 0, 10);
        b.writeUInt16BE(0xffff, 10);
        break;
      case 1: // IPv4-compatible ::a.b.c.d
        b.fill(0, 0, 12);
        break;
      case 2: // two zero runs of the same length (x:0:0:x:0:0:x:x and friends)
        b.fill(0, 2, 6);
        b.fill(0, 8, 12);
        break;
      case 3: // one long run at a random place
        b.fill(0, 2 * (rnd() % 4), 2 * (4 + (rnd() % 4)));
        break;
      case 4: // ::
        b.fill(0);
        break;
      case 5: // ::1
        b.fill(0);
        b[15] = 1;
        break;
    }
    out.push(b);
  }
  return out;
}

/**
 * What glibc inet_ntop prints, built from ip-address. The two agree everywhere except on IPv4
 * tails: inet_ntop prints `::ffff:a.b.c.d` (mapped) and `::a.b.c.d` (compatible, 7th word non-zero),
 * while ip-address's correctForm() prints those last 32 bits as hex groups (`::ffff:102:304`). We
 * match inet_ntop there, because iproute2 prints what inet_ntop gives.
 */
function inetNtop(b: Buffer): string {
  const a = Address6.fromUnsignedByteArray([...b]);
  const w = words(b);
  const v4 = a.to4().correctForm();
  if (w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff) return `::ffff:${v4}`;
  if (w.slice(0, 6).every((x) => x === 0) && w[6] !== 0) return `::${v4}`;
  return a.correctForm();
}

const oracleBytes = (text: string): string => Buffer.from(new Address6(text).toUnsignedByteArray()).toString('hex');

describe('formatIPv6', () => {
  const sample = addresses(4000, 0x5eed);

  it('is inet_ntop on 4000 pseudo-random addresses (ip-address oracle)', () => {
    const mismatches = sample.map((b) => [b.toString('hex'), formatIPv6(b), inetNtop(b)]).filter(([, ours, want]) => ours !== want);
    expect(mismatches).toEqual([]);
  });

  it('the sample really exercises the tricky shapes', () => {
    const texts = sample.map((b) => formatIPv6(b));
    expect(texts.filter((t) => t.startsWith('::ffff:') && t.includes('.')).length).toBeGreaterThan(100);
    expect(texts.filter((t) => /^::\d+\.\d+\.\d+\.\d+$/.test(t)).length).toBeGreaterThan(100);
    expect(texts.filter((t) => t === '::').length).toBeGreaterThan(100);
    expect(texts.filter((t) => t === '::1').length).toBeGreaterThan(100);
    expect(texts.filter((t) => t.includes('::') && /(^|:)0:0(:|$)/.test(t)).length).toBeGreaterThan(50); // a tie or a shorter second run
  });

  // Captured with glibc's inet_ntop (python3 socket.inet_ntop) on this machine.
  const GLIBC: [string, string][] = [
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000000000001', '::1'],
    ['00000000000000000000ffff01020304', '::ffff:1.2.3.4'],
    ['00000000000000000000000001020304', '::1.2.3.4'],
    ['00000000000000000000ffff00000000', '::ffff:0.0.0.0'],
    ['00000000000000000000000001020000', '::1.2.0.0'],
    ['00000000000000000000fffe01020304', '::fffe:102:304'],
    ['00010000000100000000000000000001', '1:0:1::1'],
    ['00010000000000010000000000010001', '1::1:0:0:1:1'], // tie: the first run wins
    ['00000000000100000000000000000000', '0:0:1::'],
    ['00010000000000000000000000000000', '1::'],
    ['00000001000000000000000000000000', '0:1::'],
    ['fc00000a000000000000000000000001', 'fc00:a::1'],
    ['00640000ff9b00000000000001020304', '64:0:ff9b::102:304'],
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['20010db8000000010000000000000001', '2001:db8:0:1::1'], // a single zero word is never '::'
    ['00010002000300040005000600070008', '1:2:3:4:5:6:7:8'],
    ['00000002000300040005000600070008', '0:2:3:4:5:6:7:8'],
    ['00010002000300040005000600070000', '1:2:3:4:5:6:7:0'],
    ['00010000000200030004000500060007', '1:0:2:3:4:5:6:7'],
    ['fe800000000000000000000000000001', 'fe80::1'],
    ['00000000000000000000ffff00010002', '::ffff:0.1.0.2'],
    ['ffffffffffffffffffffffffffffffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['00000000000000000001000000000000', '::1:0:0:0'],
  ];
  it.each(GLIBC)('%s -> %s (glibc)', (hex, text) => {
    expect(formatIPv6(Buffer.from(hex, 'hex'))).toBe(text);
  });

  it('reads at an offset', () => {
    const buf = Buffer.concat([Buffer.from('abcd', 'hex'), Buffer.from('fc00000a000000000000000000000001', 'hex')]);
    expect(formatIPv6(buf, 2)).toBe('fc00:a::1');
  });
});

describe('parseIPv6', () => {
  const sample = addresses(3000, 0xc0ffee);

  /** Several spellings of one address, all of which inet_pton and ip-address accept. */
  function spellings(b: Buffer, rnd: () => number): string[] {
    const a = Address6.fromUnsignedByteArray([...b]);
    const w = words(b);
    const full = a.canonicalForm(); // 0000:0000:...: leading zeros everywhere
    const out = [formatIPv6(b), a.correctForm(), full, full.toUpperCase(), w.map((x) => x.toString(16)).join(':'), a.to4in6()];
    // compress a zero run that is not necessarily the longest (still valid text)
    const zeros = w.map((x, i) => (x === 0 ? i : -1)).filter((i) => i >= 0);
    if (zeros.length > 0) {
      const start = zeros[rnd() % zeros.length]!;
      let end = start;
      while (end + 1 < 8 && w[end + 1] === 0 && rnd() % 2 === 0) end++;
      const hex = w.map((x) => x.toString(16));
      out.push(`${hex.slice(0, start).join(':')}::${hex.slice(end + 1).join(':')}`);
    }
    return out;
  }

  it('reads every spelling of 3000 pseudo-random addresses as ip-address does', () => {
    const rnd = prng(7);
    const bad: string[] = [];
    for (const b of sample) {
      for (const text of spellings(b, rnd)) {
        const ours = parseIPv6(text).toString('hex');
        if (ours !== b.toString('hex') || ours !== oracleBytes(text)) bad.push(text);
      }
    }
    expect(bad).toEqual([]);
  });

  it('round-trips formatIPv6 exactly', () => {
    for (const b of sample) expect(parseIPv6(formatIPv6(b)).equals(b)).toBe(true);
  });

  it.each([
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['::ffff:1.2.3.4', '00000000000000000000ffff01020304'],
    ['::1.2.3.4', '00000000000000000000000001020304'],
    ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
    ['1::1.2.3.4', '00010000000000000000000001020304'],
    ['1:2:3:4:5:6:7::', '00010002000300040005000600070000'],
    ['::2:3:4:5:6:7:8', '00000002000300040005000600070008'],
    ['FC00::A', 'fc00000000000000000000000000000a'],
    ['0001:0002::', '00010002000000000000000000000000'],
    ['1:0::0:2', '00010000000000000000000000000002'],
  ])('%s (inet_pton agrees)', (text, hex) => {
    expect(parseIPv6(text).toString('hex')).toBe(hex);
    expect(oracleBytes(text)).toBe(hex);
  });

  const BAD = [
    ':::',
    '1::2::3',
    'g::1',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7::8', // '::' must stand for at least one zero word
    '1::2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8::',
    '12345::',
    '',
    ':',
    '::1:',
    ':1::2',
    '::1.2.3.256', // IPv4 octet 256
    '::1.2.3',
    '::1.2.3.4.5',
    '::1.2.3.4:5',
    '1.2.3.4::', // a dotted quad only as the last 32 bits
    '1:2:3:4:5:6:7:1.2.3.4',
    '::01.2.3.4', // leading zeros in an octet (inet_pton refuses them)
    ' fc00::1',
    'fc00::1 ',
    'fc00::-1',
    '0x1::',
  ];
  it.each(BAD)('rejects %j, as ip-address does', (text) => {
    expect(() => parseIPv6(text)).toThrow(AddressParseError);
    expect(Address6.isValid(text)).toBe(false);
  });

  it('rejects what ip-address tolerates but an address field must not hold', () => {
    for (const text of ['fc00::/64', 'fe80::1%eth0', '1.2.3.4']) expect(() => parseIPv6(text)).toThrow(AddressParseError);
  });
});

describe('IPv4', () => {
  it('parses and formats dotted quads', () => {
    expect([...parseIPv4('10.1.0.2')]).toEqual([10, 1, 0, 2]);
    expect(formatIPv4(Uint8Array.of(0, 255, 0, 10, 1, 0, 2), 3)).toBe('10.1.0.2');
    const rnd = prng(4);
    for (let i = 0; i < 1000; i++) {
      const b = Buffer.from([rnd() & 0xff, rnd() & 0xff, rnd() & 0xff, rnd() & 0xff]);
      const text = formatIPv4(b);
      expect(text).toBe(Address4.fromHex(b.toString('hex')).correctForm());
      expect(parseIPv4(text).equals(b)).toBe(true);
    }
  });

  it.each(['256.1.1.1', '1.2.3.256', '1.2.3', '1.2.3.4.5', '', '1..2.3', '1.2.3.-4', ' 1.2.3.4', '01.2.3.4', '1.2.3.4/8', '1.2.3.0x4', '१.2.3.4'])(
    'rejects %j',
    (text) => {
      expect(() => parseIPv4(text)).toThrow(AddressParseError);
    },
  );
});

describe('addresses and prefixes', () => {
  it('familyOf, canonicalAddress', () => {
    expect(familyOf('fc00::1')).toBe(6);
    expect(familyOf('10.0.0.1')).toBe(4);
    expect(canonicalAddress('FC00:000A:0:0:0:0:0:0001')).toBe('fc00:a::1');
    expect(canonicalAddress('0:0:0:0:0:ffff:102:304')).toBe('::ffff:1.2.3.4');
    expect(canonicalAddress('10.1.0.2')).toBe('10.1.0.2');
  });

  it('parsePrefix: address, family, length; a bare address is a host prefix', () => {
    const p = parsePrefix('fc00:1::/64');
    expect(p.family).toBe(6);
    expect(p.length).toBe(64);
    expect(formatIPv6(p.bytes)).toBe('fc00:1::');
    expect(parsePrefix('fc00::1').length).toBe(128);
    expect(parsePrefix('10.0.0.0/8')).toMatchObject({ family: 4, length: 8 });
    expect(parsePrefix('10.0.0.1').length).toBe(32);
    expect(parsePrefix('::/0').length).toBe(0);
    expect(parsePrefix('0.0.0.0/0').length).toBe(0);
  });

  it.each(['fc00::/129', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/1a', '10.0.0.0/ 8', 'fc00::/64/1', 'fc00::/1000', 'fc00:::/64', '10.0.0.256/8', 'default'])(
    'parsePrefix rejects %j',
    (text) => {
      expect(() => parsePrefix(text)).toThrow(AddressParseError);
    },
  );

  it('formatPrefix and canonicalPrefix print host prefixes without /len, as iproute2 does', () => {
    expect(canonicalPrefix('FC00:0001:0::/64')).toBe('fc00:1::/64');
    expect(canonicalPrefix('fc00:f::11/128')).toBe('fc00:f::11');
    expect(canonicalPrefix('10.1.0.0/16')).toBe('10.1.0.0/16');
    expect(canonicalPrefix('10.1.0.2/32')).toBe('10.1.0.2');
    expect(formatPrefix(Buffer.alloc(16), 0, 6)).toBe('::/0');
  });
});
