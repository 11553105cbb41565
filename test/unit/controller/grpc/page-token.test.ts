import { describe, expect, it } from 'vitest';
import { ProtoReader } from '../../../../src/common/grpc/proto-reader.js';
import { encodePageToken, pageRequestFromProto, takePage } from '../../../../src/controller/grpc/codecs/page-token.js';

const names = Array.from({ length: 7 }, (_, i) => `chains/c${i}`);

function page(pageSize: number, pageToken: string, query = 'q') {
  const r = new ProtoReader();
  const p = pageRequestFromProto(r, { pageSize, pageToken }, query);
  return { p, violations: r.violations.list };
}

describe('page tokens', () => {
  it('walk a list in pages without repeats or gaps, the last page without a token', () => {
    const seen: string[] = [];
    let token = '';
    for (let calls = 0; calls < 10; calls++) {
      const { p } = page(3, token);
      const res = takePage(names, (n) => n, p);
      seen.push(...res.items);
      token = res.nextPageToken;
      if (!token) break;
    }
    expect(seen).toEqual(names);
  });

  it('keep their place when resources are created or deleted between pages', () => {
    const first = takePage(names, (n) => n, page(3, '').p);
    const changed = names.filter((n) => n !== 'chains/c1' && n !== 'chains/c3').concat('chains/c0a').sort();
    const second = takePage(changed, (n) => n, page(3, first.nextPageToken).p);
    expect(second.items).toEqual(['chains/c4', 'chains/c5', 'chains/c6']);
    expect(second.nextPageToken).toBe('');
  });

  it('are opaque base64url, bound to the query', () => {
    const token = encodePageToken('chains/c2', 'q');
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(page(0, token).p).toEqual({ size: 100, after: 'chains/c2', query: 'q' });
    expect(page(0, token, 'other').violations.map((v) => v.field)).toEqual(['page_token']);
    expect(page(0, 'not a token').violations.map((v) => v.field)).toEqual(['page_token']);
    expect(page(0, Buffer.from('{"v":2,"after":"x","q":"y"}').toString('base64url')).violations.map((v) => v.field)).toEqual(['page_token']);
  });

  it('default, cap and refuse page sizes', () => {
    expect(page(0, '').p.size).toBe(100);
    expect(page(7, '').p.size).toBe(7);
    expect(page(1001, '').p.size).toBe(1000);
    expect(page(-5, '').violations).toEqual([{ field: 'page_size', description: 'must not be negative, got -5' }]);
  });

  it('give no token when the page ends exactly at the end', () => {
    expect(takePage(names.slice(0, 3), (n) => n, page(3, '').p).nextPageToken).toBe('');
    expect(takePage([], (n: string) => n, page(3, '').p)).toEqual({ items: [], nextPageToken: '' });
  });
});
