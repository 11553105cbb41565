/**
 * A line of nodes, `host — r1 — r2 — ... — rN — host`, planned without touching anything: names,
 * addresses, links and the static underlay routes every SRv6 router needs. Pure, so the addressing
 * rules are unit-tested and the lab code only carries the plan out.
 *
 * Addressing (one rule each, so a reader can predict every address):
 * - router i (1-based, in line order) owns locator fc00:i::/48; fc00:i::1/128 on lo is its tunnel
 *   source, so encapsulated packets and ICMP errors about them come from a routed address;
 * - underlay link k (router k — router k+1) is fd00:k::/64, ::1 on the left, ::2 on the right;
 * - each customer host sits in its IPv4 /24: the router is .1, the host .2 and its default gateway;
 * - an interface is named after its peer, `sfc-<peer>` (so `ip -n sfc-demo-edge link` reads as a map).
 */

export interface LineHost {
  readonly name: string;
  /** The host's IPv4 subnet, a /24 such as 10.1.0.0/24. */
  readonly subnet: string;
}

export interface LineSpec {
  readonly left: LineHost;
  /** SRv6 routers in line order (at least one). */
  readonly routers: readonly string[];
  readonly right: LineHost;
  /**
   * MTU of router-to-router links. SRv6 encapsulation runs before the forwarding MTU check, so an
   * oversized inner IPv4 packet is dropped without an ICMP "fragmentation needed": the underlay must
   * carry a full customer frame plus 40 (IPv6) + 8 (SRH) + 16 per segment.
   */
  readonly underlayMtu: number;
}

export interface PlannedAddress {
  readonly node: string;
  readonly dev: string;
  /** address/length */
  readonly cidr: string;
}

export interface PlannedLink {
  readonly a: { readonly node: string; readonly ifname: string };
  readonly b: { readonly node: string; readonly ifname: string };
  readonly mtu?: number;
  readonly underlay: boolean;
}

/** `dst via via dev dev` in router `node`'s main table. */
export interface PlannedRoute {
  readonly node: string;
  readonly dst: string;
  readonly via: string;
  readonly dev: string;
}

export interface PlannedRouter {
  readonly name: string;
  /** 1-based position among the routers. */
  readonly index: number;
  readonly locator: string;
  /** The router's own address in its locator (on lo): tunnel source. */
  readonly address: string;
}

export interface LinePlan {
  /** Every node, in line order. */
  readonly nodes: readonly string[];
  readonly routers: readonly PlannedRouter[];
  readonly hosts: readonly string[];
  readonly links: readonly PlannedLink[];
  readonly addresses: readonly PlannedAddress[];
  readonly routes: readonly PlannedRoute[];
  /** Each host's IPv4 default gateway. */
  readonly gateways: readonly { readonly node: string; readonly via: string }[];
  /** The interface of `node` that faces `peer` (its neighbour). */
  ifname(node: string, peer: string): string;
  /**
   * A router's underlay interface (toward the previous router; the first router's toward the next):
   * where its SID routes attach. Not lo: an IPv6 route via lo is turned into a reject route for
   * received packets (measured: seg6local SID on lo counts nothing, Ip6InNoRoutes rises).
   */
  coreIfname(router: string): string;
}

const MAX_IFNAME = 15;

/** `10.1.0.0/24` → `10.1.0.<host>` */
function inSubnet24(subnet: string, host: number): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.0\/24$/.exec(subnet);
  if (!m) throw new Error(`customer subnet '${subnet}' must be an IPv4 /24 ending in .0/24`);
  return `${m[1]}.${m[2]}.${m[3]}.${host}`;
}

export function lineTopology(spec: LineSpec): LinePlan {
  const { left, routers, right } = spec;
  if (routers.length === 0) throw new Error('a line needs at least one router');
  const nodes = [left.name, ...routers, right.name];
  if (new Set(nodes).size !== nodes.length) throw new Error(`node names must be unique: ${nodes.join(', ')}`);
  const ifname = (node: string, peer: string): string => {
    const i = nodes.indexOf(node);
    if (i < 0 || (nodes[i - 1] !== peer && nodes[i + 1] !== peer)) throw new Error(`${node} has no link to ${peer}`);
    return `sfc-${peer}`;
  };
  for (const n of nodes) if (`sfc-${n}`.length > MAX_IFNAME) throw new Error(`node name '${n}' is too long for an interface name (sfc-<name> ≤ ${MAX_IFNAME})`);

  const planned: PlannedRouter[] = routers.map((name, k) => ({
    name,
    index: k + 1,
    locator: `fc00:${(k + 1).toString(16)}::/48`,
    address: `fc00:${(k + 1).toString(16)}::1`,
  }));
  const linkAddress = (k: number, side: 1 | 2): string => `fd00:${k.toString(16)}::${side}`;

  const links: PlannedLink[] = [];
  const addresses: PlannedAddress[] = [];
  for (let i = 0; i + 1 < nodes.length; i++) {
    const a = nodes[i]!;
    const b = nodes[i + 1]!;
    const underlay = i > 0 && i + 1 < nodes.length - 1;
    links.push({ a: { node: a, ifname: ifname(a, b) }, b: { node: b, ifname: ifname(b, a) }, underlay, ...(underlay ? { mtu: spec.underlayMtu } : {}) });
    if (underlay) {
      addresses.push({ node: a, dev: ifname(a, b), cidr: `${linkAddress(i, 1)}/64` });
      addresses.push({ node: b, dev: ifname(b, a), cidr: `${linkAddress(i, 2)}/64` });
    }
  }
  const first = routers[0]!;
  const last = routers[routers.length - 1]!;
  addresses.push({ node: first, dev: ifname(first, left.name), cidr: `${inSubnet24(left.subnet, 1)}/24` });
  addresses.push({ node: left.name, dev: ifname(left.name, first), cidr: `${inSubnet24(left.subnet, 2)}/24` });
  addresses.push({ node: last, dev: ifname(last, right.name), cidr: `${inSubnet24(right.subnet, 1)}/24` });
  addresses.push({ node: right.name, dev: ifname(right.name, last), cidr: `${inSubnet24(right.subnet, 2)}/24` });
  for (const r of planned) addresses.push({ node: r.name, dev: 'lo', cidr: `${r.address}/128` });

  // In a line the next hop toward any other router is simply the neighbour on its side.
  const routes: PlannedRoute[] = [];
  for (const r of planned) {
    for (const other of planned) {
      if (other === r) continue;
      const rightward = other.index > r.index;
      const peer = routers[rightward ? r.index : r.index - 2]!;
      // Link k joins router k and k+1; its node-line index is k too (hosts occupy both ends).
      const via = rightward ? linkAddress(r.index, 2) : linkAddress(r.index - 1, 1);
      routes.push({ node: r.name, dst: other.locator, via, dev: ifname(r.name, peer) });
    }
  }

  return {
    nodes,
    routers: planned,
    hosts: [left.name, right.name],
    links,
    addresses,
    routes,
    gateways: [
      { node: left.name, via: inSubnet24(left.subnet, 1) },
      { node: right.name, via: inSubnet24(right.subnet, 1) },
    ],
    ifname,
    coreIfname: (router: string): string => {
      const k = routers.indexOf(router);
      if (k < 0) throw new Error(`${router} is not a router`);
      if (routers.length === 1) throw new Error('a single router has no underlay interface');
      return ifname(router, routers[k === 0 ? 1 : k - 1]!);
    },
  };
}
