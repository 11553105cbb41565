/**
 * The dataplane demo's lab, as data: which nodes, which SIDs, which chains. Pure.
 *
 *   client ── edge ── fn1 ── fn2 ── egress ── server
 *   10.1.0.0/24   fc00:1   fc00:2  fc00:3  fc00:4   10.2.0.0/24
 *
 * fn1 and fn2 stand in for SR-aware functions: an End SID each (a real VNF comes later). The edge
 * holds the chain as ONE IPv4 nexthop object `[fn1 End, fn2 End, egress End.DX4]` that the classifier
 * route 10.2.0.0/24 points at; egress decapsulates into its main table. Replies are encapsulated at
 * egress through its own nexthop to the edge's End.DX4. Changing the chain = replacing the edge
 * nexthop; nothing else anywhere changes.
 */
import type { Nexthop } from '../../dataplane/seg6/nexthop.js';
import type { Route } from '../../dataplane/seg6/route.js';
import type { Seg6LocalBehavior } from '../../dataplane/seg6/seg6local.js';
import { type LinePlan, lineTopology } from '../line-topology.js';

export const DEMO_PREFIX = 'sfc-demo-';

export const FUNCTIONS = ['fn1', 'fn2'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];
export type Chain = readonly FunctionName[];

export const CLIENT_SUBNET = '10.1.0.0/24';
export const SERVER_SUBNET = '10.2.0.0/24';

export const PLAN: LinePlan = lineTopology({
  left: { name: 'client', subnet: CLIENT_SUBNET },
  routers: ['edge', ...FUNCTIONS, 'egress'],
  right: { name: 'server', subnet: SERVER_SUBNET },
  // 1500-byte customer frames + 40 (IPv6) + 8 (SRH) + 16 × segments must fit: jumbo underlay,
  // as SRv6 fabrics run. Without it, TCP stalls silently (see notes: the MTU trap).
  underlayMtu: 9000,
});

export const SERVER_ADDRESS = '10.2.0.2';
export const CLIENT_ADDRESS = '10.1.0.2';

const locatorOf = (node: string): string => {
  const r = PLAN.routers.find((x) => x.name === node);
  if (!r) throw new Error(`${node} is not a router`);
  return r.locator;
};
/** A SID in node's locator: `fc00:2::/48` + `e` → `fc00:2::e`. */
const sidIn = (node: string, fn: string): string => locatorOf(node).replace('::/48', `::${fn}`);

export interface SidSpec {
  /** `node/behaviour`, the key of counters in the demo's output. */
  readonly key: string;
  readonly node: string;
  readonly sid: string;
  readonly behavior: Seg6LocalBehavior;
  /** Forward SIDs are visited by client → server packets, return SIDs by the replies. */
  readonly direction: 'forward' | 'return';
  /** Set on function SIDs: they are in the path only while their function is in the chain. */
  readonly fn?: FunctionName;
}

const dx4: Seg6LocalBehavior = { action: 'End.DX4', nh4: '0.0.0.0' }; // decap, look the inner DA up in main
const end: Seg6LocalBehavior = { action: 'End' };

export const SIDS: readonly SidSpec[] = [
  ...FUNCTIONS.map((fn): SidSpec => ({ key: `${fn}/End`, node: fn, sid: sidIn(fn, 'e'), behavior: end, direction: 'forward', fn })),
  { key: 'egress/End.DX4', node: 'egress', sid: sidIn('egress', 'd4'), behavior: dx4, direction: 'forward' },
  { key: 'edge/End.DX4', node: 'edge', sid: sidIn('edge', 'd4'), behavior: dx4, direction: 'return' },
];

const sidOf = (key: string): string => SIDS.find((s) => s.key === key)!.sid;

/**
 * The SID route on its node; `count` makes the kernel keep the per-SID counters the demo reads. The
 * device is nominal for a seg6local route (the action decides where the packet goes) but must not be
 * lo: the kernel makes IPv6 routes via lo reject routes, so a SID there drops everything (Ip6InNoRoutes).
 */
export const sidRoute = (s: SidSpec): Route => ({
  family: 6,
  dst: `${s.sid}/128`,
  dev: PLAN.coreIfname(s.node),
  encap: { type: 'seg6local', behavior: s.behavior, count: true },
});

export const CHAIN_NHID = 100;
export const RETURN_NHID = 200;

/** The segment list, in travel order: the chain's functions, then the egress decap SID. */
export const segmentsOf = (chain: Chain): string[] => [...chain.map((fn) => sidOf(`${fn}/End`)), sidOf('egress/End.DX4')];

/** The edge's chain nexthop (IPv4: it serves the IPv4 classifier route). */
export const chainNexthop = (chain: Chain): Nexthop => ({
  id: CHAIN_NHID,
  family: 4,
  dev: PLAN.ifname('edge', 'fn1'),
  encap: { type: 'seg6', mode: 'encap', segments: segmentsOf(chain) },
});

export const classifierRoute: Route = { family: 4, dst: SERVER_SUBNET, nhid: CHAIN_NHID };

export const returnNexthop: Nexthop = {
  id: RETURN_NHID,
  family: 4,
  dev: PLAN.ifname('egress', 'fn2'),
  encap: { type: 'seg6', mode: 'encap', segments: [sidOf('edge/End.DX4')] },
};

export const returnRoute: Route = { family: 4, dst: CLIENT_SUBNET, nhid: RETURN_NHID };

export const INITIAL_CHAIN: Chain = ['fn1', 'fn2'];

export interface Reconfiguration {
  readonly label: string;
  readonly chain: Chain;
}

/** The live changes, in order; the last one restores the initial chain. */
export const RECONFIGURATIONS: readonly Reconfiguration[] = [
  { label: 'remove fn1', chain: ['fn2'] },
  { label: 'reorder to fn2 → fn1', chain: ['fn2', 'fn1'] },
  { label: 'restore fn1 → fn2', chain: ['fn1', 'fn2'] },
];

export const formatChain = (chain: Chain): string => [...chain, 'egress'].join(' → ');
