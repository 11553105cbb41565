/**
 * The lab's underlay, derived from a validated topology: interface addresses, static routes and
 * sysctls, plus each agent's settings (locator, core interface, customer interfaces). Pure:
 * sfclab carries the result out. docs/topology-reference.md states every rule with an example.
 *
 * Two modes:
 * - `file`: some node's exec assigns addresses (`ip addr add ...`): the file owns the addressing,
 *   nothing is derived but sysctls and agent settings; every role node must label its locator.
 * - `derived`: sfclab addresses the links itself:
 *   role node r (1-based, file order)       locator fc00:<r>::/48 unless labelled; <locator>::1/128 on lo
 *   core link k (both ends role nodes)      fcf0:0:<k>::1/64 on end a, ::2/64 on end b
 *   customer link s (edge — role-less linux) 10.<s>.0.1/24 + 2001:db8:<s>::1/64 on the edge,
 *                                            .2 / ::2 on the endpoint, with default routes via the edge
 *   (k, s and r in hex in IPv6 text), static routes to every other role node's locator along
 *   shortest core paths, and a best-effort site-to-site VPN between edges (siteDecapSid).
 */
import { fieldPath } from '../chains/field-path.js';
import { formatIPv6, parsePrefix } from '../common/ip.js';
import { Issues, placeIssues } from './issues.js';
import { shortestHops } from './paths.js';
import { MAX_LOCATOR_LENGTH, prefixesOverlap } from './read-nodes.js';
import { CORE_INTERFACE_LABEL, LOCATOR_LABEL, type InterfaceAddress, type NodeUnderlay, type Site, type Topology, type TopologyIssue, type TopologyLink, type TopologyNode, type Underlay } from './types.js';

/**
 * Metric of the site routes edges install toward other edges' sites. The agents' chain classifier
 * routes use lower metrics, so a chain always wins over the plain VPN path.
 */
export const SITE_ROUTE_METRIC = 5000;

/**
 * Last 16 bits of an edge's site decapsulation SIDs: `<locator base>::d4` (End.DX4) and
 * `<locator base>::d6` (End.DX6). They lie in the locator's function-id-0 block, which the
 * controller never allocates (src/controller/planning/sid-layout.ts), so they cannot collide with
 * a chain's SIDs.
 */
export const SITE_DECAP_SUFFIX = { 4: 0xd4, 6: 0xd6 } as const;

/** An exec command that assigns an address: the file does its own addressing. */
export const ADDRESS_ASSIGNMENT = /\b(?:a|addr|address)\s+(?:add|replace|change)\b/;

/** Sysctls of every role node (the file's own `sysctls` are applied after, and override). */
export const ROLE_SYSCTLS: Readonly<Record<string, string>> = {
  'net.ipv4.ip_forward': '1',
  'net.ipv6.conf.all.forwarding': '1',
  'net.ipv6.conf.all.seg6_enabled': '1',
  'net.ipv6.conf.default.seg6_enabled': '1',
  'net.ipv4.conf.all.rp_filter': '0',
  'net.ipv4.conf.default.rp_filter': '0',
};

/** Derived addressing runs out past these counts (one IPv4 octet, one IPv6 group). */
const MAX_SITES = 255;
const MAX_GROUP = 0xffff;

/** `fc00:1::/48` → its network bytes and length; throws on anything but an IPv6 prefix of length ≤ 64. */
function locatorBase(locator: string): { bytes: Uint8Array; length: number } {
  const p = parsePrefix(locator);
  if (p.family !== 6 || p.length > MAX_LOCATOR_LENGTH) throw new RangeError(`'${locator}' is not an IPv6 locator of length ≤ ${MAX_LOCATOR_LENGTH}`);
  const bytes = new Uint8Array(16);
  for (let bit = 0; bit < p.length; bit++) if (p.bytes[bit >> 3]! & (0x80 >> (bit & 7))) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return { bytes, length: p.length };
}

/** The locator's network address with its last byte set: `fc00:1::/48`, 0xd4 → `fc00:1::d4`. */
function locatorHost(locator: string, last: number): string {
  const b = locatorBase(locator).bytes;
  b[15] = last;
  return formatIPv6(b);
}

/** An edge's site decapsulation SID for a family: `fc00:1::/48` → `fc00:1::d4` (4) or `fc00:1::d6` (6). */
export function siteDecapSid(locator: string, family: 4 | 6): string {
  return locatorHost(locator, SITE_DECAP_SUFFIX[family]);
}

type DeriveResult = { readonly ok: true; readonly underlay: Underlay; readonly warnings: TopologyIssue[] } | { readonly ok: false; readonly errors: TopologyIssue[] };

const hex = (n: number): string => n.toString(16);
const labelPath = (n: TopologyNode, label: string): string => fieldPath(fieldPath(n.path, 'labels'), label);
const withoutLength = (cidr: string): string => cidr.slice(0, cidr.indexOf('/'));

interface Work {
  readonly addresses: InterfaceAddress[];
  readonly routes: string[];
}

export function deriveUnderlay(t: Topology): DeriveResult {
  const issues = new Issues();
  const byName = new Map(t.nodes.map((n) => [n.name, n]));
  const roleNodes = t.nodes.filter((n) => n.role !== undefined);
  const isRole = (name: string): boolean => byName.get(name)?.role !== undefined;
  const execAddressed = t.nodes.find((n) => n.exec.some((c) => ADDRESS_ASSIGNMENT.test(c)));
  const mode: Underlay['mode'] = execAddressed ? 'file' : 'derived';

  // Locators: labelled, else (derived mode) fc00:<r>::/48; in file mode the file must say.
  const locators = new Map<string, string>();
  roleNodes.forEach((n, i) => {
    if (n.locator !== undefined) locators.set(n.name, n.locator);
    else if (mode === 'file') {
      issues.error(n.path, `node ${n.name} needs a ${LOCATOR_LABEL} label: the file assigns addresses itself (${execAddressed!.name}'s exec), so sfclab derives no locators`);
    } else if (i + 1 > MAX_GROUP) issues.error(n.path, `too many role nodes for default locators (fc00:<r>::/48): label ${LOCATOR_LABEL}`);
    else locators.set(n.name, `fc00:${hex(i + 1)}::/48`);
  });
  const placed = [...locators].map(([name, loc]) => ({ name, loc, bits: locatorBase(loc) }));
  placed.forEach((x, j) => {
    for (const y of placed.slice(0, j)) {
      if (!prefixesOverlap(x.bits, y.bits)) continue;
      const labelled = byName.get(x.name)!.locator !== undefined ? x : y;
      issues.error(labelPath(byName.get(labelled.name)!, LOCATOR_LABEL), `locator ${x.loc} of node ${x.name} overlaps node ${y.name}'s locator ${y.loc}${byName.get(y.name)!.locator === undefined ? ' (its default)' : ''}`);
    }
  });

  // Links by role: core (role — role), customer (edge — role-less linux), the rest unaddressed.
  const core: TopologyLink[] = [];
  const customer: { link: TopologyLink; edge: 'a' | 'b' }[] = [];
  const unaddressed: TopologyLink[] = [];
  const isEndpoint = (name: string): boolean => {
    const n = byName.get(name);
    return n !== undefined && n.kind === 'linux' && n.role === undefined;
  };
  for (const l of t.links) {
    if (l.a.node === l.b.node) unaddressed.push(l);
    else if (isRole(l.a.node) && isRole(l.b.node)) core.push(l);
    else if (byName.get(l.a.node)?.role === 'edge' && isEndpoint(l.b.node)) customer.push({ link: l, edge: 'a' });
    else if (byName.get(l.b.node)?.role === 'edge' && isEndpoint(l.a.node)) customer.push({ link: l, edge: 'b' });
    else unaddressed.push(l);
  }

  // Agent settings: core interface (label, else the first core link's end), customer interfaces.
  const coreInterface = new Map<string, string>();
  for (const n of roleNodes) {
    const labelled = n.labels[CORE_INTERFACE_LABEL];
    const first = core.find((l) => l.a.node === n.name || l.b.node === n.name);
    const ifname = labelled ?? (first && (first.a.node === n.name ? first.a.interface : first.b.interface));
    if (ifname === undefined) issues.error(n.path, `node ${n.name} has a role but no core link (a link to another role node) and no ${CORE_INTERFACE_LABEL} label: its agent needs a core interface`);
    else coreInterface.set(n.name, ifname);
  }
  const customerInterfaces = new Map<string, string[]>();
  for (const c of customer) {
    const end = c.link[c.edge];
    customerInterfaces.set(end.node, [...(customerInterfaces.get(end.node) ?? []), end.interface]);
  }

  const work = new Map<string, Work>(t.nodes.map((n) => [n.name, { addresses: [], routes: [] }]));
  const sites: Site[] = [];
  if (mode === 'derived') {
    // Each role node's own address in its locator: the agents' default tunnel source.
    for (const n of roleNodes) {
      const loc = locators.get(n.name);
      if (loc !== undefined) work.get(n.name)!.addresses.push({ dev: 'lo', address: `${locatorHost(loc, 1)}/128` });
    }
    const coreAddress = new Map<TopologyLink, { a: string; b: string }>();
    core.forEach((l, i) => {
      const k = i + 1;
      if (k > MAX_GROUP) {
        issues.error(l.path, `more than ${MAX_GROUP} core links: derived addressing (fcf0:0:<k>::/64) runs out; address the links with exec`);
        return;
      }
      const a = `fcf0:0:${hex(k)}::1/64`;
      const b = `fcf0:0:${hex(k)}::2/64`;
      coreAddress.set(l, { a, b });
      work.get(l.a.node)!.addresses.push({ dev: l.a.interface, address: a });
      work.get(l.b.node)!.addresses.push({ dev: l.b.interface, address: b });
    });

    const routedEndpoints = new Set<string>();
    customer.forEach(({ link, edge }, i) => {
      const s = i + 1;
      if (s > MAX_SITES) {
        issues.error(link.path, `more than ${MAX_SITES} customer links: derived addressing (10.<s>.0.0/24) runs out; address the links with exec`);
        return;
      }
      const e = link[edge];
      const p = link[edge === 'a' ? 'b' : 'a'];
      const v6 = `2001:db8:${hex(s)}::`;
      work.get(e.node)!.addresses.push({ dev: e.interface, address: `10.${s}.0.1/24` }, { dev: e.interface, address: `${v6}1/64` });
      const ep = work.get(p.node)!;
      ep.addresses.push({ dev: p.interface, address: `10.${s}.0.2/24` }, { dev: p.interface, address: `${v6}2/64` });
      if (routedEndpoints.has(p.node)) {
        issues.warn(link.path, `node ${p.node} has several customer links: only its first gets default routes; route ${`10.${s}.0.0/24`} traffic with exec`);
      } else {
        routedEndpoints.add(p.node);
        ep.routes.push(`route add default via 10.${s}.0.1`, `-6 route add default via ${v6}1`);
      }
      sites.push({ edge: e.node, endpoint: p.node, ipv4: `10.${s}.0.0/24`, ipv6: `${v6}/64`, endpointIpv4: `10.${s}.0.2`, endpointIpv6: `${v6}2` });
    });

    // Every other role node's locator, via the first hop of a shortest core path.
    for (const n of roleNodes) {
      const unreachable: string[] = [];
      for (const m of roleNodes) {
        const loc = locators.get(m.name);
        if (m === n || loc === undefined) continue;
        const hops = shortestHops(core, n.name, m.name);
        const first = hops?.[0];
        const addr = first && coreAddress.get(first.link);
        if (!first || !addr) {
          unreachable.push(m.name);
          continue;
        }
        const via = withoutLength(first.side === 'a' ? addr.b : addr.a);
        work.get(n.name)!.routes.push(`-6 route add ${loc} via ${via} dev ${first.link[first.side].interface}`);
      }
      if (unreachable.length > 0) issues.warn(n.path, `node ${n.name} has no core path to ${unreachable.join(', ')}: their locators are not routed from it`);
    }

    // Site routing: each edge decapsulates toward its sites; every other edge encapsulates to them.
    const edges = roleNodes.filter((n) => n.role === 'edge');
    const decapping = edges.flatMap((e) => {
      const mine = sites.filter((s) => s.edge === e.name);
      const loc = locators.get(e.name);
      const dev = coreInterface.get(e.name);
      return mine.length === 0 || loc === undefined || dev === undefined ? [] : [{ e, mine, dx4: siteDecapSid(loc, 4), dx6: siteDecapSid(loc, 6), dev }];
    });
    for (const { e, dx4, dx6, dev } of decapping) {
      work.get(e.name)!.routes.push(`-6 route add ${dx4}/128 encap seg6local action End.DX4 nh4 0.0.0.0 dev ${dev}`, `-6 route add ${dx6}/128 encap seg6local action End.DX6 nh6 :: dev ${dev}`);
    }
    for (const { e, mine, dx4, dx6 } of decapping) {
      for (const other of edges) {
        const otherDev = coreInterface.get(other.name);
        if (other === e || otherDev === undefined) continue;
        for (const s of mine) {
          work
            .get(other.name)!
            .routes.push(
              `route add ${s.ipv4} metric ${SITE_ROUTE_METRIC} encap seg6 mode encap segs ${dx4} dev ${otherDev}`,
              `-6 route add ${s.ipv6} metric ${SITE_ROUTE_METRIC} encap seg6 mode encap segs ${dx6} dev ${otherDev}`,
            );
        }
      }
    }

    if (unaddressed.length > 0) {
      const n = unaddressed.length;
      issues.warn(
        unaddressed[0]!.path,
        `${n} link${n === 1 ? ' is' : 's are'} not addressed (${unaddressed.map((l) => `links[${l.index}]`).join(', ')}): sfclab only addresses links between role nodes and from an edge to a role-less linux node; address ${n === 1 ? 'it' : 'them'} with exec`,
      );
    }
  }

  const errors = placeIssues(issues.errors, t.positions);
  if (errors.length > 0) return { ok: false, errors };
  const nodes: NodeUnderlay[] = t.nodes.map((n) => {
    const w = work.get(n.name)!;
    const loc = locators.get(n.name);
    const coreIf = coreInterface.get(n.name);
    return {
      node: n.name,
      addresses: w.addresses,
      routes: w.routes,
      sysctls: n.role !== undefined ? { ...ROLE_SYSCTLS } : {},
      ...(loc !== undefined ? { locator: loc } : {}),
      ...(coreIf !== undefined ? { coreInterface: coreIf } : {}),
      customerInterfaces: customerInterfaces.get(n.name) ?? [],
    };
  });
  return { ok: true, underlay: { mode, nodes, sites }, warnings: placeIssues(issues.warnings, t.positions) };
}
