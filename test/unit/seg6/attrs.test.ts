import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  align4,
  attrBytes,
  attrNested,
  attrString,
  attrU16,
  attrU32,
  attrU64,
  attrU8,
  attrsSize,
  encodeAttrs,
  parseAttrs,
  readString,
  readU16,
  readU32,
  readU64,
  readU8,
} from '../../../src/dataplane/seg6/attrs.js';

const hex = (b: Buffer) => b.toString('hex');

describe('netlink attributes', () => {
  it('align4', () => {
    expect([0, 1, 2, 3, 4, 5, 8].map(align4)).toEqual([0, 4, 4, 4, 4, 8, 8]);
  });

  it('integers are host order (little-endian), nla_len is unpadded, padding is zero', () => {
    expect(hex(encodeAttrs([attrU8(2, 0x20)]))).toBe('05000200' + '20000000');
    expect(hex(encodeAttrs([attrU16(21, 5)]))).toBe('06001500' + '05000000');
    expect(hex(encodeAttrs([attrU32(1, 6)]))).toBe('08000100' + '06000000');
    expect(hex(encodeAttrs([attrU32(1, 0xffffffff)]))).toBe('08000100ffffffff');
    expect(hex(encodeAttrs([attrU64(2, 0x0102030405060708n)]))).toBe('0c000200' + '0807060504030201');
    expect(hex(encodeAttrs([attrString(2, 'ab')]))).toBe('07000200' + '61620000');
    expect(hex(encodeAttrs([attrBytes(4, Uint8Array.of(10, 1, 0, 2))]))).toBe('080004000a010002');
    expect(hex(encodeAttrs([attrBytes(9, new Uint8Array(0))]))).toBe('04000900');
  });

  it('nested attributes carry NLA_F_NESTED and the length of their children', () => {
    const buf = encodeAttrs([attrNested(10, [attrU64(2, 0n), attrU64(3, 0n), attrU64(4, 0n)])]);
    expect(buf.length).toBe(40);
    expect(hex(buf.subarray(0, 4))).toBe('2800' + '0a80');
    expect(attrsSize([attrNested(10, [attrU8(1, 1)])])).toBe(12);
  });

  it('parseAttrs masks the flags, handles padding, and keeps the last of a repeated type', () => {
    const buf = encodeAttrs([attrU8(1, 7), attrNested(2, [attrU32(1, 9)]), attrString(3, 'name'), attrU32(1, 8)]);
    const a = parseAttrs(buf);
    expect([...a.keys()].sort()).toEqual([1, 2, 3]);
    expect(readU32(a.get(1))).toBe(8);
    expect(readU32(parseAttrs(a.get(2)!).get(1))).toBe(9);
    expect(readString(a.get(3))).toBe('name');
  });

  it('parseAttrs walks a sub-range (after a fixed header)', () => {
    const body = Buffer.concat([Buffer.alloc(12, 0xee), encodeAttrs([attrU16(7, 5)])]);
    expect(readU16(parseAttrs(body, 12).get(7))).toBe(5);
  });

  it('parseAttrs refuses lengths that are too short or overrun', () => {
    expect(() => parseAttrs(Buffer.from('03000100', 'hex'))).toThrow(DecodeError);
    expect(() => parseAttrs(Buffer.from('0c00010000000000', 'hex'))).toThrow(DecodeError);
    expect(parseAttrs(Buffer.from('08000100010000', 'hex').subarray(0, 3)).size).toBe(0); // < one header: nothing
  });

  it('readers return undefined for missing or short payloads', () => {
    expect(readU8(undefined)).toBeUndefined();
    expect(readU16(Buffer.alloc(1))).toBeUndefined();
    expect(readU32(Buffer.alloc(3))).toBeUndefined();
    expect(readU64(Buffer.alloc(7))).toBeUndefined();
    expect(readU64(Buffer.from('0807060504030201', 'hex'))).toBe(0x0102030405060708n);
    expect(readString(undefined)).toBeUndefined();
    expect(readString(Buffer.from('abc'))).toBe('abc'); // no NUL: whole payload
  });
});
