/** `encap seg6local`: every behaviour mainline Linux implements, its bytes, text and validation. */
import { describe, expect, it } from 'vitest';
import { Violations } from '../../../src/common/errors.js';
import { DecodeError, encodeAttrs } from '../../../src/dataplane/seg6/attrs.js';
import {
  ACTION_NUMBER,
  type Seg6LocalBehavior,
  type Seg6LocalEncap,
  UNIMPLEMENTED_ACTIONS,
  decodeSeg6Local,
  formatSeg6Local,
  normalizeFlavors,
  normalizeSeg6Local,
  seg6LocalAttrs,
  validateSeg6Local,
} from '../../../src/dataplane/seg6/seg6local.js';

const LINKS: Record<string, number> = { lo: 1, d0: 5, d1: 6 };
const ifindex = (name: string): number => {
  const i = LINKS[name];
  if (i === undefined) throw new Error(`no link ${name}`);
  return i;
};
const ifname = (index: number): string => Object.keys(LINKS).find((k) => LINKS[k] === index) ?? `if${index}`;

const encode = (e: Seg6LocalEncap) => encodeAttrs(seg6LocalAttrs(e, ifindex));
const roundTrip = (e: Seg6LocalEncap) => decodeSeg6Local(encode(e), ifname);
const ZERO = { packets: 0n, bytes: 0n, errors: 0n };

function violations(behavior: unknown, extra: object = {}): { field: string; description: string }[] {
  const v = new Violations();
  validateSeg6Local({ type: 'seg6local', behavior, ...extra } as Seg6LocalEncap, v);
  return v.list;
}

const BEHAVIORS: [string, Seg6LocalBehavior][] = [
  ['End', { action: 'End' }],
  ['End flavors psp', { action: 'End', flavors: { operations: ['psp'] } }],
  ['End flavors next-csid', { action: 'End', flavors: { operations: ['next-csid'] } }],
  ['End flavors psp,next-csid lblen 32 nflen 16', { action: 'End', flavors: { operations: ['psp', 'next-csid'], lblen: 32, nflen: 16 } }],
  ['End flavors next-csid lblen 48 nflen 24', { action: 'End', flavors: { operations: ['next-csid'], lblen: 48, nflen: 24 } }],
  ['End.X', { action: 'End.X', nh6: 'fc00::2' }],
  ['End.X flavors next-csid', { action: 'End.X', nh6: 'fc00::2', flavors: { operations: ['next-csid'], lblen: 48, nflen: 16 } }],
  ['End.T', { action: 'End.T', table: 77 }],
  ['End.DX2', { action: 'End.DX2', oif: 'd1' }],
  ['End.DX6', { action: 'End.DX6', nh6: '::' }],
  ['End.DX4', { action: 'End.DX4', nh4: '10.1.0.2' }],
  ['End.DT6 table', { action: 'End.DT6', table: 100 }],
  ['End.DT6 vrfTable', { action: 'End.DT6', vrfTable: 1000 }],
  ['End.DT4', { action: 'End.DT4', vrfTable: 100 }],
  ['End.DT46', { action: 'End.DT46', vrfTable: 0xffffffff }],
  ['End.B6', { action: 'End.B6', segments: ['fc00:a::1', 'fc00:b::2'] }],
  ['End.B6 tag hmac', { action: 'End.B6', segments: ['fc00:a::1'], tag: 9, hmacKeyId: 26 }],
  ['End.B6.Encaps', { action: 'End.B6.Encaps', segments: ['fc00:a::1', 'fc00:b::2'] }],
  ['End.B6.Encaps hmac', { action: 'End.B6.Encaps', segments: ['fc00:a::1'], hmacKeyId: 7 }],
];

describe('seg6local round trip', () => {
  for (const [name, behavior] of BEHAVIORS) {
    it(name, () => {
      const e: Seg6LocalEncap = { type: 'seg6local', behavior };
      expect(roundTrip(e)).toEqual(e);
      expect(validateAll(e)).toEqual([]);
    });
    it(`${name} count`, () => {
      const e: Seg6LocalEncap = { type: 'seg6local', behavior, count: true };
      expect(roundTrip(e)).toEqual({ ...e, counters: ZERO });
      expect(normalizeSeg6Local(roundTrip(e))).toEqual(normalizeSeg6Local(e));
    });
  }

  it('End.BPF installs a program fd and decodes the program id the kernel dumps', () => {
    for (const count of [false, true]) {
      const e: Seg6LocalEncap = { type: 'seg6local', behavior: { action: 'End.BPF', program: { fd: 12, name: 'sr_proxy' } }, ...(count ? { count } : {}) };
      expect(validateAll(e)).toEqual([]);
      const d = roundTrip(e);
      expect(d.behavior).toEqual({ action: 'End.BPF', program: { id: 12, name: 'sr_proxy' } });
      expect(d.count).toBe(count ? true : undefined);
      expect(normalizeSeg6Local(d)).toEqual(normalizeSeg6Local(e));
    }
  });

  it('every implemented action has a round-trip case', () => {
    const covered = new Set([...BEHAVIORS.map(([, b]) => b.action), 'End.BPF']);
    expect([...covered].sort()).toEqual(Object.keys(ACTION_NUMBER).sort());
  });
});

function validateAll(e: Seg6LocalEncap) {
  const v = new Violations();
  validateSeg6Local(e, v);
  return v.list;
}

describe('seg6local bytes', () => {
  it('End.DX4 nh4 10.1.0.2 count (notes: 0800 0100 06000000 | 0800 0400 0a010002 | 2800 0a80 [...])', () => {
    const bytes = encode({ type: 'seg6local', behavior: { action: 'End.DX4', nh4: '10.1.0.2' }, count: true });
    const u64 = '0000000000000000';
    expect(bytes.toString('hex')).toBe(
      '0800' + '0100' + '06000000' + '0800' + '0400' + '0a010002' + '2800' + '0a80' + '0c000200' + u64 + '0c000300' + u64 + '0c000400' + u64,
    );
  });

  it('flavors: nested, operation bitmask 1<<op (psp 1, next-csid 4), u8 lengths', () => {
    const bytes = encode({ type: 'seg6local', behavior: { action: 'End', flavors: { operations: ['psp', 'next-csid'], lblen: 32, nflen: 16 } } });
    expect(bytes.toString('hex')).toBe('0800010001000000' + '1c00' + '0b80' + '08000100' + '12000000' + '05000200' + '20000000' + '05000300' + '10000000');
  });

  it('End.T / End.DT6 legacy use SEG6_LOCAL_TABLE (3); VRF modes use VRFTABLE (9); DX2 an OIF (7); DX6 NH6 (5)', () => {
    expect(encode({ type: 'seg6local', behavior: { action: 'End.T', table: 77 } }).toString('hex')).toBe('0800010003000000' + '080003004d000000');
    expect(encode({ type: 'seg6local', behavior: { action: 'End.DT6', table: 100 } }).toString('hex')).toBe('0800010007000000' + '0800030064000000');
    expect(encode({ type: 'seg6local', behavior: { action: 'End.DT6', vrfTable: 100 } }).toString('hex')).toBe('0800010007000000' + '0800090064000000');
    expect(encode({ type: 'seg6local', behavior: { action: 'End.DT46', vrfTable: 100 } }).toString('hex')).toBe('0800010010000000' + '0800090064000000');
    expect(encode({ type: 'seg6local', behavior: { action: 'End.DX2', oif: 'd0' } }).toString('hex')).toBe('0800010004000000' + '0800070005000000');
    expect(encode({ type: 'seg6local', behavior: { action: 'End.DX6', nh6: '::' } }).toString('hex')).toBe('0800010005000000' + '14000500' + '00'.repeat(16));
  });

  it('End.B6 carries n+1 SRH slots (last = ::), End.B6.Encaps n', () => {
    const b6 = encode({ type: 'seg6local', behavior: { action: 'End.B6', segments: ['fc00:a::1', 'fc00:b::2'] } });
    expect(b6.readUInt16LE(8)).toBe(4 + 8 + 3 * 16);
    expect(b6.subarray(12, 20).toString('hex')).toBe('0006040202000000');
    const enc = encode({ type: 'seg6local', behavior: { action: 'End.B6.Encaps', segments: ['fc00:a::1', 'fc00:b::2'] } });
    expect(enc.readUInt16LE(8)).toBe(4 + 8 + 2 * 16);
    expect(enc.subarray(12, 20).toString('hex')).toBe('0004040101000000');
  });

  it('End.BPF: nested {PROG u32 fd, PROG_NAME string}', () => {
    const bytes = encode({ type: 'seg6local', behavior: { action: 'End.BPF', program: { fd: 3, name: 'p' } } });
    expect(bytes.toString('hex')).toBe('080001000f000000' + '1400' + '0880' + '08000100' + '03000000' + '06000200' + '70000000');
  });

  it('counters as dumped (with a PAD attribute) decode to bigints', () => {
    const bytes = Buffer.from(
      '0800010006000000' + '080004000a010002' + '2c00' + '0a80' + '04000100' + '0c000200' + '0500000000000000' + '0c000300' + 'f401000000000000' + '0c000400' + '0100000000000000',
      'hex',
    );
    const d = decodeSeg6Local(bytes, ifname);
    expect(d.counters).toEqual({ packets: 5n, bytes: 500n, errors: 1n });
    expect(formatSeg6Local(d, true)).toBe('encap seg6local action End.DX4 nh4 10.1.0.2 packets 5 bytes 500 errors 1');
  });

  it('rejects what it cannot decode', () => {
    expect(() => decodeSeg6Local(Buffer.alloc(0), ifname)).toThrow(/action missing/);
    expect(() => decodeSeg6Local(Buffer.from('080001000d000000', 'hex'), ifname)).toThrow(/unknown seg6local action 13/);
    expect(() => decodeSeg6Local(Buffer.from('0800010006000000', 'hex'), ifname)).toThrow(DecodeError); // DX4 without NH4
  });
});

describe('seg6local validation', () => {
  it('End.DX4 without nh4', () => {
    expect(violations({ action: 'End.DX4' })).toEqual([{ field: 'encap.behavior.nh4', description: 'is required (an IPv4 address)' }]);
    expect(violations({ action: 'End.DX4', nh4: 'fc00::1' })[0]!.field).toBe('encap.behavior.nh4');
  });

  it('lblen must be a multiple of 8', () => {
    expect(violations({ action: 'End', flavors: { operations: ['next-csid'], lblen: 33 } })).toEqual([
      { field: 'encap.behavior.flavors.lblen', description: expect.stringMatching(/multiple of 8/) },
    ]);
  });

  it('lblen + nflen must not exceed 128 (defaults 32 + 16 count)', () => {
    expect(violations({ action: 'End', flavors: { operations: ['next-csid'], lblen: 64, nflen: 72 } })).toEqual([
      { field: 'encap.behavior.flavors', description: expect.stringMatching(/lblen \+ nflen/) },
    ]);
    expect(violations({ action: 'End', flavors: { operations: ['next-csid'], lblen: 120 } })[0]!.field).toBe('encap.behavior.flavors');
    expect(violations({ action: 'End', flavors: { operations: ['next-csid'], lblen: 64, nflen: 64 } })).toEqual([]);
  });

  it('lengths only with next-csid', () => {
    expect(violations({ action: 'End', flavors: { operations: ['psp'], lblen: 32 } })[0]!.field).toBe('encap.behavior.flavors.lblen');
  });

  it('usp/usd are not supported; End.X takes next-csid only; others take no flavors', () => {
    expect(violations({ action: 'End', flavors: { operations: ['usp'] } })).toEqual([
      { field: 'encap.behavior.flavors.operations', description: expect.stringMatching(/not usp/) },
    ]);
    expect(violations({ action: 'End', flavors: { operations: ['psp', 'usd'] } })[0]!.field).toBe('encap.behavior.flavors.operations');
    expect(violations({ action: 'End.X', nh6: 'fc00::2', flavors: { operations: ['psp'] } })).toEqual([
      { field: 'encap.behavior.flavors.operations', description: expect.stringMatching(/End.X supports next-csid/) },
    ]);
    expect(violations({ action: 'End', flavors: { operations: [] } })[0]!.field).toBe('encap.behavior.flavors.operations');
    expect(violations({ action: 'End', flavors: { operations: ['bogus'] } }).map((x) => x.description)).toContain("unknown flavor 'bogus'");
    expect(violations({ action: 'End.T', table: 1, flavors: { operations: ['psp'] } })[0]!.field).toBe('encap.behavior.flavors');
  });

  it.each(['End.AS', 'End.AM', 'End.BM', 'End.S', 'End.AD'])('%s is not implemented by mainline Linux', (action) => {
    expect(action in UNIMPLEMENTED_ACTIONS).toBe(true);
    expect(violations({ action })).toEqual([{ field: 'encap.behavior.action', description: expect.stringMatching(/not implemented by mainline Linux/) }]);
  });

  it('unknown actions, including names on Object.prototype', () => {
    for (const action of ['End.Z', 'toString', 'constructor', '__proto__', 7, undefined]) {
      expect(violations({ action })).toEqual([{ field: 'encap.behavior.action', description: expect.stringMatching(/unknown action/) }]);
    }
    expect(violations(undefined)).toEqual([{ field: 'encap.behavior', description: 'is required' }]);
  });

  it('tables are 1..2^32-1', () => {
    expect(violations({ action: 'End.T', table: 0 })[0]!.field).toBe('encap.behavior.table');
    expect(violations({ action: 'End.T', table: 2 ** 32 })[0]!.field).toBe('encap.behavior.table');
    expect(violations({ action: 'End.T', table: 1.5 })[0]!.field).toBe('encap.behavior.table');
    expect(violations({ action: 'End.DT4', vrfTable: 0 })[0]!.field).toBe('encap.behavior.vrfTable');
    expect(violations({ action: 'End.DT6', vrfTable: 2 ** 32 })[0]!.field).toBe('encap.behavior.vrfTable');
    expect(violations({ action: 'End.DT6' })[0]!.field).toBe('encap.behavior.table');
    expect(violations({ action: 'End.DT6', table: 1, vrfTable: 2 })[0]!.field).toBe('encap.behavior');
    expect(violations({ action: 'End.DT6', table: 1, vrfTable: undefined })).toEqual([]); // an undefined key is absent
  });

  it('attributes that do not belong to the action', () => {
    expect(violations({ action: 'End.DX4', nh4: '10.0.0.1', nh6: 'fc00::1', table: 5 }).map((x) => x.field)).toEqual(['encap.behavior.nh6', 'encap.behavior.table']);
  });

  it('End.DX2 oif, End.B6 segments, End.BPF program', () => {
    expect(violations({ action: 'End.DX2', oif: 'x'.repeat(16) })[0]!.field).toBe('encap.behavior.oif');
    expect(violations({ action: 'End.B6', segments: [] })[0]!.field).toBe('encap.behavior.segments');
    expect(violations({ action: 'End.B6', segments: Array.from({ length: 127 }, () => 'fc00::1') })[0]!.field).toBe('encap.behavior.segments');
    expect(violations({ action: 'End.B6.Encaps', segments: Array.from({ length: 127 }, () => 'fc00::1') })).toEqual([]);
    expect(violations({ action: 'End.BPF', program: { name: 'p' } })).toEqual([{ field: 'encap.behavior.program.fd', description: expect.any(String) }]);
    expect(violations({ action: 'End.BPF', program: { fd: 3 } })).toEqual([{ field: 'encap.behavior.program.name', description: 'is required' }]);
  });

  it('reports every violation at once', () => {
    const fields = violations({ action: 'End.X', nh6: 'nope', flavors: { operations: ['psp', 'next-csid'], lblen: 33, nflen: 100 } }).map((x) => x.field);
    expect(fields).toEqual([
      'encap.behavior.nh6',
      'encap.behavior.flavors.operations',
      'encap.behavior.flavors.lblen',
      'encap.behavior.flavors.nflen',
      'encap.behavior.flavors',
    ]);
  });
});

describe('seg6local text (iproute2 6.1)', () => {
  const fmt = (behavior: Seg6LocalBehavior, count = false) => formatSeg6Local(roundTrip({ type: 'seg6local', behavior, ...(count ? { count } : {}) }), count);

  it('End.DX4 with and without counters', () => {
    expect(fmt({ action: 'End.DX4', nh4: '10.1.0.2' })).toBe('encap seg6local action End.DX4 nh4 10.1.0.2');
    expect(fmt({ action: 'End.DX4', nh4: '10.1.0.2' }, true)).toBe('encap seg6local action End.DX4 nh4 10.1.0.2 packets 0 bytes 0 errors 0');
    // counters print only under -s
    expect(formatSeg6Local(roundTrip({ type: 'seg6local', behavior: { action: 'End.DX4', nh4: '10.1.0.2' }, count: true }))).toBe(
      'encap seg6local action End.DX4 nh4 10.1.0.2',
    );
  });

  it('End flavors, lengths filled with the kernel defaults', () => {
    expect(fmt({ action: 'End', flavors: { operations: ['psp', 'next-csid'], lblen: 32, nflen: 16 } })).toBe(
      'encap seg6local action End flavors psp,next-csid lblen 32 nflen 16',
    );
    expect(formatSeg6Local({ type: 'seg6local', behavior: { action: 'End', flavors: { operations: ['next-csid'] } } })).toBe(
      'encap seg6local action End flavors next-csid lblen 32 nflen 16',
    );
    expect(fmt({ action: 'End', flavors: { operations: ['psp'] } })).toBe('encap seg6local action End flavors psp');
    expect(formatSeg6Local({ type: 'seg6local', behavior: { action: 'End', flavors: { operations: ['next-csid', 'psp'] } } })).toBe(
      'encap seg6local action End flavors psp,next-csid lblen 32 nflen 16',
    );
  });

  it('End.B6 / End.B6.Encaps', () => {
    expect(fmt({ action: 'End.B6', segments: ['fc00:a::1', 'fc00:b::2'] })).toBe('encap seg6local action End.B6 segs 3 [ fc00:a::1 fc00:b::2 :: ]');
    expect(fmt({ action: 'End.B6.Encaps', segments: ['fc00:a::1', 'fc00:b::2'] })).toBe('encap seg6local action End.B6.Encaps segs 2 [ fc00:a::1 fc00:b::2 ]');
    expect(fmt({ action: 'End.B6.Encaps', segments: ['fc00:a::1'], hmacKeyId: 26 })).toBe('encap seg6local action End.B6.Encaps segs 1 [ fc00:a::1 ] hmac 1A');
  });

  it('End.X with counters then flavors', () => {
    expect(fmt({ action: 'End.X', nh6: 'fc00::2', flavors: { operations: ['next-csid'], lblen: 48 } }, true)).toBe(
      'encap seg6local action End.X nh6 fc00::2 packets 0 bytes 0 errors 0 flavors next-csid lblen 48 nflen 16',
    );
  });

  it('tables, oif, nh6, vrftable, BPF', () => {
    expect(fmt({ action: 'End.DT6', table: 100 })).toBe('encap seg6local action End.DT6 table 100');
    expect(fmt({ action: 'End.T', table: 77 })).toBe('encap seg6local action End.T table 77');
    expect(fmt({ action: 'End.DX2', oif: 'd0' })).toBe('encap seg6local action End.DX2 oif d0');
    expect(fmt({ action: 'End.DX6', nh6: '::' })).toBe('encap seg6local action End.DX6 nh6 ::');
    expect(fmt({ action: 'End.DT46', vrfTable: 100 })).toBe('encap seg6local action End.DT46 vrftable 100');
    expect(fmt({ action: 'End.BPF', program: { fd: 4, name: 'sr_proxy' } })).toBe('encap seg6local action End.BPF endpoint sr_proxy');
  });

  it('the reserved tables print by name (rtnl_rttable_n2a), as `ip route` showed on this machine', () => {
    expect(fmt({ action: 'End.T', table: 254 })).toBe('encap seg6local action End.T table main');
    expect(fmt({ action: 'End.DT6', table: 255 })).toBe('encap seg6local action End.DT6 table local');
    expect(fmt({ action: 'End.DT4', vrfTable: 253 })).toBe('encap seg6local action End.DT4 vrftable default');
  });
});

describe('seg6local normalization', () => {
  it('canonical addresses, default lengths, bit-ordered flavors, counters and BPF ids dropped', () => {
    expect(
      normalizeSeg6Local({
        type: 'seg6local',
        behavior: { action: 'End.X', nh6: 'FC00:0::2', flavors: { operations: ['next-csid'] } },
        count: true,
        counters: { packets: 1n, bytes: 2n, errors: 3n },
      }),
    ).toEqual({ type: 'seg6local', behavior: { action: 'End.X', nh6: 'fc00::2', flavors: { operations: ['next-csid'], lblen: 32, nflen: 16 } }, count: true });
    expect(normalizeFlavors({ operations: ['next-csid', 'psp'], lblen: 48 })).toEqual({ operations: ['psp', 'next-csid'], lblen: 48, nflen: 16 });
    expect(normalizeFlavors({ operations: ['psp'] })).toEqual({ operations: ['psp'] });
  });

  it('key order and undefined keys do not change the normalized JSON (comparisons are JSON)', () => {
    const pairs: [object, Seg6LocalBehavior][] = [
      [{ table: 77, action: 'End.T' }, { action: 'End.T', table: 77 }],
      [{ oif: 'd0', action: 'End.DX2' }, { action: 'End.DX2', oif: 'd0' }],
      [{ vrfTable: 9, action: 'End.DT46' }, { action: 'End.DT46', vrfTable: 9 }],
      [{ vrfTable: 9, table: undefined, action: 'End.DT6' }, { action: 'End.DT6', vrfTable: 9 }],
      [{ table: 9, vrfTable: undefined, action: 'End.DT6' }, { action: 'End.DT6', table: 9 }],
    ];
    for (const [given, decoded] of pairs) {
      const a = normalizeSeg6Local({ type: 'seg6local', behavior: given as Seg6LocalBehavior });
      const b = normalizeSeg6Local(roundTrip({ type: 'seg6local', behavior: decoded }));
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    }
  });

  it('an End.DT6 with an undefined vrfTable encodes legacy table mode', () => {
    const behavior = { action: 'End.DT6', table: 100, vrfTable: undefined } as unknown as Seg6LocalBehavior;
    expect(encode({ type: 'seg6local', behavior }).toString('hex')).toBe('0800010007000000' + '0800030064000000');
  });
});
