/**
 * Objects whose kernel bytes are captured as golden data: each is added with iproute2 (`ip` args)
 * in a throwaway namespace, dumped raw, and committed (seg6-golden.json). The unit tests then prove
 * our encoder writes those exact bytes and our decoder reads them back to the same object.
 * Setup in the capture namespace: veth d0/d1 up, HMAC key 7 set. Not captured: End.DT4/End.DT46/
 * End.DT6 vrftable (need VRF, absent on this kernel) and End.BPF (needs a loaded program).
 */
import type { Nexthop } from '../../src/dataplane/seg6/nexthop.js';
import type { Route } from '../../src/dataplane/seg6/route.js';

export const GOLDEN_TABLE = 100;

export interface RouteCase {
  readonly name: string;
  /** Arguments after `ip -6 route add <dst>`; table/proto are appended by the capture. */
  readonly ip: string;
  readonly route: Route;
}

export interface NexthopCase {
  readonly name: string;
  /** Arguments after `ip [-6] nexthop add id <id>`. */
  readonly ip: string;
  readonly nexthop: Nexthop;
}

const SEGS = ['fc00:a::1', 'fc00:b::100'];
const seg6Route = (n: number, mode: 'inline' | 'encap' | 'l2encap' | 'encap.red' | 'l2encap.red', extra: Partial<{ tag: number; hmacKeyId: number }> = {}, segs = SEGS): Route => ({
  family: 6,
  dst: `fc00:${n}::/64`,
  dev: 'd0',
  encap: { type: 'seg6', mode, segments: segs, ...extra },
});
const sidRoute = (n: number, encap: Route['encap']): Route => ({ family: 6, dst: `fc00:f::${n.toString(16)}/128`, dev: 'd0', encap });

export const ROUTE_CASES: RouteCase[] = [
  { name: 'seg6 encap', ip: 'encap seg6 mode encap segs fc00:a::1,fc00:b::100 dev d0', route: seg6Route(1, 'encap') },
  { name: 'seg6 inline', ip: 'encap seg6 mode inline segs fc00:a::1,fc00:b::100 dev d0', route: seg6Route(2, 'inline') },
  { name: 'seg6 l2encap', ip: 'encap seg6 mode l2encap segs fc00:a::1,fc00:b::100 dev d0', route: seg6Route(3, 'l2encap') },
  { name: 'seg6 encap.red', ip: 'encap seg6 mode encap.red segs fc00:a::1,fc00:b::100 dev d0', route: seg6Route(4, 'encap.red') },
  { name: 'seg6 l2encap.red one SID', ip: 'encap seg6 mode l2encap.red segs fc00:a::1 dev d0', route: seg6Route(5, 'l2encap.red', {}, ['fc00:a::1']) },
  { name: 'seg6 encap hmac', ip: 'encap seg6 mode encap segs fc00:a::1,fc00:b::100 hmac 7 dev d0', route: seg6Route(6, 'encap', { hmacKeyId: 7 }) },
  {
    name: 'seg6 encap 5 SIDs',
    ip: 'encap seg6 mode encap segs fc00:1::1,fc00:2::2,fc00:3::3,fc00:4::4,fc00:5::5 dev d0',
    route: seg6Route(7, 'encap', {}, ['fc00:1::1', 'fc00:2::2', 'fc00:3::3', 'fc00:4::4', 'fc00:5::5']),
  },
  { name: 'End', ip: 'encap seg6local action End dev d0', route: sidRoute(1, { type: 'seg6local', behavior: { action: 'End' } }) },
  {
    name: 'End psp,next-csid',
    ip: 'encap seg6local action End flavors psp,next-csid lblen 32 nflen 16 dev d0',
    route: sidRoute(2, { type: 'seg6local', behavior: { action: 'End', flavors: { operations: ['psp', 'next-csid'], lblen: 32, nflen: 16 } } }),
  },
  { name: 'End psp', ip: 'encap seg6local action End flavors psp dev d0', route: sidRoute(3, { type: 'seg6local', behavior: { action: 'End', flavors: { operations: ['psp'] } } }) },
  {
    name: 'End.X next-csid count',
    ip: 'encap seg6local action End.X nh6 fc00::2 count flavors next-csid lblen 48 nflen 16 dev d0',
    route: sidRoute(4, { type: 'seg6local', behavior: { action: 'End.X', nh6: 'fc00::2', flavors: { operations: ['next-csid'], lblen: 48, nflen: 16 } }, count: true }),
  },
  { name: 'End.T', ip: 'encap seg6local action End.T table 77 dev d0', route: sidRoute(5, { type: 'seg6local', behavior: { action: 'End.T', table: 77 } }) },
  { name: 'End.DX2', ip: 'encap seg6local action End.DX2 oif d1 dev d0', route: sidRoute(6, { type: 'seg6local', behavior: { action: 'End.DX2', oif: 'd1' } }) },
  { name: 'End.DX6 count', ip: 'encap seg6local action End.DX6 nh6 :: count dev d0', route: sidRoute(7, { type: 'seg6local', behavior: { action: 'End.DX6', nh6: '::' }, count: true }) },
  { name: 'End.DX4 count', ip: 'encap seg6local action End.DX4 nh4 10.1.0.2 count dev d0', route: sidRoute(8, { type: 'seg6local', behavior: { action: 'End.DX4', nh4: '10.1.0.2' }, count: true }) },
  { name: 'End.DX4 decap-lookup', ip: 'encap seg6local action End.DX4 nh4 0.0.0.0 dev d0', route: sidRoute(9, { type: 'seg6local', behavior: { action: 'End.DX4', nh4: '0.0.0.0' } }) },
  { name: 'End.DT6 legacy table', ip: 'encap seg6local action End.DT6 table 100 dev d0', route: sidRoute(10, { type: 'seg6local', behavior: { action: 'End.DT6', table: 100 } }) },
  {
    name: 'End.B6',
    ip: 'encap seg6local action End.B6 srh segs fc00:a::1,fc00:b::2 dev d0',
    route: sidRoute(11, { type: 'seg6local', behavior: { action: 'End.B6', segments: ['fc00:a::1', 'fc00:b::2'] } }),
  },
  {
    name: 'End.B6.Encaps',
    ip: 'encap seg6local action End.B6.Encaps srh segs fc00:a::1,fc00:b::2 dev d0',
    route: sidRoute(12, { type: 'seg6local', behavior: { action: 'End.B6.Encaps', segments: ['fc00:a::1', 'fc00:b::2'] } }),
  },
  {
    name: 'End.B6.Encaps hmac',
    ip: 'encap seg6local action End.B6.Encaps srh segs fc00:a::1 hmac 7 dev d0',
    route: sidRoute(13, { type: 'seg6local', behavior: { action: 'End.B6.Encaps', segments: ['fc00:a::1'], hmacKeyId: 7 } }),
  },
];

export const NEXTHOP_CASES: NexthopCase[] = [
  {
    name: 'IPv6 seg6 nexthop, 3 SIDs',
    ip: '-6 nexthop add id 11 encap seg6 mode encap segs fc00:a::1,fc00:b::2,fc00:c::3 dev d0',
    nexthop: { id: 11, family: 6, dev: 'd0', encap: { type: 'seg6', mode: 'encap', segments: ['fc00:a::1', 'fc00:b::2', 'fc00:c::3'] } },
  },
  {
    name: 'IPv4 seg6 nexthop',
    ip: 'nexthop add id 10 encap seg6 mode encap segs fc00:a::1,fc00:b::100 dev d0',
    nexthop: { id: 10, family: 4, dev: 'd0', encap: { type: 'seg6', mode: 'encap', segments: SEGS } },
  },
  {
    name: 'IPv6 seg6 nexthop encap.red',
    ip: '-6 nexthop add id 12 encap seg6 mode encap.red segs fc00:a::1,fc00:b::2 dev d0',
    nexthop: { id: 12, family: 6, dev: 'd0', encap: { type: 'seg6', mode: 'encap.red', segments: ['fc00:a::1', 'fc00:b::2'] } },
  },
];
