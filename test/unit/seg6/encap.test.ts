/** The one interface over both lwtunnel encaps: type number, validate, encode, decode, format, normalize. */
import { describe, expect, it } from 'vitest';
import { Violations } from '../../../src/common/errors.js';
import { DecodeError, encodeAttrs } from '../../../src/dataplane/seg6/attrs.js';
import {
  type LwtEncap,
  decodeEncap,
  encapAttrs,
  encapTypeNumber,
  formatEncap,
  normalizeEncap,
  validateEncap,
} from '../../../src/dataplane/seg6/encap.js';
import { STUB_LINKS } from '../support/links.js';

const links = STUB_LINKS;

const SEG6: LwtEncap = { type: 'seg6', mode: 'encap', segments: ['fc00:a::1', 'fc00:b::100'] };
const LOCAL: LwtEncap = { type: 'seg6local', behavior: { action: 'End.DX2', oif: 'd1' }, count: true };

describe('lwtunnel encap', () => {
  it('type numbers: SEG6 5, SEG6_LOCAL 7', () => {
    expect(encapTypeNumber(SEG6)).toBe(5);
    expect(encapTypeNumber(LOCAL)).toBe(7);
  });

  it('round-trips both kinds, resolving interface names through LinkNames', () => {
    expect(decodeEncap(5, encodeAttrs(encapAttrs(SEG6, links)), links)).toEqual(SEG6);
    const bytes = encodeAttrs(encapAttrs(LOCAL, links));
    expect(bytes.subarray(8, 16).toString('hex')).toBe('0800070006000000'); // OIF = index of d1
    expect(decodeEncap(7, bytes, links)).toEqual({ ...LOCAL, counters: { packets: 0n, bytes: 0n, errors: 0n } });
  });

  it('other lwtunnel types are not ours', () => {
    expect(() => decodeEncap(6, Buffer.alloc(0), links)).toThrow(DecodeError);
  });

  it('validates by type and names the path it is given', () => {
    const v = new Violations();
    validateEncap({ type: 'seg6', mode: 'encap', segments: [] }, v, 'route.encap');
    validateEncap({ type: 'seg6local', behavior: { action: 'End.DX4' } } as unknown as LwtEncap, v, 'x.encap');
    validateEncap({ type: 'mpls' } as unknown as LwtEncap, v);
    expect(v.list.map((x) => x.field)).toEqual(['route.encap.segments', 'x.encap.behavior.nh4', 'encap.type']);
  });

  it('formats and normalizes by type', () => {
    expect(formatEncap(SEG6)).toBe('encap seg6 mode encap segs 2 [ fc00:a::1 fc00:b::100 ]');
    const dumped = decodeEncap(7, encodeAttrs(encapAttrs(LOCAL, links)), links);
    expect(formatEncap(dumped)).toBe('encap seg6local action End.DX2 oif d1');
    expect(formatEncap(dumped, true)).toBe('encap seg6local action End.DX2 oif d1 packets 0 bytes 0 errors 0');
    expect(normalizeEncap(dumped)).toEqual(LOCAL);
    expect(normalizeEncap({ type: 'seg6', mode: 'encap', segments: ['FC00:A::1'] })).toEqual({ type: 'seg6', mode: 'encap', segments: ['fc00:a::1'] });
  });
});
