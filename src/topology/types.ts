/**
 * A containerlab topology file as sfclab understands it: the resolved model (inheritance applied,
 * defaults filled in, validated) and the underlay sfclab derives from it. Plain data, no I/O.
 *
 * Only standard containerlab keys are read; srv6-sfc settings travel in node `labels`
 * (`srv6-sfc/role`, `srv6-sfc/locator`, ...), so the same file deploys under containerlab.
 */

/** Node kinds a network-namespace runner can honour. */
export type NodeKind = 'linux' | 'bridge' | 'host';

/** `srv6-sfc/role`: nodes with a role run an sfc-agent; nodes without one are plain endpoints. */
export type NodeRole = 'edge' | 'vnf-host' | 'transit';

export const LABEL_PREFIX = 'srv6-sfc/';
export const ROLE_LABEL = 'srv6-sfc/role';
export const LOCATOR_LABEL = 'srv6-sfc/locator';
export const CAPACITY_LABEL = 'srv6-sfc/capacity';
export const CORE_INTERFACE_LABEL = 'srv6-sfc/core-interface';

export interface TopologyNode {
  readonly name: string;
  readonly kind: NodeKind;
  /** From the `srv6-sfc/role` label. */
  readonly role?: NodeRole;
  /** Every label after inheritance (defaults → kind → group → node), srv6-sfc ones included. */
  readonly labels: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  /** Commands run inside the node after wiring, in order (containerlab `exec`). */
  readonly exec: readonly string[];
  /** `net.*` sysctls only (they are per network namespace). */
  readonly sysctls: Readonly<Record<string, string>>;
  /** From `srv6-sfc/locator`, canonical (`fc00:1::/48`); absent when not given. */
  readonly locator?: string;
  /** Field path of the node in the file (`topology.nodes.edge1`), for messages. */
  readonly path: string;
}

export interface LinkEndpoint {
  readonly node: string;
  readonly interface: string;
  /** From the extended form's `mac`. */
  readonly mac?: string;
}

/** A veth link between two endpoints (brief or extended `type: veth` form). */
export interface TopologyLink {
  /** 0-based position in `topology.links`. */
  readonly index: number;
  readonly a: LinkEndpoint;
  readonly b: LinkEndpoint;
  readonly mtu?: number;
  readonly path: string;
}

export interface TopologyIssue {
  /** Field path (`topology.nodes.fn1.labels.srv6-sfc/role`). */
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export interface Topology {
  /** The lab's `name`. */
  readonly name: string;
  /** Nodes in file order. */
  readonly nodes: readonly TopologyNode[];
  readonly links: readonly TopologyLink[];
  /** Keys that were understood but are not honoured (image, ports, startup-config, ...). */
  readonly warnings: readonly TopologyIssue[];
  /**
   * Where each field path is in the file (set by parseTopology), so checks that run later on the
   * model (deriveUnderlay) can give line:column too.
   */
  readonly positions?: ReadonlyMap<string, SourcePosition>;
}

/** 1-based line and column in the topology file. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export type TopologyParse =
  | { readonly ok: true; readonly topology: Topology }
  | { readonly ok: false; readonly errors: readonly TopologyIssue[] };

/** One address on one interface of a node, in CIDR form (`10.1.0.1/24`, `fcf0:0:1::1/64`). */
export interface InterfaceAddress {
  readonly dev: string;
  readonly address: string;
}

/** What sfclab configures on one node beyond its links. */
export interface NodeUnderlay {
  readonly node: string;
  readonly addresses: readonly InterfaceAddress[];
  /**
   * `ip` argument strings run in the node in order, e.g.
   * `-6 route add fc00:2::/48 via fcf0:0:1::2 dev eth1` or
   * `route add 10.2.0.0/24 metric 1024 encap seg6 mode encap segs fc00:3::d4 dev eth1`.
   */
  readonly routes: readonly string[];
  /** Sysctls sfclab sets before the file's own (forwarding, seg6_enabled, rp_filter). */
  readonly sysctls: Readonly<Record<string, string>>;
  /** The agent's settings (role nodes only). */
  readonly locator?: string;
  readonly coreInterface?: string;
  readonly customerInterfaces: readonly string[];
}

/** A customer site: an endpoint attached to an edge by one link. */
export interface Site {
  readonly edge: string;
  readonly endpoint: string;
  /** Subnets in CIDR form (`10.2.0.0/24`, `2001:db8:2::/64`). */
  readonly ipv4: string;
  readonly ipv6: string;
  /** The endpoint's addresses (no prefix length): `10.2.0.2`, `2001:db8:2::2`. */
  readonly endpointIpv4: string;
  readonly endpointIpv6: string;
}

export interface Underlay {
  /** `derived`: sfclab addressed the links; `file`: the file's `exec` commands do it. */
  readonly mode: 'derived' | 'file';
  /** Every node, in file order. */
  readonly nodes: readonly NodeUnderlay[];
  readonly sites: readonly Site[];
}
