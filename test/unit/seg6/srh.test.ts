/**
 * The SRH: segments in travel order in our API, reversed on the wire (RFC 8754; the kernel's
 * struct ipv6_sr_hdr). Expected bytes from notes/dataplane-facts.md, i.e. what the kernel dumps.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/dataplane/seg6/attrs.js';
import { decodeSrh, encodeSrh, srhSize } from '../../../src/dataplane/seg6/srh.js';

const hex = (b: Buffer) => b.toString('hex');
const A = 'fc00000a000000000000000000000001'; // fc00:a::1
const B = 'fc00000b000000000000000000000100'; // fc00:b::100

describe('SRH', () => {
  it('two segments: hdrlen 4, type 4, SL = first_segment = 1, segments reversed', () => {
    const srh = encodeSrh({ segments: ['fc00:a::1', 'fc00:b::100'] });
    expect(hex(srh)).toBe('00' + '04' + '04' + '01' + '01' + '00' + '0000' + B + A);
    expect(srhSize({ segments: ['fc00:a::1', 'fc00:b::100'] })).toBe(40);
  });

  it('one segment: hdrlen 2, SL 0', () => {
    expect(hex(encodeSrh({ segments: ['fc00:a::1'] }))).toBe('0002040000000000' + A);
  });

  it('the tag is big-endian', () => {
    const srh = encodeSrh({ segments: ['fc00:a::1'], tag: 0x1234 });
    expect(hex(srh.subarray(6, 8))).toBe('1234');
    expect(decodeSrh(srh).tag).toBe(0x1234);
  });

  it('HMAC TLV: flags 0x08, type 5, len 38, reserved 0, key id big-endian, 32 zero bytes', () => {
    const srh = encodeSrh({ segments: ['fc00:a::1', 'fc00:b::100'], hmacKeyId: 0x01020304 });
    expect(srh.length).toBe(8 + 32 + 40);
    expect(srh[1]).toBe(80 / 8 - 1);
    expect(srh[5]).toBe(0x08);
    const tlv = srh.subarray(40);
    expect(hex(tlv.subarray(0, 8))).toBe('05' + '26' + '0000' + '01020304');
    expect(tlv.subarray(8).every((x) => x === 0)).toBe(true);
    expect(decodeSrh(srh)).toEqual({ segments: ['fc00:a::1', 'fc00:b::100'], hmacKeyId: 0x01020304 });
  });

  it('decodes what it encodes, segments in travel order', () => {
    const cases = [
      { segments: ['fc00:1::1', 'fc00:2::2', 'fc00:3::3', 'fc00:4::4', 'fc00:5::5'] },
      { segments: ['fc00:a::1'], tag: 7 },
      { segments: ['fc00:a::1', '::'], hmacKeyId: 26, tag: 0xffff },
      { segments: Array.from({ length: 127 }, (_, i) => `fc00::${(i + 1).toString(16)}`) },
    ];
    for (const c of cases) expect(decodeSrh(encodeSrh(c))).toEqual(c);
  });

  it('finds the HMAC TLV after Pad1 and PadN TLVs', () => {
    const base = encodeSrh({ segments: ['fc00:a::1'] });
    const pads = Buffer.from('00' + '04' + '02' + '0000' + '000000', 'hex'); // Pad1, PadN(2), then 3 more Pad1
    const hmac = Buffer.from('05260000' + '0000001a' + '00'.repeat(32), 'hex');
    const srh = Buffer.concat([base, pads, hmac]);
    srh[1] = srh.length / 8 - 1;
    srh[5] = 0x08;
    expect(decodeSrh(srh).hmacKeyId).toBe(26);
  });

  it('rejects malformed headers', () => {
    expect(() => decodeSrh(Buffer.alloc(4))).toThrow(DecodeError);
    const srh = encodeSrh({ segments: ['fc00:a::1', 'fc00:b::100'] });
    expect(() => decodeSrh(srh.subarray(0, 24))).toThrow(/hdrlen/);
    const wrongType = Buffer.from(srh);
    wrongType[2] = 3;
    expect(() => decodeSrh(wrongType)).toThrow(/routing type/);
    const overflow = Buffer.from(srh);
    overflow[4] = 2;
    expect(() => decodeSrh(overflow)).toThrow(/first_segment/);
  });
});
