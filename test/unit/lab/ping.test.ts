/** Parsing iputils ping output (`-D -n`), as printed by iputils 20221126. */
import { describe, expect, it } from 'vitest';
import { parsePing } from '../../../src/lab/ping.js';

const output = `PING 10.2.0.2 (10.2.0.2) 56(84) bytes of data.
[1795247145.367244] 64 bytes from 10.2.0.2: icmp_seq=1 ttl=62 time=0.213 ms
[1795247145.372017] 64 bytes from 10.2.0.2: icmp_seq=2 ttl=62 time=0.003 ms
[1795247145.372050] 64 bytes from 10.2.0.2: icmp_seq=2 ttl=62 time=0.036 ms (DUP!)
[1795247145.382023] 64 bytes from 10.2.0.2: icmp_seq=4 ttl=62 time=1.5 ms

--- 10.2.0.2 ping statistics ---
4 packets transmitted, 3 received, +1 duplicates, 25% packet loss, time 15ms
rtt min/avg/max/mdev = 0.003/0.073/0.213/0.098 ms
`;

describe('parsePing', () => {
  it('reads the summary and one reply per sequence number, with its send time', () => {
    const r = parsePing(output);
    expect([r.transmitted, r.received, r.lost]).toEqual([4, 3, 1]);
    expect(r.replies.map((x) => x.seq)).toEqual([1, 2, 4]);
    expect(r.replies[2]!.sentAt).toBeCloseTo(1795247145382.023 - 1.5, 3);
  });

  it('throws when ping printed no statistics', () => {
    expect(() => parsePing('ping: connect: Network is unreachable\n')).toThrow(/no statistics.*unreachable/);
  });
});
