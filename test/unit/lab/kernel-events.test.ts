import { describe, expect, it } from 'vitest';
import { isCountedEvent } from '../../../src/lab/kernel-events.js';

describe('kernel change counting', () => {
  it('counts routes, nexthops and rules someone installed or removed', () => {
    for (const line of [
      'id 7 encap seg6 mode encap segs 2 [ fc00:2:0:1:: fc00:5:0:1:: ] dev eth2 scope link proto 200',
      '10.2.0.0/24 nhid 7 proto 200',
      'Deleted fc00:2:0:3:: encap seg6local action End.DX4 nh4 169.254.0.2 count dev sfc0001i proto 200 metric 1024 pref medium',
      '20000: from all iif sfc0001o lookup 1001 proto 200',
    ]) {
      expect(isCountedEvent(line), line).toBe(true);
    }
  });

  it('leaves out the kernel bookkeeping that follows address and link changes', () => {
    for (const line of [
      'local 169.254.0.1 dev sfc0001i table local proto kernel scope host src 169.254.0.1',
      'broadcast 169.254.0.3 dev sfc0001i table local proto kernel scope link src 169.254.0.1',
      'fe80::/64 dev sfc0001i proto kernel metric 256 pref medium',
      'Deleted local fd53:6663::1 dev sfc0001i table local proto kernel metric 0 pref medium',
      'multicast ff00::/8 dev sfc0001i table local proto kernel metric 256 pref medium',
      '',
    ]) {
      expect(isCountedEvent(line), line).toBe(false);
    }
  });
});
