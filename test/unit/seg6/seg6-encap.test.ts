/** `encap seg6`: SEG6_IPTUNNEL_SRH = int mode + SRH. Bytes and text as iproute2 6.1 / Linux 6.18 give them. */
import { describe, expect, it } from 'vitest';
import { Violations } from '../../../src/common/errors.js';
import { DecodeError, encodeAttrs } from '../../../src/dataplane/seg6/attrs.js';
import {
  SEG6_MODES,
  type Seg6Encap,
  decodeSeg6,
  formatSeg6,
  maxSegments,
  normalizeSeg6,
  seg6Attrs,
  validateSeg6,
} from '../../../src/dataplane/seg6/seg6-encap.js';

const A = 'fc00000a000000000000000000000001'; // fc00:a::1
const B = 'fc00000b000000000000000000000100'; // fc00:b::100
const stream = (e: Seg6Encap) => encodeAttrs(seg6Attrs(e));

function violations(e: unknown): { field: string; description: string }[] {
  const v = new Violations();
  validateSeg6(e as Seg6Encap, v);
  return v.list;
}

describe('SEG6 encap bytes', () => {
  it('`encap seg6 mode encap segs fc00:a::1,fc00:b::100` (notes: 3000 0100 | 01000000 | 00 04 04 01 01 00 0000 | B | A)', () => {
    const e: Seg6Encap = { type: 'seg6', mode: 'encap', segments: ['fc00:a::1', 'fc00:b::100'] };
    expect(stream(e).toString('hex')).toBe('3000' + '0100' + '01000000' + '00' + '04' + '04' + '01' + '01' + '00' + '0000' + B + A);
  });

  it('the mode is a host-order int: inline 0, encap 1, l2encap 2, encap.red 3, l2encap.red 4', () => {
    SEG6_MODES.forEach((mode, i) => {
      const s = stream({ type: 'seg6', mode, segments: ['fc00:a::1'] });
      expect(s.readInt32LE(4)).toBe(i);
    });
  });

  it('inline carries one extra last slot (::) for the original destination, stored first in the SRH', () => {
    const s = stream({ type: 'seg6', mode: 'inline', segments: ['fc00:a::1', 'fc00:b::100'] });
    expect(s.toString('hex')).toBe('4000' + '0100' + '00000000' + '0006040202000000' + '00'.repeat(16) + B + A);
  });

  it('HMAC and tag land in the SRH', () => {
    const s = stream({ type: 'seg6', mode: 'encap', segments: ['fc00:a::1'], hmacKeyId: 26, tag: 0x0102 });
    const srh = s.subarray(8);
    expect(srh[5]).toBe(0x08);
    expect(srh.readUInt16BE(6)).toBe(0x0102);
    expect(srh.subarray(24, 32).toString('hex')).toBe('052600000000001a');
  });
});

describe('SEG6 encap round trip', () => {
  const extras = [{}, { tag: 0xbeef }, { hmacKeyId: 7 }, { tag: 1, hmacKeyId: 0xffffffff }];
  const lists = [['fc00:a::1'], ['fc00:a::1', 'fc00:b::100'], ['fc00:1::1', 'fc00:2::2', 'fc00:3::3', 'fc00:4::4', 'fc00:5::5']];
  for (const mode of SEG6_MODES) {
    for (const extra of extras) {
      for (const segments of lists) {
        it(`${mode} ${JSON.stringify(extra)} ${segments.length} SID(s)`, () => {
          const e: Seg6Encap = { type: 'seg6', mode, segments, ...extra };
          expect(decodeSeg6(stream(e))).toEqual(e);
        });
      }
    }
  }

  it('decodes to canonical addresses (tag 0 is no tag)', () => {
    const e: Seg6Encap = { type: 'seg6', mode: 'encap', segments: ['FC00:A:0::1', '0:0:0:0:0:ffff:102:304'], tag: 0 };
    expect(decodeSeg6(stream(e))).toEqual({ type: 'seg6', mode: 'encap', segments: ['fc00:a::1', '::ffff:1.2.3.4'] });
    expect(normalizeSeg6(e)).toEqual(decodeSeg6(stream(e)));
  });

  it('rejects streams it cannot read', () => {
    expect(() => decodeSeg6(Buffer.alloc(0))).toThrow(DecodeError);
    const s = stream({ type: 'seg6', mode: 'encap', segments: ['fc00:a::1'] });
    s.writeInt32LE(9, 4);
    expect(() => decodeSeg6(s)).toThrow(/unknown SEG6 mode 9/);
  });
});

describe('SEG6 encap validation', () => {
  const ok: Seg6Encap = { type: 'seg6', mode: 'encap', segments: ['fc00:a::1'] };

  it('accepts a good encap', () => {
    expect(violations(ok)).toEqual([]);
  });

  it('an empty segment list', () => {
    expect(violations({ ...ok, segments: [] })).toEqual([{ field: 'encap.segments', description: expect.stringMatching(/at least one/) }]);
    expect(violations({ ...ok, segments: undefined })[0]!.field).toBe('encap.segments');
  });

  it('an SRH holds at most 127 SIDs (125 with HMAC; inline loses one slot to the original DA)', () => {
    expect(maxSegments(0, false)).toBe(127);
    expect(maxSegments(0, true)).toBe(125);
    expect(maxSegments(1, false)).toBe(126);
    const sids = (n: number) => Array.from({ length: n }, (_, i) => `fc00::${(i + 1).toString(16)}`);
    expect(violations({ ...ok, segments: sids(127) })).toEqual([]);
    expect(violations({ ...ok, segments: sids(128) })).toEqual([{ field: 'encap.segments', description: expect.stringMatching(/128 SIDs.*at most 127/) }]);
    expect(violations({ ...ok, segments: sids(126), hmacKeyId: 1 })[0]!.field).toBe('encap.segments');
    expect(violations({ ...ok, mode: 'inline', segments: sids(127) })[0]!.field).toBe('encap.segments');
    expect(violations({ ...ok, mode: 'inline', segments: sids(126) })).toEqual([]);
  });

  it('names every bad field at once', () => {
    const fields = violations({ type: 'seg6', mode: 'bogus', segments: ['fc00::1', '10.0.0.1', 7], tag: 65536, hmacKeyId: 0 }).map((x) => x.field);
    expect(fields).toEqual(['encap.mode', 'encap.segments[1]', 'encap.segments[2]', 'encap.tag', 'encap.hmacKeyId']);
  });
});

describe('SEG6 encap text (iproute2 6.1)', () => {
  it.each<[Seg6Encap, string]>([
    [{ type: 'seg6', mode: 'encap', segments: ['fc00:a::1', 'fc00:b::100'] }, 'encap seg6 mode encap segs 2 [ fc00:a::1 fc00:b::100 ]'],
    [{ type: 'seg6', mode: 'inline', segments: ['fc00:a::1', 'fc00:b::100'] }, 'encap seg6 mode inline segs 3 [ fc00:a::1 fc00:b::100 :: ]'],
    [{ type: 'seg6', mode: 'l2encap.red', segments: ['fc00:a::1'] }, 'encap seg6 mode l2encap.red segs 1 [ fc00:a::1 ]'],
    [{ type: 'seg6', mode: 'encap', segments: ['fc00:a::1'], hmacKeyId: 26 }, 'encap seg6 mode encap segs 1 [ fc00:a::1 ] hmac 1A'],
    [{ type: 'seg6', mode: 'encap.red', segments: ['FC00:A:0::1', 'fc00:b::1'] }, 'encap seg6 mode encap.red segs 2 [ fc00:a::1 fc00:b::1 ]'],
  ])('%j', (e, text) => {
    expect(formatSeg6(e)).toBe(text);
    expect(formatSeg6(decodeSeg6(stream(e)))).toBe(text);
  });
});
