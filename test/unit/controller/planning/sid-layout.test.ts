import { describe, expect, it } from 'vitest';
import { fidOf, locatorAddress, reservedFids, sidLayout, sidOf } from '../../../../src/controller/planning/sid-layout.js';
import { instanceId, INSTANCE_ID } from '../../../../src/controller/planning/instance-id.js';

describe('SID layout (LOC:FUNCT, 16-bit function id right after the locator)', () => {
  it('puts the function id right after a /48 locator', () => {
    const l = sidLayout('fc00:2::/48')!;
    expect(l).toMatchObject({ locator: 'fc00:2::/48', length: 48, bits: 16, maxFid: 65535 });
    expect(sidOf(l, 1)).toBe('fc00:2:0:1::');
    expect(sidOf(l, 0xbeef)).toBe('fc00:2:0:beef::');
    expect(fidOf(l, 'fc00:2:0:beef::')).toBe(0xbeef);
  });

  it('works for /64 and clears host bits of a sloppy locator', () => {
    const l = sidLayout('fc00:0:0:7:ffff::/64')!;
    expect(l.locator).toBe('fc00:0:0:7::/64');
    expect(sidOf(l, 5)).toBe('fc00:0:0:7:5::');
  });

  it('shrinks the function field for tiny locators (/126: ids 0..3)', () => {
    const l = sidLayout('fc00:9::/126')!;
    expect(l.bits).toBe(2);
    expect(l.maxFid).toBe(3);
    expect([1, 2, 3].map((f) => sidOf(l, f))).toEqual(['fc00:9::1', 'fc00:9::2', 'fc00:9::3']);
  });

  it('fidOf refuses addresses outside the locator or with argument bits', () => {
    const l = sidLayout('fc00:2::/48')!;
    expect(fidOf(l, 'fc00:3:0:1::')).toBeUndefined();
    expect(fidOf(l, 'fc00:2:0:1::1')).toBeUndefined();
    expect(fidOf(l, 'not-an-address')).toBeUndefined();
  });

  it('reserves id 0 and the id the tunnel source would take', () => {
    const big = sidLayout('fc00:2::/48')!;
    expect(locatorAddress(big)).toBe('fc00:2::1');
    expect([...reservedFids(big, 'fc00:2::1')]).toEqual([0]); // ::1 lies in id 0's block
    const tiny = sidLayout('fc00:9::/126')!;
    expect([...reservedFids(tiny, locatorAddress(tiny))].sort()).toEqual([0, 1]);
  });

  it('is undefined for IPv4 or garbage', () => {
    expect(sidLayout('10.0.0.0/8')).toBeUndefined();
    expect(sidLayout('nope')).toBeUndefined();
  });
});

describe('instance ids', () => {
  it('reads <chain>-<function> when it fits', () => {
    expect(instanceId('web', 'fw', () => false)).toBe('web-fw');
  });

  it('shortens long names with a stable hash, always valid', () => {
    const a = instanceId('a-very-long-chain-name-for-tests', 'firewall-number-one', () => false);
    expect(a).toMatch(INSTANCE_ID);
    expect(a.length).toBeLessThanOrEqual(24);
    expect(a.startsWith('a-very-long-chain')).toBe(true);
    expect(instanceId('a-very-long-chain-name-for-tests', 'firewall-number-one', () => false)).toBe(a);
    expect(instanceId('a-very-long-chain-name-for-tests', 'firewall-number-two', () => false)).not.toBe(a);
  });

  it('separates look-alikes on one node', () => {
    const taken = new Set([instanceId('a-b', 'c', () => false)]);
    const other = instanceId('a', 'b-c', (x) => taken.has(x));
    expect([...taken]).toEqual(['a-b-c']);
    expect(other).toMatch(/^a-b-c-[0-9a-f]{6}$/);
  });
});
