import { describe, expect, it } from 'vitest';
import { ProtoReader } from '../../../../src/common/grpc/proto-reader.js';
import { optionalTimestampToProto, timestampFromProto, timestampToProto } from '../../../../src/controller/grpc/codecs/timestamp.js';

const back = (time: string): string | undefined => timestampFromProto(new ProtoReader(), 't', { ...timestampToProto(time), seconds: String(timestampToProto(time).seconds) } as never);

describe('timestamps', () => {
  it('round-trip toISOString output and finer fractions exactly', () => {
    for (const t of ['2025-01-02T03:04:05.678Z', '1970-01-01T00:00:00.000Z', '2025-01-02T03:04:05.000001Z', '2025-01-02T03:04:05.123456789Z', '0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '1969-12-31T23:59:59.500Z']) {
      expect(back(t)).toBe(t);
    }
  });

  it('normalize offsets and short fractions to UTC with milliseconds', () => {
    expect(back('2025-01-02T05:04:05+02:00')).toBe('2025-01-02T03:04:05.000Z');
    expect(back('2025-01-02T03:04:05.5Z')).toBe('2025-01-02T03:04:05.500Z');
    expect(timestampToProto('2025-01-02T03:04:05.123456789Z')).toEqual({ seconds: '1735787045', nanos: 123456789 });
  });

  it('refuse domain strings that are not RFC 3339 (a bug upstream), treat "" as absent', () => {
    expect(() => timestampToProto('yesterday')).toThrow(/not an RFC 3339 time/);
    expect(() => timestampToProto('2025-13-02T03:04:05Z')).toThrow(/not an RFC 3339 time/);
    expect(optionalTimestampToProto('')).toBeNull();
    expect(optionalTimestampToProto(undefined)).toBeNull();
  });

  it('report missing and out-of-range timestamps', () => {
    const r = new ProtoReader();
    expect(timestampFromProto(r, 'a', null)).toBeUndefined();
    expect(timestampFromProto(r, 'b', null, false)).toBeUndefined();
    expect(timestampFromProto(r, 'c', { seconds: '253402300800', nanos: 0 })).toBeUndefined();
    expect(timestampFromProto(r, 'd', { seconds: '0', nanos: -1 })).toBeUndefined();
    expect(r.violations.list.map((v) => v.field)).toEqual(['a', 'c.seconds', 'd.nanos']);
  });
});
