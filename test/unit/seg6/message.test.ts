/** Netlink framing: nlmsghdr {u32 len, u16 type, u16 flags, u32 seq, u32 pid}, host order, 4-aligned. */
import { describe, expect, it } from 'vitest';
import { DecodeError, attrU32, attrU8 } from '../../../src/dataplane/seg6/attrs.js';
import * as K from '../../../src/dataplane/seg6/constants.js';
import {
  type NetlinkRequest,
  NLMSG_HDRLEN,
  encodeRequest,
  errorCode,
  isDone,
  isError,
  parseMessages,
  requestSize,
  writeRequest,
} from '../../../src/dataplane/seg6/message.js';

const REQ: NetlinkRequest = { type: K.RTM_NEWROUTE, flags: K.NLM_F_REQUEST | K.NLM_F_ACK, header: Uint8Array.of(10, 64, 0, 0, 254, 200, 0, 1, 0, 0, 0, 0), attrs: [attrU32(K.RTA_TABLE, 254)] };

function nlmsg(type: number, flags: number, seq: number, body: Buffer): Buffer {
  const h = Buffer.alloc(NLMSG_HDRLEN);
  h.writeUInt32LE(NLMSG_HDRLEN + body.length, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  h.writeUInt32LE(seq, 8);
  h.writeUInt32LE(4242, 12);
  const pad = Buffer.alloc((4 - (body.length % 4)) % 4);
  return Buffer.concat([h, body, pad]);
}

describe('encodeRequest', () => {
  it('frames header, fixed header and attributes', () => {
    const buf = encodeRequest(REQ, 0xdeadbeef);
    expect(buf.length).toBe(requestSize(REQ));
    expect(buf.length).toBe(16 + 12 + 8);
    expect(buf.subarray(0, 16).toString('hex')).toBe('24000000' + '1800' + '0500' + 'efbeadde' + '00000000');
    expect([...buf.subarray(16, 28)]).toEqual([...REQ.header]);
    expect(buf.subarray(28).toString('hex')).toBe('08000f00fe000000');
  });

  it('pads a fixed header that is not a multiple of 4', () => {
    const r: NetlinkRequest = { type: 1, flags: 1, header: Uint8Array.of(1, 2, 3, 4, 5), attrs: [attrU8(1, 9)] };
    const buf = encodeRequest(r, 1);
    expect(buf.length).toBe(16 + 8 + 8);
    expect(buf.subarray(16, 24).toString('hex')).toBe('0102030405000000');
  });

  it('several requests share one buffer and parse back in order', () => {
    const buf = Buffer.alloc(requestSize(REQ) * 3);
    let off = 0;
    for (let seq = 1; seq <= 3; seq++) off = writeRequest(buf, off, REQ, seq);
    expect(off).toBe(buf.length);
    const ms = parseMessages(buf);
    expect(ms.map((m) => [m.type, m.flags, m.seq, m.pid, m.body.length])).toEqual([
      [K.RTM_NEWROUTE, 5, 1, 0, 20],
      [K.RTM_NEWROUTE, 5, 2, 0, 20],
      [K.RTM_NEWROUTE, 5, 3, 0, 20],
    ]);
  });
});

describe('parseMessages', () => {
  it('splits a datagram with several messages, unaligned lengths included', () => {
    const buf = Buffer.concat([nlmsg(K.RTM_NEWROUTE, K.NLM_F_MULTI, 7, Buffer.from('0102030405', 'hex')), nlmsg(K.NLMSG_ERROR, 0, 8, Buffer.alloc(4)), nlmsg(K.NLMSG_DONE, K.NLM_F_MULTI, 9, Buffer.alloc(4))]);
    const ms = parseMessages(buf);
    expect(ms).toHaveLength(3);
    expect(ms[0]!.body.toString('hex')).toBe('0102030405');
    expect(ms[0]!.pid).toBe(4242);
    expect(ms.map(isError)).toEqual([false, true, false]);
    expect(ms.map(isDone)).toEqual([false, false, true]);
    expect(parseMessages(Buffer.alloc(0))).toEqual([]);
  });

  it('a bad length is a DecodeError', () => {
    const tooShort = nlmsg(K.RTM_NEWROUTE, 0, 1, Buffer.alloc(4));
    tooShort.writeUInt32LE(8, 0);
    expect(() => parseMessages(tooShort)).toThrow(DecodeError);
    const overrun = nlmsg(K.RTM_NEWROUTE, 0, 1, Buffer.alloc(4));
    overrun.writeUInt32LE(64, 0);
    expect(() => parseMessages(overrun)).toThrow(/bad length 64/);
    const second = Buffer.concat([nlmsg(K.NLMSG_DONE, 0, 1, Buffer.alloc(4)), Buffer.from('ffff0000' + '00'.repeat(12), 'hex')]);
    expect(() => parseMessages(second)).toThrow(/message at 20/);
  });
});

describe('errorCode', () => {
  const err = (errno: number, extra = Buffer.alloc(16)) => {
    const body = Buffer.alloc(4);
    body.writeInt32LE(errno);
    return parseMessages(nlmsg(K.NLMSG_ERROR, 0, 1, Buffer.concat([body, extra])))[0]!;
  };

  it('an ACK is 0 (not -0), an error its positive errno', () => {
    expect(errorCode(err(0))).toBe(0);
    expect(Object.is(errorCode(err(0)), 0)).toBe(true);
    expect(errorCode(err(-17))).toBe(17); // EEXIST
    expect(errorCode(err(-22))).toBe(22); // EINVAL
  });

  it('refuses anything else', () => {
    expect(() => errorCode(parseMessages(nlmsg(K.NLMSG_DONE, 0, 1, Buffer.alloc(4)))[0]!)).toThrow(DecodeError);
    expect(() => errorCode(parseMessages(nlmsg(K.NLMSG_ERROR, 0, 1, Buffer.alloc(0)))[0]!)).toThrow(DecodeError);
  });
});
